package promote

import (
	"os"
	"testing"

	"github.com/gitops-promote/promote/internal/testrepo"
)

// generated writes a monorepo of apps apps, staging ahead of prod for
// all, to a temporary directory.
func generated(b *testing.B, apps int) (*Config, Trees) {
	dir := b.TempDir()
	files := testrepo.Files(testrepo.Options{Apps: apps, Ahead: 1, Seed: 1})
	if err := testrepo.Write(dir, files); err != nil {
		b.Fatal(err)
	}
	cfg, err := ParseConfig("promote.yaml", files["promote.yaml"])
	if err != nil {
		b.Fatal(err)
	}
	fsys := os.DirFS(dir)
	return cfg, Trees{Source: fsys, Target: fsys}
}

// BenchmarkPlanApply plans and applies a promotion of every app of a
// 1,000-app monorepo on disk from staging to prod.
func BenchmarkPlanApply(b *testing.B) {
	cfg, trees := generated(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		p, err := NewPlan(cfg, Request{To: "prod"}, trees)
		if err != nil {
			b.Fatal(err)
		}
		edits, err := Apply(p, trees)
		if err != nil {
			b.Fatal(err)
		}
		if len(edits) != 1000 {
			b.Fatalf("%d files edited, want 1000", len(edits))
		}
	}
}
