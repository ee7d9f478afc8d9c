package gitlab_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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
	forge  string
	repo   string // --repo
	vars   map[string]string
	stderr bytes.Buffer
	sleeps []time.Duration
	errs   []string
}

// newEnv is a project on a fake GitLab served under root ("" or
// "/gitlab"), cloned from the instance's own URL, with files changed
// from the usual fixture.
func newEnv(t *testing.T, root string, files map[string]string) *env {
	t.Helper()
	e := &env{t: t, forge: "auto"}
	e.git = forgetest.NewGitServer(t, "oauth2", token)
	all := forgetest.GitOpsFiles()
	for k, v := range files {
		all[k] = v
	}
	e.git.CreateRepo(t, project, all)
	e.gl = forgetest.NewGitLabAt(t, e.git, project, token, root)
	e.gl.Users = map[string]int64{"octocat": 7, "hubot": 9}
	e.dir = e.git.Clone(t, project)
	forgetest.Git(t, e.dir, "remote", "set-url", "origin", e.gl.RepoURL())
	e.vars = map[string]string{"GITLAB_TOKEN": token, "GITLAB_URL": e.gl.URL}
	t.Cleanup(e.checkNoLeak)
	return e
}

func (e *env) run() (*proposal.Result, error) {
	e.t.Helper()
	ws, repo := forgetest.Workspace(e.t, e.dir)
	fg, err := connect.Open(repo, connect.Options{Forge: e.forge, Repo: e.repo, Getenv: func(k string) string { return e.vars[k] }, Stderr: &e.stderr,
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

// budget fails the test when the requests since the last reset exceed n.
func (e *env) budget(what string, n int) {
	e.t.Helper()
	if reqs := e.gl.Requests(); len(reqs) > n {
		e.t.Errorf("%s took %d GitLab requests, budget %d:\n%s", what, len(reqs), n, forgetest.Describe(reqs))
	}
	e.gl.Reset()
}

func (e *env) checkNoLeak() {
	seen := append([]string{e.stderr.String()}, e.errs...)
	seen = append(seen, e.gl.Texts()...)
	seen = append(seen, forgetest.Git(e.t, e.git.Dir(project), "log", "--all", "--format=%B"))
	forgetest.NoLeak(e.t, token, seen...)
}

const plainConfig = "environments:\n  - {name: staging, path: envs/staging}\n  - {name: prod, path: envs/prod, from: staging}\n"

func TestMergeRequestLifecycle(t *testing.T) {
	e := newEnv(t, "", nil)
	res := e.mustRun()
	if res.Action != forge.Created || res.Number != 1 || !strings.Contains(res.URL, "/-/merge_requests/1") {
		t.Fatalf("first run: %+v", res.Result)
	}
	// One list, two user look-ups, one create: labels, assignees and
	// reviewers are set at creation.
	e.budget("opening with reviewers and assignees", 4)
	m := e.gl.Opened()
	if len(m) != 1 || m[0].Title != "promote(prod): web 1.4.2, worker 2.0.1" || m[0].SourceBranch != "promote/staging-to-prod" ||
		strings.Join(m[0].Labels, ",") != "promotion,env/prod,needs-change-ticket" || len(m[0].ReviewerIDs) != 1 || m[0].ReviewerIDs[0] != 7 ||
		len(m[0].AssigneeIDs) != 1 || m[0].AssigneeIDs[0] != 9 || !strings.Contains(m[0].Description, forge.Marker("staging", "prod", "")) {
		t.Fatalf("merge request: %+v", m)
	}
	if !strings.Contains(e.stderr.String(), "teamReviewers is a GitHub setting") {
		t.Errorf("teamReviewers not reported as ignored: %q", e.stderr.String())
	}

	pushes := e.git.Pushes()
	if res := e.mustRun(); res.Action != forge.Unchanged {
		t.Errorf("second run: %+v", res.Result)
	}
	if len(e.gl.Writes()) > 0 || e.git.Pushes() != pushes {
		t.Errorf("re-running wrote:\n%s", forgetest.Describe(e.gl.Writes()))
	}
	e.budget("re-running unchanged", 1)

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

func TestBudgetDefaultLabels(t *testing.T) {
	e := newEnv(t, "", map[string]string{"promote.yaml": plainConfig})
	if res := e.mustRun(); res.Action != forge.Created {
		t.Fatalf("first run: %+v", res.Result)
	}
	e.budget("a new merge request with the default labels", 3)
	if m := e.gl.Opened(); len(m) != 1 || strings.Join(m[0].Labels, ",") != "promotion,env/prod" {
		t.Fatalf("%+v", m)
	}
	e.mustRun()
	e.budget("a no-op", 1)
}

func TestSelfManagedUnderAPath(t *testing.T) {
	t.Run("instance URL given", func(t *testing.T) {
		e := newEnv(t, "/gitlab", nil)
		res := e.mustRun()
		if res.Action != forge.Created || len(e.gl.Opened()) != 1 {
			t.Fatalf("%+v %+v\n%s", res.Result, e.gl.Opened(), e.stderr.String())
		}
	})
	t.Run("inside GitLab CI", func(t *testing.T) {
		e := newEnv(t, "/gitlab", nil)
		// The CI variables name the project by path and the API, nothing
		// else; GITLAB_URL is not set.
		e.vars = map[string]string{"GITLAB_TOKEN": token, "GITLAB_CI": "true", "CI_PROJECT_PATH": project,
			"CI_API_V4_URL": e.gl.URL + "/api/v4", "CI_SERVER_URL": e.gl.URL}
		if res := e.mustRun(); res.Action != forge.Created {
			t.Fatalf("%+v", res.Result)
		}
		if reqs := e.gl.Requests(); !strings.HasPrefix(reqs[0].Path, "/gitlab/api/v4/projects/acme%2Fplatform%2Fgitops/") {
			t.Errorf("first request %s", reqs[0])
		}
	})
	t.Run("project id inside GitLab CI", func(t *testing.T) {
		e := newEnv(t, "/gitlab", nil)
		e.vars = map[string]string{"GITLAB_TOKEN": token, "GITLAB_CI": "true", "CI_PROJECT_ID": "42", "CI_API_V4_URL": e.gl.URL + "/api/v4", "CI_SERVER_URL": e.gl.URL}
		if res := e.mustRun(); res.Action != forge.Created {
			t.Fatalf("%+v", res.Result)
		}
	})
	t.Run("project given, instance from origin", func(t *testing.T) {
		// As promote serve opens a project a webhook names.
		e := newEnv(t, "/gitlab", nil)
		e.forge, e.repo = "gitlab", project
		e.vars = map[string]string{"GITLAB_TOKEN": token}
		if res := e.mustRun(); res.Action != forge.Created {
			t.Fatalf("%+v", res.Result)
		}
	})
	t.Run("instance path unknown", func(t *testing.T) {
		e := newEnv(t, "/gitlab", nil)
		e.forge = "gitlab"
		e.vars = map[string]string{"GITLAB_TOKEN": token}
		_, err := e.run()
		// Without the instance's URL the path holds gitlab/ and the API
		// base misses it: the error names the URL tried, and nothing was
		// pushed.
		if err == nil || !strings.Contains(err.Error(), `no project "gitlab/acme/platform/gitops"`) ||
			!strings.Contains(err.Error(), "/api/v4/projects/gitlab%2Facme%2Fplatform%2Fgitops") || !strings.Contains(err.Error(), "GITLAB_URL") {
			t.Fatalf("err = %v", err)
		}
		if e.git.Pushes() != 0 || e.git.Branch(t, project, "promote/staging-to-prod") != "" {
			t.Error("the branch was pushed before the project was found")
		}
	})
}

const ciFile = "test:\n  script: [make test]\n"

func autoMergeConfig(draft bool) string {
	d := ""
	if draft {
		d = ", draft: true"
	}
	return "environments:\n  - {name: staging, path: envs/staging}\n  - {name: prod, path: envs/prod, from: staging, pullRequest: {autoMerge: true" + d + "}}\n"
}

func TestAutoMergeWaitsForThePipeline(t *testing.T) {
	e := newEnv(t, "", map[string]string{"promote.yaml": autoMergeConfig(false), ".gitlab-ci.yml": ciFile})
	e.gl.PipelineAfter = 2
	if res := e.mustRun(); res.Action != forge.Created {
		t.Fatalf("%+v", res.Result)
	}
	m := e.gl.Opened()
	if len(m) != 1 || !m[0].AutoMerge || len(m[0].Pipelines) != 1 {
		t.Fatalf("auto-merge not set once the pipeline ran: %+v\n%s", m, e.stderr.String())
	}
	if len(e.sleeps) != 2 || e.sleeps[0] != time.Second || e.sleeps[1] != 2*time.Second {
		t.Errorf("waits %v, want 1s and 2s before the pipeline appeared", e.sleeps)
	}
	if n := forgetest.Count(e.gl.Requests(), "PUT", "/merge"); n != 1 || strings.Contains(e.stderr.String(), "auto-merge") {
		t.Errorf("%d merge requests sent, stderr %q", n, e.stderr.String())
	}
	e.gl.Reset()

	e.mustRun()
	e.budget("a no-op with auto-merge set", 1)

	// A newer tag moves the branch: GitLab cancels auto-merge, and promote
	// sets it again once the new commit's pipeline exists.
	e.git.Commit(t, project, "main", "staging: web 1.4.3", forgetest.Staging("1.4.3", "2.0.1"))
	e.sleeps = nil
	if res := e.mustRun(); res.Action != forge.Updated {
		t.Fatalf("%+v", res.Result)
	}
	m = e.gl.Opened()
	if len(m) != 1 || !m[0].AutoMerge || len(m[0].Pipelines) != 2 {
		t.Fatalf("auto-merge not set again after the push: %+v\n%s", m, e.stderr.String())
	}
	for _, r := range e.gl.Requests() {
		if r.Method == "PUT" && strings.HasSuffix(r.Path, "/merge") && len(m[0].Pipelines) < 2 {
			t.Errorf("auto-merge asked before the new pipeline: %s", r)
		}
	}
	if strings.Contains(e.stderr.String(), "auto-merge") {
		t.Errorf("stderr: %s", e.stderr.String())
	}
}

func TestAutoMergeWhenThePipelineDoesNotCome(t *testing.T) {
	e := newEnv(t, "", map[string]string{"promote.yaml": autoMergeConfig(true), ".gitlab-ci.yml": ciFile})
	e.gl.PipelinesOff = true
	if res := e.mustRun(); res.Action != forge.Created {
		t.Fatalf("%+v", res.Result)
	}
	var total time.Duration
	for _, d := range e.sleeps {
		total += d
	}
	if m := e.gl.Opened(); len(m) != 1 || m[0].AutoMerge || forgetest.Count(e.gl.Requests(), "PUT", "/merge") != 0 {
		t.Fatalf("auto-merge asked without a pipeline: %+v", m)
	}
	if total > 2*time.Minute || len(e.sleeps) < 5 || e.sleeps[1] != 2*e.sleeps[0] {
		t.Errorf("waits %v (total %s): want doubling pauses within two minutes", e.sleeps, total)
	}
	msg := e.stderr.String()
	if !strings.Contains(msg, "auto-merge is not set on merge request !1: GitLab had not created the pipeline") ||
		!strings.Contains(msg, "The next promote run sets it while that pipeline runs") || strings.Contains(msg, "405") {
		t.Errorf("stderr: %s", msg)
	}
	// The pipeline comes; the next run reads that from the list answer and
	// sets auto-merge with one more request.
	e.gl.PipelinesOff = false
	e.gl.Reset()
	e.stderr.Reset()
	if res := e.mustRun(); res.Action != forge.Updated {
		t.Errorf("%+v", res.Result)
	}
	if m := e.gl.Opened(); len(m) != 1 || !m[0].AutoMerge {
		t.Errorf("auto-merge not set once the pipeline ran: %+v\n%s", m, forgetest.Describe(e.gl.Requests()))
	}
	e.budget("setting auto-merge on a running pipeline", 2)
}

func TestAutoMergeWithoutCI(t *testing.T) {
	e := newEnv(t, "", map[string]string{"promote.yaml": autoMergeConfig(false)})
	if res := e.mustRun(); res.Action != forge.Created {
		t.Fatalf("%+v", res.Result)
	}
	if m := e.gl.Opened(); len(m) != 1 || !m[0].AutoMerge || len(e.sleeps) != 0 {
		t.Fatalf("merge when checks pass not set at once: %+v, waits %v\n%s", m, e.sleeps, e.stderr.String())
	}
	e.budget("a new merge request with auto-merge and no CI", 3)
	e.mustRun()
	e.budget("a no-op with auto-merge", 1)
}

func TestAutoMergeRefusedAndFaults(t *testing.T) {
	e := newEnv(t, "", map[string]string{"promote.yaml": autoMergeConfig(true)})
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
	if msg := e.stderr.String(); !strings.Contains(msg, "auto-merge is not set on merge request !1 (GitLab refused") ||
		!strings.Contains(msg, "promote asks again the next time it pushes a change to promote/staging-to-prod") {
		t.Errorf("refused auto-merge not reported: %q", msg)
	}
	// Nothing changed: no request beyond the list, no warning again, the
	// draft title kept.
	e.gl.AutoMergeRefused = false
	e.gl.Reset()
	e.stderr.Reset()
	if res := e.mustRun(); res.Action != forge.Unchanged || e.stderr.Len() != 0 {
		t.Errorf("second run: %+v %q", res.Result, e.stderr.String())
	}
	e.budget("a no-op with auto-merge refused earlier", 1)
	if m := e.gl.Opened(); len(m) != 1 || strings.Count(m[0].Title, "Draft:") != 1 {
		t.Errorf("second run: %+v", m)
	}
}

func TestTitlesFitGitLab(t *testing.T) {
	tag := func(c string) string { return strings.Repeat(c, 120) }
	e := newEnv(t, "", map[string]string{"promote.yaml": autoMergeConfig(true), "envs/staging/kustomization.yaml": "images:\n  - name: ghcr.io/acme/web\n    newTag: \"" + tag("a") + "\"\n  - name: ghcr.io/acme/worker\n    newTag: " + tag("b") + "\n"})
	if res := e.mustRun(); res.Action != forge.Created {
		t.Fatalf("%+v\n%s", res.Result, e.stderr.String())
	}
	m := e.gl.Opened()
	if len(m) != 1 || utf8.RuneCountInString(m[0].Title) > 255 || !strings.HasPrefix(m[0].Title, "Draft: promote(prod): web "+tag("a")) || !strings.HasSuffix(m[0].Title, "...") {
		t.Fatalf("title %q (%d characters)", m[0].Title, utf8.RuneCountInString(m[0].Title))
	}
	e.gl.Reset()
	if res := e.mustRun(); res.Action != forge.Unchanged {
		t.Errorf("a cut title is rewritten on every run: %+v\n%s", res.Result, forgetest.Describe(e.gl.Writes()))
	}
}

func TestPaginatedListAndOtherTargets(t *testing.T) {
	e := newEnv(t, "", map[string]string{"promote.yaml": plainConfig})
	for i := range 120 {
		e.gl.AddMergeRequest(forgetest.MergeRequest{Title: "feature", SourceBranch: "feature-" + strings.Repeat("x", i%3), TargetBranch: "main"})
	}
	// The same source branch into another target is another merge request
	// on GitLab (no 409).
	e.gl.AddMergeRequest(forgetest.MergeRequest{Title: "elsewhere", SourceBranch: "promote/staging-to-prod", TargetBranch: "release"})
	if res := e.mustRun(); res.Action != forge.Created || res.Number != 122 {
		t.Fatalf("%+v", res.Result)
	}
	e.gl.Reset()
	// Its merge request is on the second page of the list for main.
	if res := e.mustRun(); res.Action != forge.Unchanged || res.Number != 122 {
		t.Fatalf("second run: %+v\n%s", res.Result, forgetest.Describe(e.gl.Requests()))
	}
	if reqs := e.gl.Requests(); len(reqs) != 2 || !strings.Contains(reqs[1].Query, "page=2") {
		t.Errorf("pages read:\n%s", forgetest.Describe(reqs))
	}
}

func TestRejectedCreateSaysRunningAgainWillNotHelp(t *testing.T) {
	e := newEnv(t, "", map[string]string{"promote.yaml": plainConfig})
	e.gl.Script("POST", `/merge_requests$`, forgetest.Response{Status: http.StatusUnprocessableEntity, Body: `{"message":["Validation failed: Source branch is protected"]}`})
	_, err := e.run()
	if err == nil || !strings.Contains(err.Error(), "the forge rejected the request") || !strings.Contains(err.Error(), "running promote again fails the same way") ||
		!strings.Contains(err.Error(), "git push origin --delete promote/staging-to-prod") || strings.Contains(err.Error(), "run promote again to finish") {
		t.Fatalf("err = %v", err)
	}
	// A transient failure still says the next run finishes the work.
	e.gl.Script("POST", `/merge_requests$`, forgetest.Response{Status: http.StatusBadGateway}, forgetest.Response{Status: http.StatusBadGateway},
		forgetest.Response{Status: http.StatusBadGateway}, forgetest.Response{Status: http.StatusBadGateway},
		forgetest.Response{Status: http.StatusBadGateway}, forgetest.Response{Status: http.StatusBadGateway})
	if _, err := e.run(); err == nil || !strings.Contains(err.Error(), "run promote again to finish") {
		t.Fatalf("err = %v", err)
	}
}
