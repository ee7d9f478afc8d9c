package remote_test

import (
	"context"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/forge/forgetest"
	"github.com/gitops-promote/promote/internal/forge/remote"
	"github.com/gitops-promote/promote/internal/gitrepo"
)

// shallowSetup makes a server repository with history (25 commits on
// main), a promotion branch built on an old main, and a shallow clone of
// it made with git's clone arguments (such as --depth 1), returning the
// clone's Remote.
func shallowSetup(t *testing.T, cloneArgs ...string) (*forgetest.GitServer, *gitrepo.Repo, *remote.Remote, string) {
	t.Helper()
	srv := forgetest.NewGitServer(t, "x-access-token", token)
	srv.CreateRepo(t, "a/b", map[string]string{"env/prod/app.yaml": "tag: 1\n", "env/staging/app.yaml": "tag: 2\n", "README.md": "hi\n"})
	work := t.TempDir()
	forgetest.Git(t, work, "clone", "-q", srv.Dir("a/b"), ".")
	for i := range 24 {
		date := "2025-01-01T00:00:00Z"
		if i >= 20 {
			date = "2026-01-01T00:00:00Z"
		}
		t.Setenv("GIT_COMMITTER_DATE", date)
		forgetest.WriteFiles(t, work, map[string]string{"env/staging/app.yaml": "tag: " + strings.Repeat("x", i+3) + "\n"})
		forgetest.Git(t, work, "commit", "-q", "-am", "staging moves", "--date", date)
		if i == 10 {
			forgetest.Git(t, work, "checkout", "-q", "-b", "promote/staging-to-prod")
			forgetest.WriteFiles(t, work, map[string]string{"env/prod/app.yaml": "tag: old-promotion\n", "old.txt": "only on the promotion branch\n"})
			forgetest.Git(t, work, "add", "-A")
			forgetest.Git(t, work, "commit", "-q", "-m", "promote(prod): old")
			forgetest.Git(t, work, "checkout", "-q", "main")
		}
	}
	t.Setenv("GIT_COMMITTER_DATE", "")
	forgetest.Git(t, work, "push", "-q", "origin", "main", "promote/staging-to-prod")
	promo := forgetest.Git(t, work, "rev-parse", "promote/staging-to-prod")

	dir := t.TempDir()
	forgetest.Git(t, dir, append(append([]string{"clone", "-q"}, cloneArgs...), "file://"+srv.Dir("a/b"), ".")...)
	forgetest.Git(t, dir, "remote", "set-url", "origin", srv.RepoURL("a/b"))
	repo, r := openRemote(t, srv, dir)
	return srv, repo, r, promo
}

// TestShallowClones: fetching and pushing work from depth-1, depth-20 and
// --shallow-since clones, the clone stays consistent for git (fsck) and
// only what is needed is fetched.
func TestShallowClones(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"depth 1", []string{"--depth", "1", "--no-single-branch"}},
		{"depth 1 single branch", []string{"--depth", "1"}},
		{"depth 20", []string{"--depth", "20"}},
		{"shallow since", []string{"--shallow-since", "2025-06-01", "--no-single-branch"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, repo, r, promo := shallowSetup(t, tc.args...)
			if shallow, err := repo.Shallow(); err != nil || len(shallow) == 0 {
				t.Fatalf("the clone is not shallow: %v, %v", shallow, err)
			}
			root := forgetest.Git(t, srv.Dir("a/b"), "rev-list", "--max-parents=0", "main")
			_, rootErr := repo.Commit(plumbing.NewHash(root))
			ctx := context.Background()
			branch := "promote/staging-to-prod"
			got, err := r.Fetch(ctx, branch)
			if err != nil {
				t.Fatalf("fetch of an existing promotion branch: %v", err)
			}
			if got.String() != promo {
				t.Fatalf("fetched %s, want %s", got, promo)
			}
			moved := srv.Commit(t, "a/b", "main", "staging moves again", map[string]string{"env/staging/app.yaml": "tag: 99\n"})
			base, err := r.Fetch(ctx, "main")
			if err != nil || base.String() != moved {
				t.Fatalf("fetch of a moved main = %s, %v; want %s", base, err, moved)
			}
			c := commitOn(t, repo, base, "tag: 99\n")
			if err := r.Push(ctx, remote.Update{Branch: branch, Old: got, New: c, Base: "main", BaseCommit: base}); err != nil {
				t.Fatalf("push from a shallow clone: %v", err)
			}
			if got := srv.Branch(t, "a/b", branch); got != c.String() {
				t.Errorf("server branch %s, want %s", got, c)
			}
			if out := forgetest.Git(t, srv.Dir("a/b"), "fsck", "--connectivity-only", "--no-dangling"); strings.Contains(out, "missing") || strings.Contains(out, "broken") {
				t.Errorf("server repository is not complete after the push:\n%s", out)
			}
			if _, err := r.Fetch(ctx, branch); err != nil {
				t.Errorf("fetch after the push: %v", err)
			}
			if out := forgetest.Git(t, repo.Root(), "fsck", "--connectivity-only", "--no-dangling"); strings.Contains(out, "missing") || strings.Contains(out, "broken") {
				t.Errorf("the clone is broken for git after fetching:\n%s", out)
			}
			if n := forgetest.Git(t, repo.Root(), "rev-list", "--count", "origin/main"); n == "1" {
				t.Errorf("origin/main is cut off from the history the clone holds")
			}
			if _, err := repo.Commit(plumbing.NewHash(root)); err == nil && rootErr != nil {
				t.Errorf("fetching brought the whole history")
			}
		})
	}
}

// TestDeepen: a depth-1 clone gets the history a command asks for, git
// agrees the clone is consistent, and a complete clone is left alone.
func TestDeepen(t *testing.T) {
	srv, repo, r, _ := shallowSetup(t, "--depth", "1")
	tip, err := r.Fetch(context.Background(), "main")
	if err != nil {
		t.Fatal(err)
	}
	if n, _, ok, err := repo.ShallowEdge(tip); err != nil || !ok || n != 1 {
		t.Fatalf("before: %d commits, shallow %v, %v", n, ok, err)
	}
	if err := r.Deepen(context.Background(), tip, 10); err != nil {
		t.Fatal(err)
	}
	if n, _, ok, err := repo.ShallowEdge(tip); err != nil || !ok || n != 10 {
		t.Errorf("after deepening to 10: %d commits, shallow %v, %v", n, ok, err)
	}
	if n := forgetest.Git(t, repo.Root(), "rev-list", "--count", "HEAD"); n != "10" {
		t.Errorf("git sees %s commits, want 10", n)
	}
	if out := forgetest.Git(t, repo.Root(), "fsck", "--connectivity-only", "--no-dangling"); strings.Contains(out, "missing") || strings.Contains(out, "broken") {
		t.Errorf("the clone is broken for git after deepening:\n%s", out)
	}
	if err := r.Deepen(context.Background(), tip, 100); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, err := repo.ShallowEdge(tip); err != nil || ok {
		t.Errorf("deepening past the root left the clone shallow: %v", err)
	}
	if s, _ := repo.Shallow(); len(s) != 0 {
		t.Errorf("shallow commits left: %v", s)
	}
	before := len(srv.Requests())
	if err := r.Deepen(context.Background(), tip, 5); err != nil || len(srv.Requests()) != before {
		t.Errorf("deepening a complete clone asked the server: %v", err)
	}
}
