package review

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/promote"
)

// recordingChecks is a forge.CheckReader that reports smoke as pending
// everywhere and records the commits asked about.
type recordingChecks struct{ asked []string }

func (r *recordingChecks) Checks(_ context.Context, commit string) ([]forge.Check, error) {
	r.asked = append(r.asked, commit)
	return []forge.Check{{Name: "smoke", State: forge.CheckPending}}, nil
}

// commitOn adds a commit writing files on main and returns it.
func (f fixture) commitOn(t *testing.T, files map[string]string, msg string, when time.Time) plumbing.Hash {
	t.Helper()
	tip, err := f.repo.BranchTip("main")
	if err != nil {
		t.Fatal(err)
	}
	var changes []gitrepo.FileChange
	for p, data := range files {
		changes = append(changes, gitrepo.FileChange{Path: p, Data: []byte(data)})
	}
	c, err := f.repo.CommitFiles(tip, changes, msg, gitrepo.Signature{Name: "Ada", Email: "ada@example.com", When: when})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.repo.SetRef("refs/heads/main", c, tip); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestChecksReadFromTheSourcesLastChange: the checks of the commit that
// last changed staging and of the newest 20 commits after it are read,
// that commit first; the soak time is measured from it.
func TestChecksReadFromTheSourcesLastChange(t *testing.T) {
	files := pipeline()
	files["promote.yaml"] = []byte(strings.Replace(config, "{name: prod, path: envs/prod, from: staging}",
		"{name: prod, path: envs/prod, from: staging, requireSoak: 2h, requireChecks: [smoke]}", 1))
	f := newFixture(t, files)
	start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	changed := f.commitOn(t, map[string]string{"envs/staging/kustomization.yaml": string(overlay("staging", "1.4.3"))}, "staging: web 1.4.3", start)
	var later []string
	for i := range 25 {
		c := f.commitOn(t, map[string]string{fmt.Sprintf("docs/%02d.md", i): "x"}, "docs", start.Add(time.Duration(i+1)*time.Minute))
		later = append(later, c.String())
	}
	tip, _ := f.repo.BranchTip("main")
	cfg, tree, err := f.ws.AtCommit(tip)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := promote.NewPlan(cfg, promote.Request{To: "prod"}, promote.Trees{Source: tree, Target: tree})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordingChecks{}
	now := start.Add(30 * time.Minute)
	src := Sources{Now: func() time.Time { return now }, Workspace: f.ws, Checks: rec}
	gates, err := src.Evaluate(context.Background(), cfg, plan, promote.Trees{Source: tree, Target: tree}, tip)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]string{changed.String()}, later[5:]...)
	if !slices.Equal(rec.asked, want) {
		t.Errorf("checks read on %d commits %v\nwant the change and the newest 20 after it %v", len(rec.asked), rec.asked, want)
	}
	byName := map[string]promote.Gate{}
	for _, g := range gates {
		byName[g.Name] = g
	}
	if g := byName["checks"]; g.State != promote.GateWaiting || !strings.Contains(g.Detail, "smoke is pending on "+later[24][:12]) {
		t.Errorf("checks gate: %+v", g)
	}
	if g := byName["soak"]; g.State != promote.GateWaiting || !strings.Contains(g.Detail, "ghcr.io/acme/web 1.4.3: 30m of 2h in staging, ready 2026-11-30 11:00 UTC") {
		t.Errorf("soak gate: %+v", g)
	}
}
