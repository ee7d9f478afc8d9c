package gitrepo

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

func TestOpen(t *testing.T) {
	dir := newTestRepo(t)

	t.Run("from subdirectory", func(t *testing.T) {
		r := openRepo(t, filepath.Join(dir, "apps", "b", "overlays"))
		if r.Root() != dir {
			t.Errorf("Root() = %q, want %q", r.Root(), dir)
		}
		if r.Git() == nil {
			t.Error("Git() = nil")
		}
	})

	t.Run("not a repository", func(t *testing.T) {
		empty := t.TempDir()
		_, err := Open(empty)
		if !errors.Is(err, ErrNotRepository) {
			t.Fatalf("Open(%s) error = %v, want ErrNotRepository", empty, err)
		}
		if !strings.Contains(err.Error(), empty) {
			t.Errorf("error %q does not mention %s", err, empty)
		}
	})

	t.Run("bare", func(t *testing.T) {
		bare := filepath.Join(t.TempDir(), "bare.git")
		runGit(t, dir, "clone", "-q", "--bare", dir, bare)
		for _, d := range []string{bare, filepath.Join(bare, "refs", "heads")} {
			r := openRepo(t, d)
			if r.Root() != "" {
				t.Errorf("Open(%s).Root() = %q, want empty", d, r.Root())
			}
			if _, err := r.BranchTip("main"); err != nil {
				t.Errorf("Open(%s).BranchTip: %v", d, err)
			}
		}
	})

	t.Run("linked worktree", func(t *testing.T) {
		wt := filepath.Join(t.TempDir(), "wt")
		runGit(t, dir, "worktree", "add", "-q", "-b", "feature", wt)
		r := openRepo(t, filepath.Join(wt, "apps"))
		if r.Root() != wt {
			t.Errorf("Root() = %q, want %q", r.Root(), wt)
		}
		if b, err := r.CurrentBranch(); err != nil || b != "feature" {
			t.Errorf("CurrentBranch() = %q, %v; want feature", b, err)
		}
		if _, err := r.BranchTip("main"); err != nil {
			t.Errorf("BranchTip(main): %v", err)
		}
	})
}

func TestCurrentBranch(t *testing.T) {
	dir := newTestRepo(t)
	r := openRepo(t, dir)
	if b, err := r.CurrentBranch(); err != nil || b != "main" {
		t.Fatalf("CurrentBranch() = %q, %v; want main", b, err)
	}

	runGit(t, dir, "checkout", "-q", "-b", "feature/x")
	if b, err := r.CurrentBranch(); err != nil || b != "feature/x" {
		t.Fatalf("CurrentBranch() = %q, %v; want feature/x", b, err)
	}

	runGit(t, dir, "checkout", "-q", "--detach", "HEAD~1")
	if _, err := r.CurrentBranch(); !errors.Is(err, ErrDetached) {
		t.Fatalf("CurrentBranch() detached error = %v, want ErrDetached", err)
	}

	unborn := t.TempDir()
	runGit(t, unborn, "init", "-q", "-b", "trunk")
	if b, err := openRepo(t, unborn).CurrentBranch(); err != nil || b != "trunk" {
		t.Fatalf("CurrentBranch() on unborn = %q, %v; want trunk", b, err)
	}
}

func TestResolve(t *testing.T) {
	dir := newTestRepo(t)
	head := revParse(t, dir, "HEAD")
	first := revParse(t, dir, "HEAD~1")
	runGit(t, dir, "tag", "light", first.String())
	runGit(t, dir, "tag", "-a", "-m", "annotated", "v1.0.0", first.String())
	runGit(t, dir, "update-ref", "refs/remotes/origin/release", first.String())
	runGit(t, dir, "branch", "other", first.String())
	// A branch spelled like an abbreviation of another commit wins, as in git.
	runGit(t, dir, "branch", first.String()[:8], head.String())
	r := openRepo(t, dir)

	tests := []struct {
		rev  string
		want plumbing.Hash
	}{
		{head.String(), head},
		{head.String()[:7], head},
		{first.String()[:12], first},
		{"main", head},
		{"other", first},
		{"origin/release", first},
		{"refs/remotes/origin/release", first},
		{"light", first},
		{"v1.0.0", first},
		{"HEAD", head},
		{"HEAD~1", first},
		{"main^", first},
		{"v1.0.0~0", first},
		{first.String()[:8], head},
		{first.String()[:8] + "~1", first},
	}
	for _, tt := range tests {
		got, err := r.Resolve(tt.rev)
		if err != nil || got != tt.want {
			t.Errorf("Resolve(%q) = %s, %v; want %s", tt.rev, got, err, tt.want)
		}
		if byGit := revParse(t, dir, tt.rev+"^{commit}"); byGit != tt.want {
			t.Errorf("test table disagrees with git rev-parse %s: %s", tt.rev, byGit)
		}
	}

	_, err := r.Resolve("xyz")
	if !errors.Is(err, ErrUnknownRevision) || !strings.Contains(err.Error(), `unknown revision "xyz"`) {
		t.Errorf("Resolve(xyz) error = %v, want unknown revision \"xyz\"", err)
	}
	if _, err := r.Resolve(head.String()[:3]); err == nil {
		t.Error("Resolve accepted a 3-digit abbreviation")
	}
	if _, err := r.Resolve("HEAD~5"); err == nil {
		t.Error("Resolve(HEAD~5) succeeded beyond the root commit")
	}
}

func TestBranchTip(t *testing.T) {
	dir := newTestRepo(t)
	r := openRepo(t, dir)
	got, err := r.BranchTip("main")
	if err != nil || got != revParse(t, dir, "main") {
		t.Fatalf("BranchTip(main) = %s, %v", got, err)
	}
	runGit(t, dir, "pack-refs", "--all")
	if got2, err := r.BranchTip("main"); err != nil || got2 != got {
		t.Fatalf("BranchTip(main) after pack-refs = %s, %v", got2, err)
	}
	_, err = r.BranchTip("nope")
	if !errors.Is(err, ErrNoBranch) || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("BranchTip(nope) error = %v, want ErrNoBranch naming nope", err)
	}
}

func TestCommitMetadata(t *testing.T) {
	dir := newTestRepo(t)
	r := openRepo(t, dir)
	head := revParse(t, dir, "HEAD")
	first := revParse(t, dir, "HEAD~1")

	info, err := r.Commit(head)
	if err != nil {
		t.Fatal(err)
	}
	if info.Hash != head || info.Message != "second\n" || info.Author.Name != "Test" ||
		info.Committer.Email != "test@example.com" || !slices.Equal(info.Parents, []plumbing.Hash{first}) {
		t.Errorf("Commit(HEAD) = %+v", info)
	}
	if tree, err := r.TreeOf(head); err != nil || tree != revParse(t, dir, "HEAD^{tree}") {
		t.Errorf("TreeOf(HEAD) = %s, %v", tree, err)
	}
	if ps, err := r.ParentsOf(first); err != nil || len(ps) != 0 {
		t.Errorf("ParentsOf(root) = %v, %v", ps, err)
	}
	if _, err := r.Commit(plumbing.NewHash(strings.Repeat("ab", 20))); err == nil {
		t.Error("Commit(missing) succeeded")
	}
}
