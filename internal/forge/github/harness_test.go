package github_test

import (
	"bytes"
	"cmp"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	"github.com/gitops-promote/promote/internal/forge/retry"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/promote"
)

// token is distinctive so that a leak shows in any output.
const token = "ghp_T0KEN_must_never_leak_7f3a9c"

const repoPath = "acme/gitops"

// env is a GitOps repository on a loopback git server, a fake GitHub
// for it and a clone to run promote in.
type env struct {
	t      testing.TB
	git    *forgetest.GitServer
	gh     *forgetest.GitHub
	dir    string
	vars   map[string]string
	stderr bytes.Buffer
	// sleeps records the waits of retries (they return at once).
	mu     sync.Mutex
	sleeps []time.Duration
	// attempts caps retries (0: the default).
	attempts int
	// reviewers run inside proposal.Run (to race it).
	reviewers []proposal.Reviewer
	// timeout bounds a run (0: five minutes); replans collects the
	// re-plans it reports.
	timeout time.Duration
	replans []string
	// errs collects every error returned, for the leak check.
	errs []string
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t}
	e.git = forgetest.NewGitServer(t, "x-access-token", token)
	e.git.CreateRepo(t, repoPath, forgetest.GitOpsFiles())
	e.gh = forgetest.NewGitHub(t, e.git, "acme", "gitops", token)
	e.dir = e.git.Clone(t, repoPath)
	e.vars = map[string]string{"GITHUB_TOKEN": token, "GITHUB_API_URL": e.gh.URL, "GITHUB_SERVER_URL": e.git.URL}
	t.Cleanup(e.checkNoLeak)
	return e
}

func (e *env) sleep(_ context.Context, d time.Duration) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sleeps = append(e.sleeps, d)
	return nil
}

// run runs one promotion to prod, as one promote process would.
func (e *env) run() (*proposal.Result, error) {
	e.t.Helper()
	ws, repo := forgetest.Workspace(e.t, e.dir)
	fg, err := connect.Open(repo, connect.Options{
		Forge: "auto", Getenv: func(k string) string { return e.vars[k] }, Stderr: &e.stderr,
		Retry: retry.Policy{Sleep: e.sleep, Attempts: e.attempts},
	})
	if err != nil {
		e.errs = append(e.errs, err.Error())
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmp.Or(e.timeout, 5*time.Minute))
	defer cancel()
	res, err := proposal.Run(ctx, proposal.Options{Workspace: ws, Plan: proposal.Promotion(promote.Request{To: "prod"}), Base: "main", Forge: fg, Reviewers: e.reviewers,
		Progress: func(msg string) { e.replans = append(e.replans, msg) }})
	if err != nil {
		e.errs = append(e.errs, err.Error())
	}
	return res, err
}

// mustRun runs and fails the test on error.
func (e *env) mustRun() *proposal.Result {
	e.t.Helper()
	res, err := e.run()
	if err != nil {
		e.t.Fatalf("run: %v\nstderr:\n%s", err, e.stderr.String())
	}
	return res
}

// checkNoLeak asserts the token appears nowhere a user or reviewer sees:
// stderr, errors, pull request titles, bodies and comments, commit
// messages on the server.
func (e *env) checkNoLeak() {
	seen := append([]string{e.stderr.String()}, e.errs...)
	seen = append(seen, e.gh.Texts()...)
	seen = append(seen, forgetest.Git(e.t, e.git.Dir(repoPath), "log", "--all", "--format=%B"))
	forgetest.NoLeak(e.t, token, seen...)
}
