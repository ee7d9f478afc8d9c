package review

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/forge/local"
	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/internal/testrepo"
)

const release = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: cache}
spec:
  chart:
    spec: {chart: redis, version: "%s"}
`

// TestSharedRendersMatchUncached runs the same gated promotion (safety
// net and gate) without a render cache, with a cold one and with a warm
// one kept on disk: the unpromotable entries, the notes and the body
// (rendered diff) are the same, and the warm run builds nothing.
func TestSharedRendersMatchUncached(t *testing.T) {
	files := testrepo.Files(testrepo.Options{Apps: 12, Ahead: 1, Seed: 3})
	for env, version := range map[string]string{"staging": "18.1.0", "prod": "18.0.0"} {
		dir := "apps/" + testrepo.AppName(2) + "/overlays/" + env + "/"
		files[dir+"release.yaml"] = []byte(strings.Replace(release, "%s", version, 1))
		files[dir+"kustomization.yaml"] = []byte(strings.Replace(string(files[dir+"kustomization.yaml"]), "../../base", "../../base\n  - release.yaml", 1))
	}
	f := newFixture(t, files)
	run := func() *proposal.Result {
		t.Helper()
		res, err := proposal.Run(context.Background(), proposal.Options{
			Workspace: f.ws, Plan: toProd, Base: "main", Forge: local.New(f.repo), DryRun: true,
			Reviewers: []proposal.Reviewer{Rendered(Options{Budget: 6000})},
		})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	t.Cleanup(func() { kustomize.UseCache(nil) })

	kustomize.UseCache(nil)
	want := run()
	if len(want.Plan.Unpromotable) == 0 || !strings.Contains(want.Body, "directories not shown") {
		t.Fatalf("the fixture shows no unpromotable entry or no trimmed body: %+v\n%s", want.Plan.Unpromotable, want.Body)
	}
	dir := filepath.Join(f.repo.GitDir(), "promote", "renders")
	for _, name := range []string{"cold", "warm"} {
		c := kustomize.NewRenderCache(kustomize.OpenDiskCache(dir))
		kustomize.UseCache(c)
		got := run()
		if !reflect.DeepEqual(got.Plan.Unpromotable, want.Plan.Unpromotable) {
			t.Errorf("%s: unpromotable %+v, want %+v", name, got.Plan.Unpromotable, want.Plan.Unpromotable)
		}
		if !reflect.DeepEqual(got.Plan.Notes, want.Plan.Notes) {
			t.Errorf("%s: notes %q, want %q", name, got.Plan.Notes, want.Plan.Notes)
		}
		if got.Body != want.Body {
			t.Errorf("%s: body differs:\n%s\nwant\n%s", name, got.Body, want.Body)
		}
		c.Close()
		builds, hits := c.Stats()
		if name == "cold" && (builds == 0 || hits == 0) {
			t.Errorf("cold: %d builds, %d shared: the gate did not reuse the safety net's builds", builds, hits)
		}
		if name == "warm" && builds != 0 {
			t.Errorf("warm: %d builds, want none", builds)
		}
	}
}
