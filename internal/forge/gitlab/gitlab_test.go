package gitlab_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	"github.com/gitops-promote/promote/internal/forge/retry"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/promote"
)

const (
	token   = "glpat-T0KEN_must_never_leak_3e1d"
	project = "acme/platform/gitops"
)

type env struct {
	t      *testing.T
	git    *forgetest.GitServer
	gl     *forgetest.GitLab
	dir    string
	vars   map[string]string
	stderr bytes.Buffer
	sleeps []time.Duration
	errs   []string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t}
	e.git = forgetest.NewGitServer(t, "oauth2", token)
	e.git.CreateRepo(t, project, forgetest.GitOpsFiles())
	e.gl = forgetest.NewGitLab(t, e.git, project, token)
	e.gl.Users = map[string]int64{"octocat": 7, "hubot": 9}
	e.dir = e.git.Clone(t, project)
	e.vars = map[string]string{"GITLAB_TOKEN": token, "CI_SERVER_URL": e.gl.URL, "GITLAB_CI": "true"}
	t.Cleanup(e.checkNoLeak)
	return e
}

func (e *env) run() (*proposal.Result, error) {
	e.t.Helper()
	ws, repo := forgetest.Workspace(e.t, e.dir)
	fg, err := connect.Open(repo, connect.Options{Forge: "auto", Getenv: func(k string) string { return e.vars[k] }, Stderr: &e.stderr,
		Retry: retry.Policy{Sleep: func(_ context.Context, d time.Duration) error { e.sleeps = append(e.sleeps, d); return nil }}})
	if err != nil {
		e.errs = append(e.errs, err.Error())
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := proposal.Run(ctx, proposal.Options{Workspace: ws, Plan: proposal.Promotion(promote.Request{To: "prod"}), Base: "main", Forge: fg})
	if err != nil {
		e.errs = append(e.errs, err.Error())
	}
	return res, err
}

func (e *env) mustRun() *proposal.Result {
	e.t.Helper()
	res, err := e.run()
	if err != nil {
		e.t.Fatalf("run: %v\nstderr:\n%s", err, e.stderr.String())
	}
	return res
}

func (e *env) checkNoLeak() {
	seen := append([]string{e.stderr.String()}, e.errs...)
	seen = append(seen, e.gl.Texts()...)
	seen = append(seen, forgetest.Git(e.t, e.git.Dir(project), "log", "--all", "--format=%B"))
	forgetest.NoLeak(e.t, token, seen...)
}

func TestMergeRequestLifecycle(t *testing.T) {
	e := newEnv(t)
	res := e.mustRun()
	if res.Action != forge.Created || res.Number != 1 || !strings.Contains(res.URL, "/-/merge_requests/1") {
		t.Fatalf("first run: %+v", res.Result)
	}
	if n := len(e.gl.Requests()); n > 6 {
		t.Errorf("opening took %d API requests, budget 6:\n%s", n, forgetest.Describe(e.gl.Requests()))
	}
	m := e.gl.Opened()
	if len(m) != 1 || m[0].Title != "promote(prod): web 1.4.2, worker 2.0.1" || m[0].SourceBranch != "promote/staging-to-prod" ||
		strings.Join(m[0].Labels, ",") != "promotion,env/prod,needs-change-ticket" || len(m[0].ReviewerIDs) != 1 || m[0].ReviewerIDs[0] != 7 ||
		len(m[0].AssigneeIDs) != 1 || m[0].AssigneeIDs[0] != 9 || !strings.Contains(m[0].Description, forge.Marker("staging", "prod", "")) {
		t.Fatalf("merge request: %+v", m)
	}
	if !strings.Contains(e.stderr.String(), "teamReviewers is a GitHub setting") {
		t.Errorf("teamReviewers not reported as ignored: %q", e.stderr.String())
	}

	e.gl.Reset()
	pushes := e.git.Pushes()
	if res := e.mustRun(); res.Action != forge.Unchanged {
		t.Errorf("second run: %+v", res.Result)
	}
	if n := len(e.gl.Requests()); n > 2 || len(e.gl.Writes()) > 0 || e.git.Pushes() != pushes {
		t.Errorf("re-running took %d requests (budget 2, no writes, no push):\n%s", n, forgetest.Describe(e.gl.Requests()))
	}

	e.git.Commit(t, project, "main", "staging: web 1.4.3", forgetest.Staging("1.4.3", "2.0.1"))
	if res := e.mustRun(); res.Action != forge.Updated || res.Number != 1 {
		t.Errorf("newer tag: %+v", res.Result)
	}
	if m := e.gl.MergeRequests(); len(m) != 1 || m[0].Title != "promote(prod): web 1.4.3, worker 2.0.1" {
		t.Errorf("after a newer tag: %+v", m)
	}

	e.git.Commit(t, project, "main", "prod: caught up", forgetest.Prod("1.4.3", "2.0.1"))
	if res := e.mustRun(); res.Action != forge.Closed || res.Number != 1 {
		t.Errorf("target matches: %+v", res.Result)
	}
	if m := e.gl.MergeRequests(); len(m) != 1 || m[0].State != "closed" || len(m[0].Notes) != 1 || !strings.Contains(m[0].Notes[0], "no longer needed") {
		t.Errorf("stale merge request: %+v", m)
	}
	if e.git.Branch(t, project, "promote/staging-to-prod") != "" {
		t.Errorf("stale branch left on the server")
	}
}

func TestGitLabFaultsAndAutoMerge(t *testing.T) {
	e := newEnv(t)
	e.git.Commit(t, project, "main", "prod: auto-merge", map[string]string{"promote.yaml": "environments:\n  - {name: staging, path: envs/staging}\n  - {name: prod, path: envs/prod, from: staging, pullRequest: {autoMerge: true, draft: true}}\n"})
	e.gl.Script("GET", `/merge_requests$`, forgetest.Response{Status: http.StatusBadGateway})
	e.gl.Script("POST", `/merge_requests$`, forgetest.Response{Status: http.StatusTooManyRequests, Header: map[string]string{"Retry-After": "5"}})
	e.gl.AutoMergeRefused = true
	res := e.mustRun()
	m := e.gl.Opened()
	if res.Action != forge.Created || len(m) != 1 || m[0].Title != "Draft: promote(prod): web 1.4.2, worker 2.0.1" || m[0].AutoMerge {
		t.Fatalf("%+v %+v", res.Result, m)
	}
	if len(e.sleeps) != 2 || e.sleeps[1] != 5*time.Second {
		t.Errorf("waits %v, want a backoff then Retry-After's 5s", e.sleeps)
	}
	if !strings.Contains(e.stderr.String(), "auto-merge is not set on merge request !1") {
		t.Errorf("refused auto-merge not reported: %q", e.stderr.String())
	}
	// The draft title is kept when nothing changed; auto-merge is asked again.
	e.gl.AutoMergeRefused = false
	e.gl.Reset()
	res = e.mustRun()
	if m := e.gl.Opened(); len(m) != 1 || !m[0].AutoMerge || strings.Count(m[0].Title, "Draft:") != 1 {
		t.Errorf("second run: %+v %+v\n%s", res.Result, m, forgetest.Describe(e.gl.Requests()))
	}
}
