package remote_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/gitops-promote/promote/internal/forge/forgetest"
	"github.com/gitops-promote/promote/internal/forge/remote"
	"github.com/gitops-promote/promote/internal/gitrepo"
)

const token = "tok_remote_test_8c2e"

// setup returns a server repository, a clone of it and the clone's Remote.
func setup(t *testing.T) (*forgetest.GitServer, *gitrepo.Repo, *remote.Remote) {
	t.Helper()
	srv := forgetest.NewGitServer(t, "x-access-token", token)
	srv.CreateRepo(t, "a/b", map[string]string{"env/prod/app.yaml": "tag: 1\n", "env/staging/app.yaml": "tag: 2\n", "README.md": "hi\n"})
	repo, r := openRemote(t, srv, srv.Clone(t, "a/b"))
	return srv, repo, r
}

// openRemote opens the clone in dir and its Remote for the server's a/b.
func openRemote(t *testing.T, srv *forgetest.GitServer, dir string) (*gitrepo.Repo, *remote.Remote) {
	t.Helper()
	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := remote.Parse(srv.RepoURL("a/b"))
	if err != nil {
		t.Fatal(err)
	}
	return repo, &remote.Remote{Repo: repo, Loc: loc, Creds: remote.Credentials{Username: "x-access-token", Token: func(context.Context) (string, error) { return token, nil }}}
}

// commitOn writes a commit changing env/prod/app.yaml on parent.
func commitOn(t *testing.T, repo *gitrepo.Repo, parent plumbing.Hash, data string) plumbing.Hash {
	t.Helper()
	h, err := repo.CommitFiles(parent, []gitrepo.FileChange{{Path: "env/prod/app.yaml", Data: []byte(data)}}, "promote(prod): tag 2\n", gitrepo.Signature{Name: "Ada", Email: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestPushIsCompareAndSwap(t *testing.T) {
	srv, repo, r := setup(t)
	ctx := context.Background()
	base, err := r.Fetch(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	c1 := commitOn(t, repo, base, "tag: 2\n")
	c2 := commitOn(t, repo, base, "tag: 3\n")
	branch := "promote/staging-to-prod"

	if err := r.Push(ctx, remote.Update{Branch: branch, Old: c2, New: c1, Base: "main", BaseCommit: base}); !errors.Is(err, gitrepo.ErrRefChanged) {
		t.Fatalf("push expecting a branch that does not exist: %v, want ErrRefChanged", err)
	}
	if err := r.Push(ctx, remote.Update{Branch: branch, New: c1, Base: "main", BaseCommit: base}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Branch(t, "a/b", branch); got != c1.String() {
		t.Fatalf("server branch %s, want %s", got, c1)
	}
	if err := r.Push(ctx, remote.Update{Branch: branch, New: c2, Base: "main", BaseCommit: base}); !errors.Is(err, gitrepo.ErrRefChanged) {
		t.Fatalf("push expecting no branch over an existing one: %v, want ErrRefChanged", err)
	}
	if err := r.Push(ctx, remote.Update{Branch: branch, Old: c1, New: c2, Base: "main", BaseCommit: base}); err != nil {
		t.Fatalf("force-update with the right lease: %v", err)
	}
	if got := srv.Branch(t, "a/b", branch); got != c2.String() {
		t.Fatalf("server branch %s, want %s", got, c2)
	}
	moved := srv.Commit(t, "a/b", "main", "other", map[string]string{"x": "y\n"})
	err = r.Push(ctx, remote.Update{Branch: branch, Old: c2, New: c1, Base: "main", BaseCommit: base})
	if !errors.Is(err, gitrepo.ErrRefChanged) || !strings.Contains(err.Error(), "base branch main moved") || !strings.Contains(err.Error(), moved[:12]) {
		t.Fatalf("push on a moved base: %v", err)
	}
	if got := srv.Branch(t, "a/b", branch); got != c2.String() {
		t.Errorf("a refused push changed the branch to %s", got)
	}
}

func TestOnlyPromotionBranchesAreWritten(t *testing.T) {
	srv, repo, r := setup(t)
	ctx := context.Background()
	base, err := r.Fetch(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	c := commitOn(t, repo, base, "tag: 9\n")
	for _, b := range []string{"main", "env/prod", "promotex/y"} {
		err := r.Push(ctx, remote.Update{Branch: b, Old: base, New: c})
		if !errors.Is(err, remote.ErrNotPromotionBranch) {
			t.Errorf("push to %s: %v, want ErrNotPromotionBranch", b, err)
		}
	}
	if got := srv.Branch(t, "a/b", "main"); got != base.String() {
		t.Errorf("main moved to %s", got)
	}
}

// TestMoveBaseIsACompareAndSwapFastForward: the base branch moves only
// forward, and only from the commit the change was built on.
func TestMoveBaseIsACompareAndSwapFastForward(t *testing.T) {
	srv, repo, r := setup(t)
	ctx := context.Background()
	base, err := r.Fetch(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	c1 := commitOn(t, repo, base, "tag: 2\n")
	sideways := commitOn(t, repo, base, "tag: 3\n")
	if err := r.MoveBase(ctx, "main", base.String(), c1.String()); err != nil {
		t.Fatal(err)
	}
	if got := srv.Branch(t, "a/b", "main"); got != c1.String() {
		t.Fatalf("main at %s, want %s", got, c1)
	}
	if err := r.MoveBase(ctx, "main", c1.String(), c1.String()); err != nil {
		t.Errorf("moving to where the branch already is: %v", err)
	}
	// Built on the old tip: the remote no longer holds it.
	c2 := commitOn(t, repo, sideways, "tag: 4\n")
	if err := r.MoveBase(ctx, "main", sideways.String(), c2.String()); !errors.Is(err, gitrepo.ErrRefChanged) {
		t.Errorf("move from a stale tip: %v, want ErrRefChanged", err)
	}
	// Not a descendant: refused before anything is sent.
	if err := r.MoveBase(ctx, "main", c1.String(), sideways.String()); err == nil || !strings.Contains(err.Error(), "non-fast-forward") {
		t.Errorf("move to a commit that does not descend from the tip: %v", err)
	}
	if got := srv.Branch(t, "a/b", "main"); got != c1.String() {
		t.Errorf("main moved to %s after refused moves", got)
	}
}

func TestPushSendsOnlyWhatChanged(t *testing.T) {
	srv, repo, r := setup(t)
	ctx := context.Background()
	base, err := r.Fetch(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	c := commitOn(t, repo, base, "tag: 7\n")
	if err := r.Push(ctx, remote.Update{Branch: "promote/x", New: c, Base: "main", BaseCommit: base}); err != nil {
		t.Fatal(err)
	}
	// The server unpacks small pushes into loose objects: the commit, the
	// root tree, env/, env/prod/ and the new blob.
	if out := forgetest.Git(t, srv.Dir("a/b"), "count-objects", "-v"); !strings.Contains(out, "count: 5\n") {
		t.Errorf("the push sent other than the 5 new objects:\n%s", out)
	}
	if out := forgetest.Git(t, srv.Dir("a/b"), "fsck", "--connectivity-only", "--no-dangling"); strings.Contains(out, "missing") || strings.Contains(out, "broken") {
		t.Errorf("server repository is not complete after the push:\n%s", out)
	}
}

func TestFetchBringsTheBaseTip(t *testing.T) {
	srv, repo, r := setup(t)
	tip := srv.Commit(t, "a/b", "main", "new", map[string]string{"env/staging/app.yaml": "tag: 3\n"})
	h, err := r.Fetch(context.Background(), "main")
	if err != nil || h.String() != tip {
		t.Fatalf("fetch = %s, %v; want %s", h, err, tip)
	}
	if tracking, ok, _ := repo.Ref("refs/remotes/origin/main"); !ok || tracking.String() != tip {
		t.Errorf("refs/remotes/origin/main = %s", tracking)
	}
	fs, err := repo.TreeFS(h)
	if err != nil {
		t.Fatal(err)
	}
	if data, err := fs.(interface{ ReadFile(string) ([]byte, error) }).ReadFile("env/staging/app.yaml"); err != nil || string(data) != "tag: 3\n" {
		t.Errorf("fetched tree: %q, %v", data, err)
	}
	if _, err := r.Fetch(context.Background(), "nope"); !errors.Is(err, gitrepo.ErrNoBranch) {
		t.Errorf("fetch of a missing branch: %v", err)
	}
}

func TestCredentials(t *testing.T) {
	ctx := context.Background()
	https, _ := remote.Parse("https://github.com/a/b.git")
	auth, err := remote.Credentials{Username: "x-access-token", Token: func(context.Context) (string, error) { return "t0k", nil }}.Auth(ctx, https)
	if ba, ok := auth.(*githttp.BasicAuth); err != nil || !ok || ba.Username != "x-access-token" || ba.Password != "t0k" {
		t.Errorf("https auth = %#v, %v", auth, err)
	}
	if strings.Contains(auth.String(), "t0k") {
		t.Errorf("auth description shows the token: %s", auth)
	}

	sshLoc, _ := remote.Parse("git@github.com:a/b.git")
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	auth, err = remote.Credentials{SSHKeyFile: keyFile}.Auth(ctx, sshLoc)
	if pk, ok := auth.(*gitssh.PublicKeys); err != nil || !ok || pk.User != "git" {
		t.Errorf("key file auth = %#v, %v", auth, err)
	}

	sock := filepath.Join(t.TempDir(), "agent.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("unix sockets: %v", err)
	}
	defer ln.Close()
	keyring := agent.NewKeyring()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { _ = agent.ServeAgent(keyring, c) }()
		}
	}()
	t.Setenv("SSH_AUTH_SOCK", sock)
	auth, err = remote.Credentials{Getenv: os.Getenv}.Auth(ctx, sshLoc)
	if _, ok := auth.(*gitssh.PublicKeysCallback); err != nil || !ok {
		t.Errorf("agent auth = %#v, %v", auth, err)
	}

	_, err = remote.Credentials{Getenv: func(string) string { return "" }}.Auth(ctx, sshLoc)
	if err == nil || !strings.Contains(err.Error(), "--ssh-key") {
		t.Errorf("no agent, no key: %v", err)
	}
}

func TestFetchShowsProgress(t *testing.T) {
	srv, _, r := setup(t)
	srv.Commit(t, "a/b", "main", "new", map[string]string{"big.txt": strings.Repeat("data\n", 1000)})
	var progress strings.Builder
	r.Progress = &progress
	if _, err := r.Fetch(context.Background(), "main"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), "objects") {
		t.Errorf("no progress shown: %q", progress.String())
	}
}

// TestFetchRetriesABranchThatMovedMeanwhile: another run force-updates
// the branch between the remote's advertisement and the download, so
// git refuses the old tip ("not our ref"); the fetch starts over and
// gets the new tip.
func TestFetchRetriesABranchThatMovedMeanwhile(t *testing.T) {
	srv, repo, r := setup(t)
	ctx := context.Background()
	base, err := r.Fetch(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	branch := "promote/staging-to-prod"
	c1 := commitOn(t, repo, base, "tag: 2\n")
	if err := r.Push(ctx, remote.Update{Branch: branch, New: c1}); err != nil {
		t.Fatal(err)
	}
	other := commitOn(t, repo, base, "tag: 3\n")
	if err := r.Push(ctx, remote.Update{Branch: "promote/other", New: other}); err != nil {
		t.Fatal(err)
	}
	var moved atomic.Bool
	srv.Before(func(req *http.Request) {
		if req.Method == "POST" && strings.HasSuffix(req.URL.Path, "git-upload-pack") && moved.CompareAndSwap(false, true) {
			forgetest.Git(t, srv.Dir("a/b"), "update-ref", "refs/heads/"+branch, other.String())
			forgetest.Git(t, srv.Dir("a/b"), "update-ref", "-d", "refs/heads/promote/other")
		}
	})
	dir := t.TempDir()
	forgetest.Git(t, dir, "clone", "-q", "--no-local", "--single-branch", "-b", "main", srv.Dir("a/b"), ".")
	fresh, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	r2 := &remote.Remote{Repo: fresh, Loc: r.Loc, Creds: r.Creds}
	got, err := r2.Fetch(ctx, branch)
	if err != nil {
		t.Fatalf("fetch of a branch that moved meanwhile: %v", err)
	}
	if !moved.Load() || got != other {
		t.Errorf("fetched %s (moved %v), want the new tip %s", got, moved.Load(), other)
	}
}
