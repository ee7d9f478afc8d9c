package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/internal/workspace"
)

// TestRollbackLastPromotion proposes prod as it was before the squashed
// promotion: one commit on promote/rollback-prod whose only change is the
// tag 1.2 → 1.1.
func TestRollbackLastPromotion(t *testing.T) {
	r := newPromotedRepo(t)
	head := git(t, r.dir, "rev-parse", "HEAD")
	code, out, stderr := runCLI(t, r.dir, false, nil, "rollback", "--env", "prod", "--show-body")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(out, "rollback(prod): web 1.2 → 1.1\n") || !strings.Contains(stderr, "created promote/rollback-prod at ") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", out, stderr)
	}
	if n := git(t, r.dir, "rev-list", "--count", "main..promote/rollback-prod"); n != "1" {
		t.Errorf("%s commits on the rollback branch, want 1", n)
	}
	diff := git(t, r.dir, "diff", "--unified=0", "main", "promote/rollback-prod")
	var changed []string
	for _, l := range strings.Split(diff, "\n") {
		if (strings.HasPrefix(l, "+") || strings.HasPrefix(l, "-")) && !strings.HasPrefix(l, "+++") && !strings.HasPrefix(l, "---") {
			changed = append(changed, l)
		}
	}
	if strings.Join(changed, "\n") != "-    newTag: \"1.2\" # web\n+    newTag: \"1.1\" # web" || !strings.Contains(diff, "b/envs/prod/kustomization.yaml") {
		t.Errorf("rollback diff:\n%s", diff)
	}
	msg := git(t, r.dir, "log", "-1", "--format=%B", "promote/rollback-prod")
	if !strings.Contains(msg, "Promote-Rollback-To: "+git(t, r.dir, "rev-parse", r.squash+"^")) || !strings.Contains(msg, "Promote-To: prod") {
		t.Errorf("commit message:\n%s", msg)
	}
	if strings.Contains(msg, "Not rolled back") {
		t.Errorf("the replicas were already 5 before the last promotion:\n%s", msg)
	}
	if got := git(t, r.dir, "rev-parse", "HEAD"); got != head || git(t, r.dir, "status", "--porcelain") != "" {
		t.Error("the checkout changed")
	}

	// History reads the rollback back once it is merged.
	git(t, r.dir, "merge", "-q", "--ff-only", "promote/rollback-prod")
	var res workspace.HistoryResult
	if err := json.Unmarshal([]byte(r.mustRun(t, "history", "--env", "prod", "-n", "1", "-o", "json")), &res); err != nil {
		t.Fatal(err)
	}
	if e := res.Entries[0]; e.RollbackTo == "" || e.Changes[0].Old != "1.2" || e.Changes[0].New != "1.1" {
		t.Errorf("history after the rollback: %+v", e)
	}
}

// TestRollbackToFirstCommit restores 1.0 and keeps the replicas changed
// directly in prod, listing them as not rolled back.
func TestRollbackToFirstCommit(t *testing.T) {
	r := newPromotedRepo(t)
	var res proposal.Result
	if err := json.Unmarshal([]byte(r.mustRun(t, "rollback", "--env", "prod", "--to", r.first[:10], "-o", "json")), &res); err != nil {
		t.Fatal(err)
	}
	if res.Branch != "promote/rollback-prod" || res.Plan.RollbackTo != r.first || !res.Plan.Rollback {
		t.Errorf("result: branch %s, plan %+v", res.Branch, res.Plan)
	}
	if got := strings.Join(res.Plan.NotRolledBack, ","); got != "envs/prod/replicas.yaml" {
		t.Errorf("not rolled back: %q", got)
	}
	if !strings.Contains(res.Body, "Not rolled back (changed since `"+r.first[:12]+"`, kept as they are):\n\n- `envs/prod/replicas.yaml`") {
		t.Errorf("body:\n%s", res.Body)
	}
	if k := git(t, r.dir, "show", "promote/rollback-prod:envs/prod/kustomization.yaml"); k != strings.TrimSpace(overlay("1.0")) {
		t.Errorf("kustomization after the rollback:\n%s", k)
	}
	if rep := git(t, r.dir, "show", "promote/rollback-prod:envs/prod/replicas.yaml"); !strings.Contains(rep, "replicas: 5") {
		t.Errorf("the direct edit was rolled back:\n%s", rep)
	}
}

func TestRollbackSteps(t *testing.T) {
	r := newPromotedRepo(t)
	code, out, stderr := runCLI(t, r.dir, false, nil, "rollback", "--env", "prod", "--steps", "2", "--dry-run", "--show-body")
	if code != 0 || !strings.HasPrefix(out, "rollback(prod): web 1.2 → 1.0\n") || !strings.Contains(stderr, "dry run") {
		t.Errorf("--steps 2: exit %d\n%s\n%s", code, out, stderr)
	}
	if b := git(t, r.dir, "branch", "--list", "promote/*"); b != "" {
		t.Errorf("--dry-run wrote %s", b)
	}
}

// TestRollbackToTheCurrentState opens nothing and removes a stale
// rollback branch.
func TestRollbackToTheCurrentState(t *testing.T) {
	r := newPromotedRepo(t)
	r.mustRun(t, "rollback", "--env", "prod")
	code, out, stderr := runCLI(t, r.dir, false, nil, "rollback", "--env", "prod", "--to", "HEAD", "--show-body")
	if code != 0 || !strings.Contains(out, "nothing to roll back") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	if !strings.Contains(stderr, "prod already runs what it ran at "+r.squash[:12]+": removed stale promote/rollback-prod") {
		t.Errorf("stderr: %s", stderr)
	}
	if b := git(t, r.dir, "branch", "--list", "promote/*"); b != "" {
		t.Errorf("branches left: %s", b)
	}
}

// TestRollbackBadInput exits 1 with a clear message and writes no branch.
func TestRollbackBadInput(t *testing.T) {
	r := newPromotedRepo(t)
	// prod-eu appears after the first commit.
	commitAll(t, r.dir, "add prod-eu", map[string]string{
		"promote.yaml":                    "environments:\n  - {name: staging, path: envs/staging}\n  - {name: prod, path: envs/prod, from: staging}\n  - {name: prod-eu, path: envs/prod-eu, from: staging}\n",
		"envs/prod-eu/kustomization.yaml": overlay("1.2"),
		"envs/prod-eu/replicas.yaml":      replicas("3"),
	})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--env", "prod", "--to", "nope"}, `--to: unknown revision "nope"`},
		{[]string{"--env", "prod-eu", "--to", r.first}, `environment "prod-eu" did not exist at commit ` + r.first[:12] + `: it has no directory envs/prod-eu`},
		{[]string{"--env", "prod", "--steps", "3"}, "--steps 3 goes past the start of prod's history: the root commit " + r.first[:12] + " created it"},
		{[]string{"--env", "prod", "--steps", "4"}, "--steps 4 goes past the start of prod's history: its promotables changed 3 times"},
		{[]string{"--env", "prod-eu"}, "--steps 1 goes past the start of prod-eu's history"},
		{[]string{"--env", "qa"}, `unknown environment "qa"`},
		{[]string{"--env", "prod", "--steps", "0"}, "--steps 0: expected 1 or more"},
		{[]string{"--env", "prod", "--to", "HEAD", "--steps", "2"}, "none of the others can be"},
	} {
		code, _, stderr := runCLI(t, r.dir, false, nil, append([]string{"rollback"}, tc.args...)...)
		if code != ExitFailure || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", tc.args, code, stderr, tc.want)
		}
	}
	if b := git(t, r.dir, "branch", "--list", "promote/*"); b != "" {
		t.Errorf("bad input wrote branches: %s", b)
	}
}

// TestRollbackOneApp names the branch after the app.
func TestRollbackOneApp(t *testing.T) {
	isolateGitEnv(t)
	dir := t.TempDir()
	git(t, dir, "init", "-q", "--initial-branch=main")
	cfg := "apps:\n  path: apps/{app}/overlays/{env}\nenvironments:\n  - name: staging\n  - name: prod\n    from: staging\n"
	k := func(tag string) string { return "images:\n  - name: web\n    newTag: \"" + tag + "\"\n" }
	commitAll(t, dir, "initial", map[string]string{"promote.yaml": cfg, "apps/web/overlays/prod/kustomization.yaml": k("1"), "apps/api/overlays/prod/kustomization.yaml": k("1")})
	commitAll(t, dir, "web 2", map[string]string{"apps/web/overlays/prod/kustomization.yaml": k("2")})
	commitAll(t, dir, "api 2", map[string]string{"apps/api/overlays/prod/kustomization.yaml": k("2")})
	code, out, stderr := runCLI(t, dir, false, nil, "rollback", "--env", "prod", "--app", "web", "--skip-validation", "--show-body")
	if code != 0 || !strings.HasPrefix(out, "rollback(prod): web 2 → 1") || !strings.Contains(stderr, "created promote/web/rollback-prod") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	if d := git(t, dir, "diff", "--name-only", "main", "promote/web/rollback-prod"); d != "apps/web/overlays/prod/kustomization.yaml" {
		t.Errorf("changed %q", d)
	}
}

// TestRollbackRestoresPromotedFiles copies a promoted file back from the
// past commit, not from the present.
func TestRollbackRestoresPromotedFiles(t *testing.T) {
	isolateGitEnv(t)
	dir := t.TempDir()
	git(t, dir, "init", "-q", "--initial-branch=main")
	k := "images:\n  - name: web\n    newTag: \"1\"\n"
	commitAll(t, dir, "initial", map[string]string{
		"promote.yaml":                    "environments:\n  - {name: prod, path: envs/prod}\npromote:\n  files: [\"config/*.properties\"]\n",
		"envs/prod/kustomization.yaml":    k,
		"envs/prod/config/web.properties": "level=info\n",
	})
	commitAll(t, dir, "debug logging", map[string]string{"envs/prod/config/web.properties": "level=debug\n"})
	code, out, stderr := runCLI(t, dir, false, nil, "rollback", "--env", "prod", "--skip-validation", "--show-body")
	if code != 0 || !strings.HasPrefix(out, "rollback(prod): web.properties\n") || !strings.Contains(out, "Files restored:\n\n- `envs/prod/config/web.properties`") {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	if got := git(t, dir, "show", "promote/rollback-prod:envs/prod/config/web.properties"); got != "level=info" {
		t.Errorf("restored file: %q, want level=info", got)
	}
}

// TestHistoryAndRollbackOnShallowClone: in a depth-1 clone rollback says
// it needs more history than the clone holds, and how to fetch it,
// instead of claiming the history starts there; history shows what the
// clone holds and says where it stops.
func TestHistoryAndRollbackOnShallowClone(t *testing.T) {
	r := newPromotedRepo(t)
	dir := t.TempDir()
	git(t, dir, "clone", "-q", "--depth", "1", "file://"+r.dir, ".")
	code, _, stderr := runCLI(t, dir, false, nil, "rollback", "--env", "prod", "--dry-run")
	if code == 0 || !strings.Contains(stderr, "--steps 1 needs more of prod's history than this clone holds (0 changes found): the history stops at commit") ||
		!strings.Contains(stderr, "1 commit deep") || !strings.Contains(stderr, "fetch-depth: 0") {
		t.Errorf("rollback in a depth-1 clone: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runCLI(t, dir, false, nil, "history", "--env", "prod")
	if code != 0 || !strings.Contains(stderr, "note: the history shown stops at commit") {
		t.Errorf("history in a depth-1 clone: exit %d\n%s", code, stderr)
	}
	full := t.TempDir()
	git(t, full, "clone", "-q", "file://"+r.dir, ".")
	if code, out, stderr := runCLI(t, full, false, nil, "rollback", "--env", "prod", "--dry-run"); code != 0 || strings.Contains(stderr, "shallow") {
		t.Errorf("rollback in a full clone: exit %d\n%s\n%s", code, out, stderr)
	}
}
