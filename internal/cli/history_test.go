package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/testrepo"
	"github.com/gitops-promote/promote/internal/workspace"
)

// isolateGitEnv gives git and promote a fixed identity and no user or
// system configuration.
func isolateGitEnv(tb testing.TB) {
	tb.Helper()
	home := tb.TempDir()
	for k, v := range map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config"), "GIT_CONFIG_NOSYSTEM": "1",
		"GIT_CONFIG_GLOBAL": filepath.Join(home, "gitconfig"),
		"GIT_AUTHOR_NAME":   "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
		"GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com",
	} {
		tb.Setenv(k, v)
	}
}

// git runs the git binary in dir and returns its trimmed output.
func git(tb testing.TB, dir string, args ...string) string {
	tb.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// writeFiles writes files (slash paths) under dir.
func writeFiles(tb testing.TB, dir string, files map[string]string) {
	tb.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func commitAll(tb testing.TB, dir, msg string, files map[string]string) string {
	tb.Helper()
	writeFiles(tb, dir, files)
	git(tb, dir, "add", "-A")
	git(tb, dir, "commit", "-q", "-m", msg)
	return git(tb, dir, "rev-parse", "HEAD")
}

func overlay(tag string) string {
	return "# kept as is\nresources: [../../base]\npatches:\n  - path: replicas.yaml\nimages:\n  - name: ghcr.io/acme/web\n    newTag: \"" + tag + "\" # web\n"
}

func replicas(n string) string {
	return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: " + n + "\n"
}

// promotedRepo is a repository where prod went 1.0 → 1.1 → 1.2: created
// at 1.0 by the first commit, promoted to 1.1 by promote run and a merge
// commit, scaled by a direct edit, promoted to 1.2 by promote run and a
// squash merge (GitHub style: the title with the pull request number,
// the promotion commit's message in the body). It returns the directory
// and the hashes of the first commit and of the three changes' parents.
type promotedRepo struct {
	dir, first, merge, edit, squash string
}

func newPromotedRepo(t *testing.T) promotedRepo {
	t.Helper()
	isolateGitEnv(t)
	r := promotedRepo{dir: t.TempDir()}
	git(t, r.dir, "init", "-q", "--initial-branch=main")
	r.first = commitAll(t, r.dir, "initial", map[string]string{
		"promote.yaml":                    "environments:\n  - {name: staging, path: envs/staging}\n  - {name: prod, path: envs/prod, from: staging}\n",
		"base/kustomization.yaml":         "resources: [web.yaml]\n",
		"base/web.yaml":                   replicas("1") + "  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web\n",
		"envs/staging/kustomization.yaml": overlay("1.0"),
		"envs/staging/replicas.yaml":      replicas("2"),
		"envs/prod/kustomization.yaml":    overlay("1.0"),
		"envs/prod/replicas.yaml":         replicas("2"),
	})
	commitAll(t, r.dir, "ci: web 1.1 in staging", map[string]string{"envs/staging/kustomization.yaml": overlay("1.1")})
	r.mustRun(t, "run", "--to", "prod")
	git(t, r.dir, "merge", "-q", "--no-ff", "-m", "Merge pull request #1 from acme/promote/staging-to-prod", "promote/staging-to-prod")
	r.merge = git(t, r.dir, "rev-parse", "HEAD")
	r.edit = commitAll(t, r.dir, "prod: scale web to 5", map[string]string{"envs/prod/replicas.yaml": replicas("5")})
	commitAll(t, r.dir, "ci: web 1.2 in staging", map[string]string{"envs/staging/kustomization.yaml": overlay("1.2")})
	r.mustRun(t, "run", "--to", "prod")
	msg := git(t, r.dir, "log", "-1", "--format=%B", "promote/staging-to-prod")
	title, body, _ := strings.Cut(msg, "\n")
	git(t, r.dir, "merge", "-q", "--squash", "promote/staging-to-prod")
	git(t, r.dir, "commit", "-q", "-m", title+" (#2)\n"+body)
	git(t, r.dir, "branch", "-q", "-D", "promote/staging-to-prod")
	r.squash = git(t, r.dir, "rev-parse", "HEAD")
	return r
}

func (r promotedRepo) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, stderr := runCLI(t, r.dir, false, nil, args...)
	if code != 0 {
		t.Fatalf("promote %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	return out
}

func TestHistoryAfterMergeSquashAndDirectEdit(t *testing.T) {
	r := newPromotedRepo(t)
	var res workspace.HistoryResult
	if err := json.Unmarshal([]byte(r.mustRun(t, "history", "--env", "prod", "-o", "json")), &res); err != nil {
		t.Fatal(err)
	}
	type row struct{ commit, old, new, from, pr string }
	var got []row
	for _, e := range res.Entries {
		if len(e.Changes) != 1 || e.Changes[0].Name != "ghcr.io/acme/web" {
			t.Fatalf("entry %s: changes %+v, want one, of web", e.Commit, e.Changes)
		}
		pr := ""
		if e.PR != nil {
			pr = e.PR.Ref
		}
		got = append(got, row{e.Commit, e.Changes[0].Old, e.Changes[0].New, e.From, pr})
	}
	want := []row{
		{r.squash, "1.1", "1.2", "staging", "#2"},
		{r.merge, "1.0", "1.1", "staging", "#1"},
		{r.first, "", "1.0", "", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries %+v, want 3 (the direct edit changes no promotable)", len(got), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if e := res.Entries[0]; e.SourceCommit == "" || e.Author != "Ada" || e.Date.IsZero() || e.Parent == "" {
		t.Errorf("squash entry metadata: %+v", e)
	}

	text := r.mustRun(t, "history", "--env", "prod", "-n", "2")
	for _, want := range []string{
		r.squash[:12] + " ", "promote(prod): web 1.2 (#2)", "  from staging at ", ", PR #2\n", "  image ghcr.io/acme/web 1.1 → 1.2\n",
		r.merge[:12] + " ", "Merge pull request #1 from acme/promote/staging-to-prod", "  image ghcr.io/acme/web 1.0 → 1.1\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "(none) → 1.0") {
		t.Errorf("-n 2 listed a third change:\n%s", text)
	}
	md := r.mustRun(t, "history", "--env", "prod", "-o", "markdown")
	if !strings.Contains(md, "| `"+r.squash[:12]+"` |") || !strings.Contains(md, "| from staging at ") {
		t.Errorf("markdown:\n%s", md)
	}
}

func TestHistoryBadInput(t *testing.T) {
	r := newPromotedRepo(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"history", "--env", "qa"}, `unknown environment "qa"`},
		{[]string{"history", "--env", "prod", "--ref", "nope"}, `--ref: unknown revision "nope"`},
		{[]string{"history", "--env", "prod", "-n", "-1"}, "-n -1: expected 0 (all) or more"},
		{[]string{"history"}, `required flag(s) "env" not set`},
	} {
		code, _, stderr := runCLI(t, r.dir, false, nil, tc.args...)
		if code != ExitFailure || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestHistoryOfGeneratedMonorepo counts the promotions to prod that the
// generator made, merges and squashes alike, in a bare repository.
func TestHistoryOfGeneratedMonorepo(t *testing.T) {
	isolateGitEnv(t)
	dir := t.TempDir()
	stats, err := testrepo.InitHistory(dir, testrepo.HistoryOptions{Apps: 30, Commits: 400, ProdEvery: 40, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	var res workspace.HistoryResult
	_, out, stderr := runCLI(t, dir, false, nil, "history", "--env", "prod", "-n", "0", "-o", "json")
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if len(res.Entries) != stats.ProdChanges {
		t.Errorf("history lists %d changes, the generator made %d", len(res.Entries), stats.ProdChanges)
	}
	prs := 0
	for _, e := range res.Entries {
		if e.PR != nil && e.From == "staging" {
			prs++
		}
	}
	if prs != stats.ProdChanges-1 {
		t.Errorf("%d entries with a pull request and Promote-From, want %d", prs, stats.ProdChanges-1)
	}
	var all workspace.HistoryResult
	_, out, _ = runCLI(t, dir, false, nil, "history", "--env", "prod", "-n", "0", "--all-parents", "-o", "json")
	if err := json.Unmarshal([]byte(out), &all); err != nil || len(all.Entries) != stats.ProdChanges {
		t.Errorf("--all-parents lists %d changes, want %d (%v)", len(all.Entries), stats.ProdChanges, err)
	}
	_, out, _ = runCLI(t, dir, false, nil, "history", "--env", "prod", "--app", "app-00003", "-n", "0", "-o", "json")
	var one workspace.HistoryResult
	if err := json.Unmarshal([]byte(out), &one); err != nil {
		t.Fatal(err)
	}
	for _, e := range one.Entries {
		for _, c := range e.Changes {
			if c.App != "app-00003" {
				t.Errorf("--app app-00003 lists a change of %s", c.App)
			}
		}
	}
}

// BenchmarkHistory runs `promote history --env prod -n 20` on a generated
// bare repository of a 200-app monorepo with 5,000 commits on main, where
// a promotion to prod (merge or squash) is every 250th commit: the walk
// reads all 5,000 commits to find the 20 changes.
func BenchmarkHistory(b *testing.B) {
	isolateGitEnv(b)
	dir := b.TempDir()
	stats, err := testrepo.InitHistory(dir, testrepo.HistoryOptions{Apps: 200, Commits: 5000, ProdEvery: 250, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	if stats.ProdChanges < 21 {
		b.Fatalf("generated %d prod changes, want more than 20", stats.ProdChanges)
	}
	for b.Loop() {
		var stdout, stderr strings.Builder
		f := &Factory{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
		if code := Run(b.Context(), f, []string{"-C", dir, "history", "--env", "prod", "-n", "20"}); code != 0 {
			b.Fatalf("exit %d: %s", code, stderr.String())
		}
		if n := strings.Count(stdout.String(), "  from staging, PR #"); n != 20 {
			b.Fatalf("%d changes listed, want 20:\n%s", n, stdout.String())
		}
	}
}

// TestHistoryAndRollbackInASubdirectory reads the environment under the
// directory of promote.yaml, not the repository's top.
func TestHistoryAndRollbackInASubdirectory(t *testing.T) {
	isolateGitEnv(t)
	dir := t.TempDir()
	git(t, dir, "init", "-q", "--initial-branch=main")
	k := func(tag string) string { return "images:\n  - name: web\n    newTag: \"" + tag + "\"\n" }
	commitAll(t, dir, "initial", map[string]string{
		"deploy/promote.yaml":                 "environments:\n  - {name: prod, path: envs/prod}\n",
		"deploy/envs/prod/kustomization.yaml": k("1"),
		"envs/prod/kustomization.yaml":        k("unrelated"),
	})
	commitAll(t, dir, "unrelated", map[string]string{"envs/prod/kustomization.yaml": k("other")})
	commitAll(t, dir, "prod 2", map[string]string{"deploy/envs/prod/kustomization.yaml": k("2")})
	sub := filepath.Join(dir, "deploy")
	_, out, stderr := runCLI(t, sub, false, nil, "history", "--env", "prod")
	if strings.Count(out, "  image web ") != 2 || !strings.Contains(out, "image web 1 → 2") || strings.Contains(out, "other") {
		t.Errorf("history:\n%s%s", out, stderr)
	}
	code, out, stderr := runCLI(t, sub, false, nil, "rollback", "--env", "prod", "--skip-validation", "--show-body")
	if code != 0 || !strings.HasPrefix(out, "rollback(prod): web 2 → 1") {
		t.Fatalf("rollback: exit %d\n%s%s", code, out, stderr)
	}
	if d := git(t, dir, "diff", "--name-only", "main", "promote/rollback-prod"); d != "deploy/envs/prod/kustomization.yaml" {
		t.Errorf("rollback changed %q", d)
	}
}
