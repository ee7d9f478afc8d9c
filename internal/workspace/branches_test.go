package workspace

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/promote"
)

func run(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir(),
		"GIT_AUTHOR_NAME=A", "GIT_AUTHOR_EMAIL=a@example.com", "GIT_COMMITTER_NAME=A", "GIT_COMMITTER_EMAIL=a@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func write(t *testing.T, dir, name, data string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

const branchConfig = `environments:
  - {name: staging, branch: env/staging}
  - {name: prod, branch: env/prod, from: staging}
  - {name: preview, path: preview, from: staging}
`

// upstream makes a repository with main (promote.yaml, preview/) and the
// branches env/staging and env/prod, each holding a file naming it.
func upstream(t *testing.T) string {
	dir := t.TempDir()
	run(t, dir, "init", "-q", "-b", "main")
	write(t, dir, "promote.yaml", branchConfig)
	write(t, dir, "preview/f", "preview")
	run(t, dir, "add", "-A")
	run(t, dir, "commit", "-q", "-m", "main")
	for _, b := range []string{"env/staging", "env/prod"} {
		run(t, dir, "checkout", "-q", "-b", b, "main")
		write(t, dir, "f", b)
		run(t, dir, "add", "-A")
		run(t, dir, "commit", "-q", "-m", b)
	}
	run(t, dir, "checkout", "-q", "main")
	return dir
}

func read(t *testing.T, fsys fs.FS, name string) string {
	t.Helper()
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestTreeReadsBranches(t *testing.T) {
	dir := upstream(t)
	ws, err := Locate(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	cfg, tree, err := ws.Disk()
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := tree.(*Tree)
	if !ok {
		t.Fatalf("Disk returned %T, want a *Tree", tree)
	}
	if tr.Current() != "main" {
		t.Errorf("current branch %q, want main", tr.Current())
	}
	prod, err := tr.EnvTree("prod")
	if err != nil || read(t, prod, "f") != "env/prod" {
		t.Fatalf("prod read from %v (%v), want env/prod", prod, err)
	}
	if preview, _ := tr.EnvTree("preview"); preview != tree {
		t.Error("a directory environment is read from the tree itself")
	}
	env, _ := cfg.Env("prod")
	b, err := EnvBranchOf(tree, env)
	if err != nil || b.Ref != "refs/heads/env/prod" || b.Commit.String() != run(t, dir, "rev-parse", "env/prod") {
		t.Errorf("EnvBranchOf = %+v (%v)", b, err)
	}
}

func TestTreeFallsBackToOrigin(t *testing.T) {
	up := upstream(t)
	clone := t.TempDir()
	run(t, clone, "clone", "-q", up, ".")
	ws, err := Locate(clone, "")
	if err != nil {
		t.Fatal(err)
	}
	cfg, tree, err := ws.Disk()
	if err != nil {
		t.Fatal(err)
	}
	tr := tree.(*Tree)
	b, err := tr.Branch("env/staging")
	if err != nil || b.Ref != "refs/remotes/origin/env/staging" {
		t.Fatalf("branch %+v (%v), want origin/env/staging", b, err)
	}
	// Upstream moves; Fetch updates origin/env/staging, not a local branch.
	run(t, up, "checkout", "-q", "env/staging")
	write(t, up, "f", "env/staging v2")
	run(t, up, "commit", "-q", "-am", "v2")
	if err := ws.Fetch(t.Context(), Branches(cfg), nil); err != nil {
		t.Fatal(err)
	}
	_, tree, _ = ws.Disk()
	staging, err := tree.(*Tree).EnvTree("staging")
	if err != nil || read(t, staging, "f") != "env/staging v2" {
		t.Errorf("after Fetch staging reads %v (%v), want v2", staging, err)
	}
	if out := run(t, clone, "branch", "--list", "env/*"); out != "" {
		t.Errorf("Fetch created local branches: %q", out)
	}
	// A pinned commit wins over the lookup.
	first := plumbing.NewHash(run(t, up, "rev-parse", "env/staging~1"))
	if err := tree.(*Tree).Pin("env/staging", first); err != nil {
		t.Fatal(err)
	}
	if staging, _ := tree.(*Tree).EnvTree("staging"); read(t, staging, "f") != "env/staging" {
		t.Error("Pin did not take effect")
	}
}

func TestTreeMissingBranch(t *testing.T) {
	dir := upstream(t)
	run(t, dir, "branch", "-q", "-D", "env/prod")
	ws, _ := Locate(dir, "")
	_, tree, err := ws.Disk()
	if err != nil {
		t.Fatal(err)
	}
	_, err = promote.Trees{Source: tree, Target: tree}.For("staging", "prod")
	if !errors.Is(err, ErrNoEnvBranch) || !strings.Contains(err.Error(), `environment "prod": branch not found: env/prod`) {
		t.Errorf("error %v, want one naming prod and env/prod", err)
	}
}

func TestNoTreeWithoutBranches(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "promote.yaml", "environments:\n  - {name: a, path: a}\n")
	ws, err := Locate(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, tree, err := ws.Disk(); err != nil || func() bool { _, ok := tree.(*Tree); return ok }() {
		t.Errorf("Disk = %T (%v): without branch environments the tree is the directory itself", tree, err)
	}
}

// TestFetchIntoShallowClone: --fetch works in a depth-1 checkout (as
// actions/checkout makes) and leaves a repository git accepts.
func TestFetchIntoShallowClone(t *testing.T) {
	up := upstream(t)
	clone := t.TempDir()
	run(t, clone, "clone", "-q", "--depth", "1", "--no-single-branch", "file://"+up, ".")
	ws, err := Locate(clone, "")
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := ws.Disk()
	if err != nil {
		t.Fatal(err)
	}
	before := run(t, clone, "rev-parse", "origin/env/staging")
	run(t, up, "checkout", "-q", "env/staging")
	write(t, up, "f", "env/staging v2")
	run(t, up, "commit", "-q", "-am", "v2")
	if err := ws.Fetch(t.Context(), Branches(cfg), nil); err != nil {
		t.Fatalf("fetch into a shallow clone: %v", err)
	}
	_, tree, _ := ws.Disk()
	staging, err := tree.(*Tree).EnvTree("staging")
	if err != nil || read(t, staging, "f") != "env/staging v2" {
		t.Errorf("after Fetch staging reads %v (%v), want v2", staging, err)
	}
	if out := run(t, clone, "fsck", "--connectivity-only", "--no-dangling"); strings.Contains(out, "missing") || strings.Contains(out, "broken") {
		t.Errorf("the clone is broken for git:\n%s", out)
	}
	if parent := run(t, clone, "log", "-1", "--skip=1", "--format=%H", "origin/env/staging"); parent != before {
		t.Errorf("git log of origin/env/staging shows %q before the new commit, want the commit the clone held (%s)", parent, before)
	}
}
