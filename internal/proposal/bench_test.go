package proposal

import (
	"context"
	"fmt"
	"testing"

	"github.com/gitops-promote/promote/internal/forge/local"
	"github.com/gitops-promote/promote/internal/testrepo"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// benchRepo generates a Git monorepo of n apps with staging ahead of prod
// for every app.
func benchRepo(b *testing.B, n int) *workspace.Workspace {
	dir := b.TempDir()
	files := testrepo.Files(testrepo.Options{Apps: n, Ahead: 1, Seed: 1})
	if _, err := testrepo.InitGit(dir, files); err != nil {
		b.Fatal(err)
	}
	ws, err := workspace.Locate(dir, "")
	if err != nil {
		b.Fatal(err)
	}
	return ws
}

func benchmarkProposal(b *testing.B, n int, apps []string) {
	ws := benchRepo(b, n)
	repo, err := ws.Repo()
	if err != nil {
		b.Fatal(err)
	}
	opts := Options{Workspace: ws, Plan: Promotion(promote.Request{To: "prod", Apps: apps}), Base: "main", Forge: local.New(repo)}
	b.ReportAllocs()
	for b.Loop() {
		res, err := Run(context.Background(), opts)
		if err != nil {
			b.Fatal(err)
		}
		if res.Plan.Empty() {
			b.Fatal("empty plan")
		}
	}
}

// BenchmarkLocalProposal is `promote run --forge local` over every app of
// a generated monorepo: plan from the base tip's tree, apply, write the
// commit in the object database, compare with the existing branch.
func BenchmarkLocalProposal(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) { benchmarkProposal(b, n, nil) })
	}
}

// BenchmarkLocalProposalOneApp is `promote run --forge local --app X`:
// its cost should not grow with the number of apps in the repository.
func BenchmarkLocalProposalOneApp(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) { benchmarkProposal(b, n, []string{testrepo.AppName(n / 2)}) })
	}
}

// BenchmarkNoRenderProposal is `promote run --forge local --no-render`
// over every app of a monorepo of hand-written-style overlays
// (testrepo.Options.Plain): plan, apply, the check for uncommitted edits,
// the commit written in the object database and the branch set. cpu-s/op
// is the CPU time per run (user and system), which varies far less than
// wall time on a shared machine.
func BenchmarkNoRenderProposal(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			if _, err := testrepo.InitGit(dir, testrepo.Files(testrepo.Options{Apps: n, Ahead: 1, Seed: 1, Plain: true})); err != nil {
				b.Fatal(err)
			}
			ws, err := workspace.Locate(dir, "")
			if err != nil {
				b.Fatal(err)
			}
			repo, err := ws.Repo()
			if err != nil {
				b.Fatal(err)
			}
			opts := Options{Workspace: ws, Plan: PromotionNotRendered(promote.Request{To: "prod"}), Base: "main", Forge: local.New(repo)}
			b.ReportAllocs()
			cpu := testrepo.CPUTime()
			for b.Loop() {
				res, err := Run(context.Background(), opts)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Plan.Changes) != 2*n {
					b.Fatalf("%d changes, want %d", len(res.Plan.Changes), 2*n)
				}
			}
			b.ReportMetric((testrepo.CPUTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}
