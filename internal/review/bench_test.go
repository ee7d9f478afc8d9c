package review

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/gitops-promote/promote/internal/forge/local"
	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/internal/testrepo"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// BenchmarkGatedProposal is `promote run --forge local` over every app of
// a generated monorepo of hand-written-style overlays (testrepo.Options.Plain)
// with staging ahead of prod everywhere, with the
// validation gate and rendered diff (render=on) and without (render=off),
// side by side: the gate's cost is the ratio of the two. render=on-shared
// shares each build between the safety net and the gate (a first run of
// the command); render=on-kept reuses the builds an earlier run kept on
// disk (a re-run on unchanged inputs).
func BenchmarkGatedProposal(b *testing.B) {
	for _, n := range []int{100, 1000} {
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
		kept := filepath.Join(b.TempDir(), "renders")
		for _, mode := range []struct {
			name string
			r    proposal.Reviewer
			// cache, when set, is the render cache of each run; with
			// prime, one run before the timed ones fills it.
			cache func() *kustomize.RenderCache
			prime bool
		}{
			{name: "off", r: NotRendered},
			{name: "on", r: Rendered(Options{})},
			// Builds shared between the safety net and the gate.
			{name: "on-shared", r: Rendered(Options{}), cache: func() *kustomize.RenderCache { return kustomize.NewRenderCache(nil) }},
			// Builds kept on disk by an earlier run (inputs unchanged).
			{name: "on-kept", r: Rendered(Options{}), cache: func() *kustomize.RenderCache { return kustomize.NewRenderCache(kustomize.OpenDiskCache(kept)) }, prime: true},
		} {
			b.Run(fmt.Sprintf("apps=%d/render=%s", n, mode.name), func(b *testing.B) {
				opts := proposal.Options{
					Workspace: ws, Plan: proposal.Promotion(promote.Request{To: "prod"}), Base: "main",
					Forge: local.New(repo), Reviewers: []proposal.Reviewer{mode.r},
				}
				defer kustomize.UseCache(nil)
				if mode.prime {
					c := mode.cache()
					kustomize.UseCache(c)
					if _, err := proposal.Run(context.Background(), opts); err != nil {
						b.Fatal(err)
					}
					c.Close()
				}
				b.ReportAllocs()
				cpu := testrepo.CPUTime()
				for b.Loop() {
					var c *kustomize.RenderCache
					if mode.cache != nil {
						c = mode.cache()
						kustomize.UseCache(c)
					}
					res, err := proposal.Run(context.Background(), opts)
					if err != nil {
						b.Fatal(err)
					}
					c.Close()
					if res.Plan.Empty() {
						b.Fatal("empty plan")
					}
				}
				b.ReportMetric((testrepo.CPUTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
			})
		}
	}
}
