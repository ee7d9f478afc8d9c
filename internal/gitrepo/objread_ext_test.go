package gitrepo_test

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/internal/testrepo"
)

// git runs git in dir, isolated from the user's configuration, and
// returns its trimmed output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

// historyRepo generates a bare monorepo with history and packs it with
// deep delta chains.
func historyRepo(t *testing.T, o testrepo.HistoryOptions) (string, *gitrepo.Repo) {
	t.Helper()
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	dir := t.TempDir()
	if _, err := testrepo.InitHistory(dir, o); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "gc", "-q", "--aggressive")
	r, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return dir, r
}

// TestConcurrentTreeReads reads the files of many commits from many
// goroutines at once (run it with -race) and compares them with git.
func TestConcurrentTreeReads(t *testing.T) {
	dir, r := historyRepo(t, testrepo.HistoryOptions{Apps: 20, Commits: 120, ProdEvery: 10, Seed: 3})
	commits := strings.Fields(git(t, dir, "rev-list", "-n", "40", "main"))
	const file = "apps/app-00003/overlays/prod/kustomization.yaml"
	want := map[string]string{}
	for _, c := range commits {
		want[c] = git(t, dir, "show", c+":"+file)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range commits {
				c := commits[(i+g*5)%len(commits)]
				tree, err := r.TreeFS(plumbing.NewHash(c))
				if err != nil {
					errs <- err
					return
				}
				got, err := fs.ReadFile(tree, file)
				if err == nil && strings.TrimRight(string(got), "\n") != want[c] {
					err = fmt.Errorf("commit %s: %s differs from git's", c, file)
				}
				if err == nil {
					_, err = fs.ReadDir(tree, "apps")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestPathLogMatchesGitLog compares the first-parent history of every
// prod overlay with git log's after git gc --aggressive made deep delta
// chains of the apps tree.
func TestPathLogMatchesGitLog(t *testing.T) {
	dir, r := historyRepo(t, testrepo.HistoryOptions{Apps: 30, Commits: 400, ProdEvery: 7, Seed: 5})
	want := strings.Fields(git(t, dir, "log", "--first-parent", "--format=%H", "main", "--", ":(glob)apps/*/overlays/prod/**"))
	if len(want) < 40 {
		t.Fatalf("git log lists %d commits, want a longer history", len(want))
	}
	var got []string
	for pc, err := range r.PathLog(plumbing.NewHash(git(t, dir, "rev-parse", "main")), gitrepo.LogOptions{Patterns: []string{"apps/*/overlays/prod"}}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, pc.Hash.String())
		if msg := git(t, dir, "log", "-1", "--format=%B", pc.Hash.String()); strings.TrimSpace(pc.Message) != msg {
			t.Fatalf("commit %s: message %q, git %q", pc.Hash, pc.Message, msg)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("PathLog lists %d commits, git log %d:\n%v\n%v", len(got), len(want), got, want)
	}
}
