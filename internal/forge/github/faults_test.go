package github_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/promote"
)

func TestRetriesTransientFailures(t *testing.T) {
	cases := []struct {
		name     string
		response forgetest.Response
		// wait is the least the retry must have waited.
		wait time.Duration
	}{
		{"502 then success", forgetest.Response{Status: http.StatusBadGateway, Body: "<html>bad gateway</html>", Header: map[string]string{"Content-Type": "text/html"}}, 0},
		{"429 with Retry-After", forgetest.Response{Status: http.StatusTooManyRequests, Header: map[string]string{"Retry-After": "7"}, Body: `{"message":"slow down"}`}, 7 * time.Second},
		{"secondary rate limit", forgetest.Response{Status: http.StatusForbidden, Body: `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`}, time.Minute},
		{"secondary rate limit with Retry-After", forgetest.Response{Status: http.StatusForbidden, Header: map[string]string{"Retry-After": "30"}, Body: `{"message":"You have exceeded a secondary rate limit."}`}, 30 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.gh.Script("POST", `/pulls$`, c.response)
			res := e.mustRun()
			if res.Action != forge.Created || len(e.gh.Open()) != 1 {
				t.Fatalf("%+v, %d open", res.Result, len(e.gh.Open()))
			}
			if forgetest.Count(e.gh.Requests(), "POST", "/pulls") != 2 {
				t.Errorf("create was not retried once:\n%s", forgetest.Describe(e.gh.Requests()))
			}
			if len(e.sleeps) != 1 || e.sleeps[0] < c.wait {
				t.Errorf("waits %v, want one of at least %s", e.sleeps, c.wait)
			}
			if !strings.Contains(e.stderr.String(), "retrying in") {
				t.Errorf("the retry is not reported: %q", e.stderr.String())
			}
		})
	}
}

func TestRateLimitResetIsHonoured(t *testing.T) {
	e := newEnv(t)
	reset := time.Now().Add(42 * time.Second).Unix()
	e.gh.Script("GET", `/pulls$`, forgetest.Response{Status: http.StatusForbidden,
		Header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(reset, 10)},
		Body:   `{"message":"API rate limit exceeded"}`})
	e.mustRun()
	if len(e.sleeps) != 1 || e.sleeps[0] < 40*time.Second || e.sleeps[0] > 45*time.Second {
		t.Errorf("waits %v, want one until the reset (~42s)", e.sleeps)
	}
}

func TestGivesUpNamingWhatWasLeftBehind(t *testing.T) {
	e := newEnv(t)
	e.attempts = 2
	e.gh.Script("POST", `/pulls$`, forgetest.Response{Status: 502}, forgetest.Response{Status: 502})
	_, err := e.run()
	if err == nil {
		t.Fatal("run succeeded against a forge that keeps failing")
	}
	for _, want := range []string{"502", "left behind: branch promote/staging-to-prod at", "no pull request yet; run promote again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if e.git.Branch(t, repoPath, "promote/staging-to-prod") == "" || len(e.gh.Pulls()) != 0 {
		t.Fatalf("expected the branch pushed and no pull request")
	}
	// The next run finishes the job without pushing again.
	pushes := e.git.Pushes()
	res := e.mustRun()
	if res.Action != forge.Created || len(e.gh.Open()) != 1 || e.git.Pushes() != pushes {
		t.Errorf("re-run: %+v, %d open, pushes %d → %d", res.Result, len(e.gh.Open()), pushes, e.git.Pushes())
	}
}

func TestDeadlineStopsRetries(t *testing.T) {
	e := newEnv(t)
	e.gh.Script("GET", `/pulls$`, forgetest.Response{Status: http.StatusTooManyRequests, Header: map[string]string{"Retry-After": "3600"}})
	_, err := e.run()
	if err == nil || !strings.Contains(err.Error(), "429") {
		t.Fatalf("err = %v, want the 429 reported (waiting an hour passes the deadline)", err)
	}
	if len(e.sleeps) != 0 {
		t.Errorf("waited %v past the deadline", e.sleeps)
	}
}

// TestBaseMovesBetweenPlanAndPush lands a commit on main after the plan
// is made: the push is refused, promote re-plans on the new tip and the
// request is opened once.
func TestBaseMovesBetweenPlanAndPush(t *testing.T) {
	e := newEnv(t)
	var once sync.Once
	var moved string
	e.reviewers = append(e.reviewers, func(context.Context, *promote.Config, *promote.Plan, promote.Trees, []promote.Edit) (string, error) {
		once.Do(func() {
			moved = e.git.Commit(t, repoPath, "main", "unrelated", map[string]string{"README.md": "hello\n"})
		})
		return "", nil
	})
	res := e.mustRun()
	if res.Action != forge.Created || len(e.gh.Pulls()) != 1 {
		t.Fatalf("%+v, %d pull requests", res.Result, len(e.gh.Pulls()))
	}
	if res.Base != "main" || res.Plan.SourceCommit != moved {
		t.Errorf("planned on %s, want the moved tip %s", res.Plan.SourceCommit, moved)
	}
	tip := e.git.Branch(t, repoPath, "promote/staging-to-prod")
	if parent := forgetest.Git(t, e.git.Dir(repoPath), "rev-parse", tip+"^"); parent != moved {
		t.Errorf("promotion commit's parent is %s, want the moved tip %s", parent, moved)
	}
}

// TestBranchMovesDuringPush moves the promotion branch on the server
// between the push's ref advertisement and its update: the server's
// compare-and-swap refuses the update, and promote re-plans.
func TestBranchMovesDuringPush(t *testing.T) {
	e := newEnv(t)
	var raced string
	e.onFirstPush(func() {
		raced = e.git.Commit(t, repoPath, "main", "someone else's proposal", map[string]string{"x.txt": "x\n"})
		forgetest.Git(t, e.git.Dir(repoPath), "update-ref", "refs/heads/promote/staging-to-prod", raced)
		forgetest.Git(t, e.git.Dir(repoPath), "update-ref", "refs/heads/main", raced+"^")
	})
	res := e.mustRun()
	if raced == "" || e.git.Pushes() != 2 {
		t.Fatalf("race not run (pushes %d)", e.git.Pushes())
	}
	if tip := e.git.Branch(t, repoPath, "promote/staging-to-prod"); tip == raced || tip != res.Commit {
		t.Errorf("branch at %s (raced %s, result %s)", tip, raced, res.Commit)
	}
}

// TestLostRacesReplanUntilTheDeadline: a base that moves while every
// plan is made is planned on again, each re-plan reported, until the
// run's deadline; then the run gives up saying what it left and to run
// again, and nothing is pushed or opened.
func TestLostRacesReplanUntilTheDeadline(t *testing.T) {
	e := newEnv(t)
	e.timeout = 6 * time.Second
	n := 0
	e.reviewers = append(e.reviewers, func(context.Context, *promote.Config, *promote.Plan, promote.Trees, []promote.Edit) (string, error) {
		n++
		e.git.Commit(t, repoPath, "main", "busy", map[string]string{"README.md": strings.Repeat("x", n) + "\n"})
		return "", nil
	})
	_, err := e.run()
	// The deadline may end a plan before or after its review.
	if !errors.Is(err, gitrepo.ErrRefChanged) || n < 2 || len(e.replans) < n-1 || len(e.replans) > n {
		t.Fatalf("err = %v after %d plans and %d re-plans reported, want ErrRefChanged after at least 2", err, n, len(e.replans))
	}
	for _, want := range []string{"base branch main moved", fmt.Sprintf("gave up after %d plans", len(e.replans)+1), "run promote again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q: %v", want, err)
		}
	}
	if !strings.Contains(e.replans[0], "planning again on the new tip") {
		t.Errorf("re-plan note: %s", e.replans[0])
	}
	if e.git.Branch(t, repoPath, "promote/staging-to-prod") != "" || len(e.gh.Writes()) != 0 {
		t.Errorf("a lost race left something behind")
	}
}

// TestBaseMovesDuringPush: a newer source value lands on main while the
// proposal is being pushed (after the push's checks): the run reads the
// base again after publishing, plans on the new tip and updates the
// proposal, so the pull request never carries a plan made on a stale
// base.
func TestBaseMovesDuringPush(t *testing.T) {
	e := newEnv(t)
	var moved string
	e.onFirstPush(func() {
		moved = e.git.Commit(t, repoPath, "main", "staging: web 1.4.3", forgetest.Staging("1.4.3", "2.0.1"))
	})
	res := e.mustRun()
	if moved == "" || res.Plans != 2 || len(e.replans) != 1 || !strings.Contains(e.replans[0], "while the proposal was published") {
		t.Fatalf("plans %d, re-plans reported %q", res.Plans, e.replans)
	}
	tip := e.git.Branch(t, repoPath, "promote/staging-to-prod")
	if parent := forgetest.Git(t, e.git.Dir(repoPath), "rev-parse", tip+"^"); parent != moved || tip != res.Commit {
		t.Errorf("promotion commit %s on %s, want on the moved tip %s", tip, parent, moved)
	}
	if p := e.gh.Open(); len(p) != 1 || res.Action != forge.Created || !strings.Contains(p[0].Title, "web 1.4.3") {
		t.Errorf("action %s, open pull requests %+v", res.Action, p)
	}
}

// onFirstPush runs fn on the server before it serves the first push.
func (e *env) onFirstPush(fn func()) {
	var once sync.Once
	e.git.Before(func(r *http.Request) {
		if r.Method == "POST" && strings.HasSuffix(r.URL.Path, "git-receive-pack") {
			once.Do(fn)
		}
	})
}
