package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/gitops-promote/promote/internal/forge/forgetest"
)

const token = "ghp_converge_T0KEN_never_shown_41c7"

// TestConcurrentRunsConverge runs 12 `promote run --to prod` processes,
// each in its own clone, against git's http-backend and the GitHub fake
// while a newer staging tag lands on main 4 times, each time while a
// proposal is being pushed. Every run exits 0 and the one open pull
// request is built on the final main and carries the newest tag.
func TestConcurrentRunsConverge(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 12 processes")
	}
	bin, err := exec.LookPath("promote")
	if err != nil {
		t.Fatal(err)
	}
	const runs, moves = 12, 4
	git := forgetest.NewGitServer(t, "x-access-token", token)
	git.CreateRepo(t, "acme/gitops", forgetest.GitOpsFiles())
	gh := forgetest.NewGitHub(t, git, "acme", "gitops", token)
	dirs := make([]string, runs)
	for i := range dirs {
		dirs[i] = git.Clone(t, "acme/gitops")
	}
	// Each move lands while a push is served, after that push's checks:
	// the pusher only finds out by reading the base again afterwards,
	// and its next push (on the new base) brings the next move.
	var mu sync.Mutex
	var tags []string
	git.Before(func(r *http.Request) {
		if r.Method != "POST" || !strings.HasSuffix(r.URL.Path, "git-receive-pack") {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if len(tags) < moves {
			tag := fmt.Sprintf("1.5.%d", len(tags)+1)
			git.Commit(t, "acme/gitops", "main", "staging: web "+tag, forgetest.Staging(tag, "2.0.1"))
			tags = append(tags, tag)
		}
	})

	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
		"GITHUB_TOKEN="+token, "GITHUB_API_URL="+gh.URL, "GITHUB_ACTIONS=", "GITLAB_CI=")
	type outcome struct {
		code   int
		stderr string
	}
	out := make([]outcome, runs)
	var wg sync.WaitGroup
	for i, dir := range dirs {
		wg.Go(func() {
			cmd := exec.Command(bin, "-C", dir, "run", "--to", "prod", "--forge", "github", "--timeout", "3m")
			cmd.Env = env
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err := cmd.Run()
			out[i] = outcome{cmd.ProcessState.ExitCode(), stderr.String()}
			if err != nil && cmd.ProcessState == nil {
				out[i] = outcome{-1, err.Error()}
			}
		})
	}
	wg.Wait()

	replans := 0
	for i, o := range out {
		if o.code != 0 {
			t.Errorf("run %d exited %d:\n%s", i, o.code, o.stderr)
		}
		replans += strings.Count(o.stderr, "planning again on the new tip")
		forgetest.NoLeak(t, token, o.stderr)
	}
	if len(tags) != moves {
		t.Fatalf("main moved %d times, want %d", len(tags), moves)
	}
	open := gh.Open()
	if len(open) != 1 {
		t.Fatalf("%d open pull requests, want 1: %+v", len(open), open)
	}
	newest := tags[moves-1]
	if !strings.Contains(open[0].Title, "web "+newest) {
		t.Errorf("the pull request does not carry the newest tag %s: %q", newest, open[0].Title)
	}
	tip := git.Branch(t, "acme/gitops", "promote/staging-to-prod")
	parent := forgetest.Git(t, git.Dir("acme/gitops"), "rev-parse", tip+"^")
	if main := git.Branch(t, "acme/gitops", "main"); parent != main {
		t.Errorf("the proposal is built on %s, not on the final main %s", parent, main)
	}
	if got := forgetest.Git(t, git.Dir("acme/gitops"), "show", tip+":envs/prod/kustomization.yaml"); !strings.Contains(got, `newTag: "`+newest+`"`) {
		t.Errorf("the proposal's prod kustomization:\n%s", got)
	}
	t.Logf("%d runs, main moved %d times, %d re-plans reported, %d pushes, %d pull requests opened in all", runs, moves, replans, git.Pushes(), len(gh.Pulls()))
}
