package promote

import (
	"fmt"
	"os"
	"testing"

	"github.com/gitops-promote/promote/internal/testrepo"
)

// benchSizes are the monorepo sizes the scale benchmarks run at.
var benchSizes = []int{100, 1000, 10000}

// generated writes a monorepo of apps apps, staging ahead of prod for
// all, to a temporary directory.
func generated(b *testing.B, apps int) (*Config, Trees) {
	return generatedAs(b, testrepo.Options{Apps: apps, Ahead: 1, Seed: 1})
}

// generatedAs writes the monorepo o describes to a temporary directory.
func generatedAs(b *testing.B, o testrepo.Options) (*Config, Trees) {
	b.Helper()
	dir := b.TempDir()
	files := testrepo.Files(o)
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

func atSizes(b *testing.B, run func(b *testing.B, cfg *Config, trees Trees, apps int)) {
	atSizesAs(b, false, run)
}

// atSizesAs is atSizes on hand-written-style overlays when plain.
func atSizesAs(b *testing.B, plain bool, run func(b *testing.B, cfg *Config, trees Trees, apps int)) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) {
			cfg, trees := generatedAs(b, testrepo.Options{Apps: n, Ahead: 1, Seed: 1, Plain: plain})
			b.ReportAllocs()
			b.ResetTimer()
			run(b, cfg, trees, n)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/app")
		})
	}
}

// BenchmarkPlan plans a promotion of every app from staging to prod.
func BenchmarkPlan(b *testing.B) {
	atSizes(b, func(b *testing.B, cfg *Config, trees Trees, apps int) {
		for b.Loop() {
			p, err := NewPlan(cfg, Request{To: "prod"}, trees)
			if err != nil || len(p.Dirs) != 2*apps {
				b.Fatalf("plan of %d dirs: %v", len(p.Dirs), err)
			}
		}
	})
}

// BenchmarkPlanApply plans and applies (computes every edited file) a
// promotion of every app: what `promote apply` does before writing.
func BenchmarkPlanApply(b *testing.B) {
	atSizes(b, func(b *testing.B, cfg *Config, trees Trees, apps int) {
		for b.Loop() {
			p, err := NewPlan(cfg, Request{To: "prod"}, trees)
			if err != nil {
				b.Fatal(err)
			}
			edits, err := Apply(p, trees)
			if err != nil || len(edits) != apps {
				b.Fatalf("%d files edited, want %d: %v", len(edits), apps, err)
			}
		}
	})
}

// BenchmarkStatus reads what runs in every environment and app and which
// edges lag.
func BenchmarkStatus(b *testing.B) {
	atSizes(b, func(b *testing.B, cfg *Config, trees Trees, apps int) {
		for b.Loop() {
			st := NewStatus(cfg, trees.Source)
			if st == nil {
				b.Fatal("no status")
			}
		}
	})
}

// BenchmarkStatusNoRender is `promote status --no-render` on
// hand-written-style overlays (testrepo.Options.Plain): every snapshot
// and every edge, without the safety net. BenchmarkPlanPlain is the plan
// it is compared with.
func BenchmarkStatusNoRender(b *testing.B) {
	atSizesAs(b, true, func(b *testing.B, cfg *Config, trees Trees, apps int) {
		for b.Loop() {
			st := NewStatusWith(cfg, trees.Source, StatusOptions{NoRender: true})
			if err := st.Err(); err != nil || len(st.Environments[0].Apps) != apps {
				b.Fatalf("status of %d apps: %v", len(st.Environments[0].Apps), err)
			}
		}
	})
}

// BenchmarkPlanPlain is BenchmarkPlan on hand-written-style overlays.
func BenchmarkPlanPlain(b *testing.B) {
	atSizesAs(b, true, func(b *testing.B, cfg *Config, trees Trees, apps int) {
		for b.Loop() {
			p, err := NewPlan(cfg, Request{To: "prod"}, trees)
			if err != nil || len(p.Dirs) != 2*apps {
				b.Fatalf("plan of %d dirs: %v", len(p.Dirs), err)
			}
		}
	})
}
