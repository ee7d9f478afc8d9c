package review

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/local"
	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/internal/testrepo"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

const config = `environments:
  - {name: dev, path: envs/dev}
  - {name: staging, path: envs/staging, from: dev}
  - {name: prod, path: envs/prod, from: staging}
promote:
  files: ["config/*.yaml"]
`

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web
`

const settings = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  LEVEL: %s\n"

func overlay(ns, tag string) []byte {
	return []byte("namespace: " + ns + "\nresources:\n  - ../../base\n  - config/settings.yaml\nimages:\n  - name: ghcr.io/acme/web\n    newTag: \"" + tag + "\"\n")
}

func settingsFile(level string) []byte {
	return []byte(strings.Replace(settings, "%s", level, 1))
}

// pipeline is a repository where each environment runs a different web
// tag and settings level.
func pipeline() map[string][]byte {
	return map[string][]byte{
		"promote.yaml":                      []byte(config),
		"base/kustomization.yaml":           []byte("resources: [web.yaml]\n"),
		"base/web.yaml":                     []byte(deployment),
		"envs/dev/kustomization.yaml":       overlay("dev", "1.5.0"),
		"envs/dev/config/settings.yaml":     settingsFile("debug"),
		"envs/staging/kustomization.yaml":   overlay("staging", "1.4.2"),
		"envs/staging/config/settings.yaml": settingsFile("info"),
		"envs/prod/kustomization.yaml":      overlay("prod", "1.4.1"),
		"envs/prod/config/settings.yaml":    settingsFile("warn"),
	}
}

type fixture struct {
	ws   *workspace.Workspace
	repo *gitrepo.Repo
}

func newFixture(t *testing.T, files map[string][]byte) fixture {
	t.Helper()
	dir := t.TempDir()
	if _, err := testrepo.InitGit(dir, files); err != nil {
		t.Fatal(err)
	}
	ws, err := workspace.Locate(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	repo, err := ws.Repo()
	if err != nil {
		t.Fatal(err)
	}
	return fixture{ws: ws, repo: repo}
}

func (f fixture) run(plan proposal.PlanFunc, reviewers ...proposal.Reviewer) (*proposal.Result, error) {
	return proposal.Run(context.Background(), proposal.Options{
		Workspace: f.ws, Plan: plan, Base: "main", Forge: local.New(f.repo), Reviewers: reviewers,
	})
}

// branchExists reports whether a proposal branch was written.
func (f fixture) branchExists(t *testing.T, name string) bool {
	t.Helper()
	_, err := f.repo.BranchTip(name)
	return err == nil
}

func (f fixture) message(t *testing.T, branch string) string {
	t.Helper()
	tip, err := f.repo.BranchTip(branch)
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.repo.Commit(tip)
	if err != nil {
		t.Fatal(err)
	}
	return c.Message
}

var toProd = proposal.Promotion(promote.Request{To: "prod"})

func TestBodyCarriesRenderedDiff(t *testing.T) {
	f := newFixture(t, pipeline())
	res, err := f.run(toProd, Rendered(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != forge.Created {
		t.Fatalf("action %s, want created", res.Action)
	}
	for _, want := range []string{
		"### Rendered manifests\n\n2 resources changed\n",
		"<details><summary><code>apps/v1/Deployment prod/web</code> changed</summary>",
		"-      - image: ghcr.io/acme/web:1.4.1\n+      - image: ghcr.io/acme/web:1.4.2\n",
		"<details><summary><code>v1/ConfigMap prod/settings</code> changed</summary>",
		"-  LEVEL: warn\n+  LEVEL: info\n",
	} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, res.Body)
		}
	}
	if msg := f.message(t, res.Branch); strings.Contains(msg, "Rendered manifests") {
		t.Errorf("the rendered diff went into the commit message:\n%s", msg)
	}
}

func TestBrokenTargetBlocksProposal(t *testing.T) {
	files := pipeline()
	// staging's settings file is not a resource: promoting it breaks prod.
	files["envs/staging/config/settings.yaml"] = []byte("LEVEL: info\n")
	f := newFixture(t, files)
	_, err := f.run(toProd, Rendered(Options{}))
	var ve *ValidationError
	if !errors.As(err, &ve) || !ve.BuiltBefore {
		t.Fatalf("got %v, want a ValidationError for a target that built before", err)
	}
	for _, want := range []string{
		"validation: prod (envs/prod) builds now but would not after this promotion, so nothing was proposed",
		"kustomize build envs/prod: accumulating resources",
		"missing Resource metadata",
		"(in envs/prod/config/settings.yaml)",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if f.branchExists(t, "promote/staging-to-prod") {
		t.Error("a proposal branch was written for a target that does not build")
	}

	// --skip-validation proposes anyway and says so.
	res, err := f.run(toProd, Rendered(Options{SkipValidation: true}))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Body, "**Validation skipped** (`--skip-validation`): validation: prod (envs/prod) builds now but would not") {
		t.Errorf("body does not say validation was skipped:\n%s", res.Body)
	}
	if !f.branchExists(t, "promote/staging-to-prod") {
		t.Error("--skip-validation wrote no branch")
	}
}

func TestTargetBrokenBeforeAndAfter(t *testing.T) {
	files := pipeline()
	files["envs/prod/kustomization.yaml"] = []byte(strings.Replace(string(overlay("prod", "1.4.1")), "config/settings.yaml", "config/missing.yaml", 1))
	f := newFixture(t, files)
	_, err := f.run(toProd, Rendered(Options{}))
	if err == nil || !strings.Contains(err.Error(), "does not build before or after this promotion") ||
		!strings.Contains(err.Error(), "envs/prod/config/missing.yaml: file does not exist") ||
		!strings.Contains(err.Error(), "(in envs/prod/kustomization.yaml)") {
		t.Fatalf("got %v, want kustomize's error naming the missing file and the kustomization", err)
	}
	if f.branchExists(t, "promote/staging-to-prod") {
		t.Error("a branch was written")
	}
}

func TestPolicyRefusesUnconfiguredEdge(t *testing.T) {
	f := newFixture(t, pipeline())
	now := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	devToProd := proposal.Promotion(promote.Request{From: "dev", To: "prod"})
	_, err := f.run(Policy(context.Background(), devToProd, Sources{Now: now, Workspace: f.ws}, ""), Rendered(Options{}))
	var pe *promote.PolicyError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "the pipeline has no edge dev → prod") {
		t.Fatalf("got %v, want the edge refused", err)
	}
	if f.branchExists(t, "promote/dev-to-prod") {
		t.Error("a refused promotion wrote a branch")
	}
	res, err := f.run(Policy(context.Background(), devToProd, Sources{Now: now, Workspace: f.ws}, "hotfix for INC-42"), Rendered(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if msg := f.message(t, res.Branch); !strings.Contains(msg, "\nPromote-Forced: hotfix for INC-42\n") {
		t.Errorf("commit lacks the Promote-Forced trailer:\n%s", msg)
	}
	if !strings.Contains(res.Body, "**Forced** past the pipeline policy: hotfix for INC-42") {
		t.Errorf("body does not say the promotion was forced:\n%s", res.Body)
	}
}

func TestPolicyFreezeUsesTheClock(t *testing.T) {
	files := pipeline()
	files["promote.yaml"] = []byte(strings.Replace(config, "{name: prod, path: envs/prod, from: staging}",
		"{name: prod, path: envs/prod, from: staging, freeze: [{from: \"2026-12-20T00:00:00Z\", to: \"2027-01-05T00:00:00Z\", reason: holidays}]}", 1))
	f := newFixture(t, files)
	frozen := func() time.Time { return time.Date(2026, 12, 24, 12, 0, 0, 0, time.UTC) }
	if _, err := f.run(Policy(context.Background(), toProd, Sources{Now: frozen, Workspace: f.ws}, "")); err == nil || !strings.Contains(err.Error(), "prod is frozen from 2026-12-20T00:00:00Z to 2027-01-05T00:00:00Z (holidays)") {
		t.Fatalf("got %v, want the freeze to refuse", err)
	}
	thawed := func() time.Time { return time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC) }
	if _, err := f.run(Policy(context.Background(), toProd, Sources{Now: thawed, Workspace: f.ws}, "")); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestRenderFromCommitWithoutCheckout(t *testing.T) {
	f := newFixture(t, pipeline())
	tip, err := f.repo.BranchTip("main")
	if err != nil {
		t.Fatal(err)
	}
	cfg, tree, err := f.ws.AtCommit(tip)
	if err != nil {
		t.Fatal(err)
	}
	trees := promote.Trees{Source: tree, Target: tree}
	plan, err := promote.NewPlan(cfg, promote.Request{To: "prod"}, trees)
	if err != nil {
		t.Fatal(err)
	}
	edits, err := promote.Apply(plan, trees)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Render(cfg, plan, trees, edits)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Report == nil || rs[0].Report.Summary != "2 resources changed" {
		t.Fatalf("renders: %+v", rs)
	}
	// The edits were laid over the tree, not written.
	if _, err := kustomize.Render(tree, "envs/prod"); err != nil {
		t.Fatal(err)
	}
	if tip2, _ := f.repo.BranchTip("main"); tip2 != tip || tip == plumbing.ZeroHash {
		t.Error("rendering moved main")
	}
}

// TestFullBodyStillGatesEveryDirectory promotes 40 apps into a body with
// room for a few diffs: the rest are counted, not shown, and a directory
// past the room that would not build still blocks the proposal.
func TestFullBodyStillGatesEveryDirectory(t *testing.T) {
	files := testrepo.Files(testrepo.Options{Apps: 40, Ahead: 1, Seed: 1})
	f := newFixture(t, files)
	var calls []int
	progress := func(done, total int, unit string) {
		if total != 40 || unit != "apps" {
			t.Errorf("progress total %d %s, want 40 apps", total, unit)
		}
		calls = append(calls, done)
	}
	res, err := f.run(toProd, Rendered(Options{Budget: 3000, Progress: progress}))
	if err != nil {
		t.Fatal(err)
	}
	shown := strings.Count(res.Body, "**`apps/")
	if shown == 0 || shown >= 40 || !strings.Contains(res.Body, fmt.Sprintf("**Trimmed to fit the pull request body:** %d directories not shown", 40-shown)) {
		t.Errorf("%d directories shown; body:\n%s", shown, res.Body)
	}
	if _, md, _ := strings.Cut(res.Body, "### Rendered manifests"); len(md) > 3000 {
		t.Errorf("the rendered section is %d bytes for a 3000-byte budget", len(md))
	}
	if len(calls) == 0 || calls[len(calls)-1] != 40 {
		t.Errorf("progress reported %v, want to end at 40", calls)
	}

	last := "apps/" + testrepo.AppName(39) + "/overlays/"
	files[last+"prod/kustomization.yaml"] = []byte(strings.Replace(string(files[last+"prod/kustomization.yaml"]), "../../base", "../../missing", 1))
	f = newFixture(t, files)
	_, err = f.run(toProd, Rendered(Options{Budget: 3000}))
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Dir != last+"prod" || ve.BuiltBefore || ve.Env != "prod" {
		t.Fatalf("got %v, want the last app's prod overlay refused", err)
	}
}

func TestSkipValidationOnATargetThatBuilds(t *testing.T) {
	f := newFixture(t, pipeline())
	res, err := f.run(toProd, Rendered(Options{SkipValidation: true}))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Body, "**Validation skipped** (`--skip-validation`); the target builds after this change.") {
		t.Errorf("body:\n%s", res.Body)
	}
}
