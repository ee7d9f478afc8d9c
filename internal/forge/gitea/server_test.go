package gitea_test

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	"github.com/gitops-promote/promote/internal/forge/retry"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/promote"
)

// giteaServer is the real Gitea every test of the package uses, served under
// /gitea behind a reverse proxy as self-hosted servers sharing a host
// are; serverErr says why there is none.
var (
	giteaServer *forgetest.Gitea
	serverErr   error
)

func TestMain(m *testing.M) {
	os.Exit(runWithGitea(m))
}

func runWithGitea(m *testing.M) int {
	flag.Parse()
	if f := flag.Lookup("test.run"); f != nil && f.Value.String() == "^$" {
		return m.Run() // benchmarks only: no server needed
	}
	bin, err := forgetest.GiteaBinary()
	if err != nil {
		serverErr = err
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "promote-gitea-")
	if err != nil {
		serverErr = err
		return m.Run()
	}
	defer os.RemoveAll(dir)
	giteaServer, serverErr = forgetest.StartGitea(bin, dir, forgetest.GiteaOptions{SubPath: "gitea"})
	if giteaServer != nil {
		defer giteaServer.Stop()
	}
	return m.Run()
}

// needGitea skips the test without a Gitea binary, except in CI where
// that fails it.
func needGitea(t *testing.T) *forgetest.Gitea {
	t.Helper()
	if serverErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and the real Gitea is missing: %v", serverErr)
		}
		t.Skipf("skipped: %v", serverErr)
	}
	return giteaServer
}

// counter counts the API requests promote sends.
type counter struct {
	n    atomic.Int64
	mu   sync.Mutex
	reqs []string
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.URL.Path, "/api/v1/") {
		c.n.Add(1)
		c.mu.Lock()
		c.reqs = append(c.reqs, r.Method+" "+r.URL.Path)
		c.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(r)
}

func (c *counter) take() (int, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, list := len(c.reqs), strings.Join(c.reqs, "\n")
	c.reqs = nil
	return n, list
}

// env is a repository on the real Gitea, a clone of it and the
// environment promote runs with.
type env struct {
	t      *testing.T
	g      *forgetest.Gitea
	repo   string // owner/name
	dir    string
	vars   map[string]string
	count  *counter
	stderr forgetest.LockedBuffer
}

var repoSeq atomic.Int64

// newEnv creates a repository holding files (the usual fixture when
// nil) and clones it; origin is the server's URL, under its path.
func newEnv(t *testing.T, files map[string]string) *env {
	t.Helper()
	g := needGitea(t)
	name := fmt.Sprintf("gitops-%d", repoSeq.Add(1))
	if err := g.API("POST", "/user/repos", map[string]any{"name": name, "default_branch": "main"}, nil); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, g: g, repo: g.User + "/" + name, count: &counter{}}
	if files == nil {
		files = forgetest.GitOpsFiles()
	}
	work := t.TempDir()
	forgetest.Git(t, work, "init", "-q", "-b", "main")
	forgetest.WriteFiles(t, work, files)
	forgetest.Git(t, work, "add", "-A")
	forgetest.Git(t, work, "commit", "-q", "-m", "initial")
	forgetest.Git(t, work, "push", "-q", g.AuthURL(e.repo), "main")
	e.waitIndexed("main", forgetest.Git(t, work, "rev-parse", "HEAD"))
	e.dir = t.TempDir()
	forgetest.Git(t, e.dir, "clone", "-q", g.AuthURL(e.repo), ".")
	forgetest.Git(t, e.dir, "remote", "set-url", "origin", g.RepoURL(e.repo))
	e.vars = map[string]string{"GITEA_TOKEN": g.Token, "GITEA_URL": g.URL}
	t.Cleanup(func() {
		forgetest.NoLeak(t, g.Token, e.stderr.String())
	})
	return e
}

// commit pushes a commit writing files to main, as another user would.
func (e *env) commit(message string, files map[string]string) {
	e.t.Helper()
	work := e.t.TempDir()
	forgetest.Git(e.t, work, "clone", "-q", e.g.AuthURL(e.repo), ".")
	forgetest.WriteFiles(e.t, work, files)
	forgetest.Git(e.t, work, "add", "-A")
	forgetest.Git(e.t, work, "commit", "-q", "-m", message)
	forgetest.Git(e.t, work, "push", "-q", "origin", "main")
	e.waitIndexed("main", forgetest.Git(e.t, work, "rev-parse", "HEAD"))
}

// waitIndexed waits until Gitea has taken in the push of sha to branch.
// Gitea records a push (the branch, and whether the repository is still
// empty: an empty one answers 404 for its pull requests) from a queue
// after git's push has returned, so its API lags the git side briefly,
// longer on a quiet machine than one might think.
func (e *env) waitIndexed(branch, sha string) {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var repo struct {
			Empty bool `json:"empty"`
		}
		var b struct {
			Commit struct {
				ID string `json:"id"`
			} `json:"commit"`
		}
		err := e.g.API("GET", "/repos/"+e.repo, nil, &repo)
		if err == nil && !repo.Empty {
			err = e.g.API("GET", "/repos/"+e.repo+"/branches/"+branch, nil, &b)
		}
		if err == nil && !repo.Empty && b.Commit.ID == sha {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("Gitea has not taken in the push of %s to %s after 30s (empty: %v, branch at %q): %v", sha, branch, repo.Empty, b.Commit.ID, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (e *env) options() connect.Options {
	return connect.Options{Forge: "auto", Getenv: func(k string) string { return e.vars[k] }, Stderr: &e.stderr, Transport: e.count,
		Retry: retry.Policy{Sleep: func(context.Context, time.Duration) error { return nil }}}
}

func (e *env) run(to string) (*proposal.Result, error) {
	e.t.Helper()
	ws, repo := forgetest.Workspace(e.t, e.dir)
	fg, err := connect.Open(repo, e.options())
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return proposal.Run(ctx, proposal.Options{Workspace: ws, Plan: proposal.Promotion(promote.Request{To: to}), Base: "main", Forge: fg})
}

func (e *env) mustRun(to string) *proposal.Result {
	e.t.Helper()
	res, err := e.run(to)
	if err != nil {
		e.t.Fatalf("run: %v\nstderr:\n%s", err, e.stderr.String())
	}
	return res
}

// pull is what the tests read of a pull request.
type pull struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
	Body   string `json:"body"`
	State  string `json:"state"`
	Labels []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"labels"`
	Assignees []struct {
		Login string `json:"login"`
	} `json:"assignees"`
	RequestedReviewers []struct {
		Login string `json:"login"`
	} `json:"requested_reviewers"`
	Head struct {
		Ref string `json:"ref"`
	} `json:"head"`
}

func (p pull) labelNames() string {
	var out []string
	for _, l := range p.Labels {
		out = append(out, l.Name)
	}
	return strings.Join(out, ",")
}

func (e *env) pulls(state string) []pull {
	e.t.Helper()
	var out []pull
	if err := e.g.API("GET", "/repos/"+e.repo+"/pulls?state="+state, nil, &out); err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) comments(n int) []string {
	e.t.Helper()
	var out []struct {
		Body string `json:"body"`
	}
	if err := e.g.API("GET", fmt.Sprintf("/repos/%s/issues/%d/comments", e.repo, n), nil, &out); err != nil {
		e.t.Fatal(err)
	}
	var bodies []string
	for _, c := range out {
		bodies = append(bodies, c.Body)
	}
	return bodies
}

// branch reports whether the repository has the branch, asking git (the
// API's branch list is updated after the push, asynchronously).
func (e *env) branch(name string) bool {
	e.t.Helper()
	return forgetest.Git(e.t, e.t.TempDir(), "ls-remote", e.g.AuthURL(e.repo), "refs/heads/"+name) != ""
}

// user creates a user with write access to the repository.
func (e *env) user(name string) {
	e.t.Helper()
	err := e.g.API("POST", "/admin/users", map[string]any{"username": name, "email": name + "@example.invalid", "password": "pw-" + name + "-0123456789", "must_change_password": false}, nil)
	if err != nil && !strings.Contains(err.Error(), "already exists") {
		e.t.Fatal(err)
	}
	if err := e.g.API("PUT", "/repos/"+e.repo+"/collaborators/"+name, map[string]any{"permission": "write"}, nil); err != nil {
		e.t.Fatal(err)
	}
}

func TestLifecycleOnRealGitea(t *testing.T) {
	e := newEnv(t, nil)
	e.user("octocat")
	e.user("hubot")
	res := e.mustRun("prod")
	if res.Action != "created" || res.Number != 1 || !strings.HasPrefix(res.URL, e.g.URL+"/"+e.repo+"/pulls/1") {
		t.Fatalf("first run: %+v\n%s", res.Result, e.stderr.String())
	}
	// List the pull requests, list the labels, create the three labels
	// (the first time only), create the pull request with labels,
	// assignees and reviewers.
	if n, reqs := e.count.take(); n > 3+3 {
		t.Errorf("opening took %d requests, budget 6:\n%s", n, reqs)
	}
	prs := e.pulls("open")
	if len(prs) != 1 {
		t.Fatalf("open pull requests: %+v", prs)
	}
	p := prs[0]
	if p.Title != "promote(prod): web 1.4.2, worker 2.0.1" || p.Head.Ref != "promote/staging-to-prod" ||
		p.labelNames() != "env/prod,needs-change-ticket,promotion" || len(p.Assignees) != 1 || p.Assignees[0].Login != "hubot" ||
		len(p.RequestedReviewers) != 1 || p.RequestedReviewers[0].Login != "octocat" ||
		!strings.Contains(p.Body, "<!-- promote: from=staging to=prod app= -->") {
		t.Fatalf("pull request: %+v", p)
	}
	if !strings.Contains(e.stderr.String(), "teamReviewers is a GitHub setting: ignored on Gitea") {
		t.Errorf("stderr: %s", e.stderr.String())
	}

	// Unchanged: one request, nothing written, nothing pushed.
	if res := e.mustRun("prod"); res.Action != "unchanged" {
		t.Errorf("second run: %+v", res.Result)
	}
	if n, reqs := e.count.take(); n != 1 {
		t.Errorf("re-running took %d requests, budget 1:\n%s", n, reqs)
	}

	e.commit("staging: web 1.4.3", forgetest.Staging("1.4.3", "2.0.1"))
	if res := e.mustRun("prod"); res.Action != "updated" || res.Number != 1 {
		t.Errorf("newer tag: %+v", res.Result)
	}
	if prs := e.pulls("open"); len(prs) != 1 || prs[0].Title != "promote(prod): web 1.4.3, worker 2.0.1" {
		t.Errorf("after a newer tag: %+v", prs)
	}

	e.commit("prod: caught up", forgetest.Prod("1.4.3", "2.0.1"))
	if res := e.mustRun("prod"); res.Action != "closed" || res.Number != 1 {
		t.Errorf("target matches: %+v", res.Result)
	}
	if prs := e.pulls("open"); len(prs) != 0 {
		t.Errorf("still open: %+v", prs)
	}
	if c := e.comments(1); len(c) != 1 || !strings.Contains(c[0], "no longer needed") {
		t.Errorf("comments: %q", c)
	}
	if e.branch("promote/staging-to-prod") {
		t.Error("stale branch left on the server")
	}
}

const twoTargets = `environments:
  - {name: staging, path: envs/staging}
  - {name: prod, path: envs/prod, from: staging}
  - {name: prod-eu, path: envs/prod-eu, from: staging}
`

func TestLabelsAreResolvedAndCreatedOnce(t *testing.T) {
	files := forgetest.GitOpsFiles()
	files["promote.yaml"] = twoTargets
	files["envs/prod-eu/kustomization.yaml"] = files["envs/prod/kustomization.yaml"]
	e := newEnv(t, files)
	// An existing label, spelled differently, is reused, not duplicated.
	var existing struct {
		ID int64 `json:"id"`
	}
	if err := e.g.API("POST", "/repos/"+e.repo+"/labels", map[string]any{"name": "Promotion", "color": "#ff0000"}, &existing); err != nil {
		t.Fatal(err)
	}
	e.mustRun("prod")
	e.mustRun("prod-eu")
	var labels []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	if err := e.g.API("GET", "/repos/"+e.repo+"/labels", nil, &labels); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range labels {
		names = append(names, l.Name)
	}
	slices.Sort(names)
	if strings.Join(names, ",") != "Promotion,env/prod,env/prod-eu" {
		t.Errorf("labels: %v", names)
	}
	for _, p := range e.pulls("open") {
		if p.Labels[len(p.Labels)-1].ID != existing.ID && p.Labels[0].ID != existing.ID {
			t.Errorf("pull request #%d does not carry the existing label: %+v", p.Number, p.Labels)
		}
	}
}

func TestSupersedeOnRealGitea(t *testing.T) {
	e := newEnv(t, nil)
	// An older promotion of the same target, from another branch.
	work := t.TempDir()
	forgetest.Git(t, work, "clone", "-q", e.g.AuthURL(e.repo), ".")
	forgetest.Git(t, work, "checkout", "-q", "-b", "promote/old")
	forgetest.WriteFiles(t, work, map[string]string{"envs/prod/note.txt": "old\n"})
	forgetest.Git(t, work, "add", "-A")
	forgetest.Git(t, work, "commit", "-q", "-m", "old promotion")
	forgetest.Git(t, work, "push", "-q", "origin", "promote/old")
	e.waitIndexed("promote/old", forgetest.Git(t, work, "rev-parse", "HEAD"))
	if err := e.g.API("POST", "/repos/"+e.repo+"/pulls", map[string]any{"head": "promote/old", "base": "main", "title": "old",
		"body": "<!-- promote: from=staging to=prod app= -->\nold\n"}, nil); err != nil {
		t.Fatal(err)
	}
	res := e.mustRun("prod")
	if res.Action != "created" || res.Number != 2 {
		t.Fatalf("%+v", res.Result)
	}
	if c := e.comments(1); len(c) != 1 || !strings.Contains(c[0], "Superseded by #2") {
		t.Errorf("old pull request's comments: %q", c)
	}
	if open := e.pulls("open"); len(open) != 1 || open[0].Number != 2 {
		t.Errorf("open: %+v", open)
	}
}

func TestWrongPathFailsBeforePushing(t *testing.T) {
	e := newEnv(t, nil)
	delete(e.vars, "GITEA_URL")
	opts := e.options()
	opts.Forge = "gitea"
	ws, repo := forgetest.Workspace(t, e.dir)
	fg, err := connect.Open(repo, opts)
	if err == nil {
		_, err = proposal.Run(context.Background(), proposal.Options{Workspace: ws, Plan: proposal.Promotion(promote.Request{To: "prod"}), Base: "main", Forge: fg})
	}
	// Without GITEA_URL the server's path is taken for the owner.
	if err == nil || !strings.Contains(err.Error(), `"gitea/`+e.repo+`" is not a Gitea repository`) || !strings.Contains(err.Error(), "GITEA_URL") {
		t.Fatalf("err = %v", err)
	}
	if e.branch("promote/staging-to-prod") {
		t.Error("the branch was pushed before the repository was found")
	}
	// A repository the server does not have: the URL tried is named.
	opts.Repo = e.g.User + "/no-such-repo"
	opts.GiteaURL = e.g.URL
	if fg, err = connect.Open(repo, opts); err != nil {
		t.Fatal(err)
	}
	_, err = proposal.Run(context.Background(), proposal.Options{Workspace: ws, Plan: proposal.Promotion(promote.Request{To: "prod"}), Base: "main", Forge: fg})
	if err == nil || !strings.Contains(err.Error(), "Gitea has no repository "+opts.Repo+" at "+e.g.URL+"/api/v1/repos/"+opts.Repo+" (404 Not Found)") {
		t.Fatalf("err = %v", err)
	}
	if e.branch("promote/staging-to-prod") {
		t.Error("the branch was pushed before the repository was found")
	}
}

const autoMergeConfig = "environments:\n  - {name: staging, path: envs/staging}\n  - {name: prod, path: envs/prod, from: staging, pullRequest: {autoMerge: true}}\n"

func TestAutoMergeOnRealGitea(t *testing.T) {
	files := forgetest.GitOpsFiles()
	files["promote.yaml"] = autoMergeConfig
	e := newEnv(t, files)
	res := e.mustRun("prod")
	if res.Action != "created" {
		t.Fatalf("%+v", res.Result)
	}
	// Without checks to wait for, Gitea merges when asked to merge once
	// they succeed.
	waitFor(t, "the merge", func() bool {
		var p struct {
			Merged bool `json:"merged"`
		}
		_ = e.g.API("GET", fmt.Sprintf("/repos/%s/pulls/%d", e.repo, res.Number), nil, &p)
		return p.Merged
	})
	if strings.Contains(e.stderr.String(), "auto-merge") {
		t.Errorf("stderr: %s", e.stderr.String())
	}
}

func TestInsideGiteaActions(t *testing.T) {
	e := newEnv(t, nil)
	// What the runner sets: Gitea's variables and GitHub's, for
	// compatibility, the token as GITHUB_TOKEN.
	e.vars = map[string]string{"GITEA_ACTIONS": "true", "GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": e.g.URL,
		"GITHUB_REPOSITORY": e.repo, "GITHUB_TOKEN": e.g.Token}
	res := e.mustRun("prod")
	if res.Action != "created" || !strings.HasPrefix(res.URL, e.g.URL+"/"+e.repo+"/pulls/") {
		t.Fatalf("%+v\n%s", res.Result, e.stderr.String())
	}
}

func TestChecksOnRealGitea(t *testing.T) {
	e := newEnv(t, nil)
	sha := strings.TrimSpace(forgetest.Git(t, e.dir, "rev-parse", "HEAD"))
	for _, s := range []struct{ context, state string }{
		{"smoke", "pending"},
		{"smoke", "success"}, // the job finished: the newest report wins
		{"argocd/staging", "failure"},
		{"flux/staging", "pending"},
		{"lint", "warning"},
		{"e2e", "error"},
		{"deploy", "success"},
		{"deploy", "failure"}, // a re-run failed
	} {
		if err := e.g.API("POST", "/repos/"+e.repo+"/statuses/"+sha, map[string]string{"context": s.context, "state": s.state, "target_url": "https://ci.example/" + s.context}, nil); err != nil {
			t.Fatal(err)
		}
	}
	forgetest.ExpectChecks(t, forgetest.CheckReader(t, e.dir, func(k string) string { return e.vars[k] }, &e.stderr), sha, map[string]forge.CheckState{
		"smoke": forge.CheckSuccess, "argocd/staging": forge.CheckFailure, "flux/staging": forge.CheckPending,
		"lint": forge.CheckFailure, "e2e": forge.CheckFailure, "deploy": forge.CheckFailure,
	})
}

// TestPendingOnRealGitea: the server's resync can tell an open proposal
// from one a person closed, as on the other forges.
func TestPendingOnRealGitea(t *testing.T) {
	e := newEnv(t, nil)
	res := e.mustRun("prod")
	_, repo := forgetest.Workspace(t, e.dir)
	fg, err := connect.Open(repo, e.options())
	if err != nil {
		t.Fatal(err)
	}
	pending, ok := fg.(forge.Pending)
	if !ok {
		t.Fatalf("the gitea forge cannot tell what stands for a proposal")
	}
	p := forge.Proposal{Branch: res.Branch, Base: "main", From: "staging", To: "prod"}
	if pend, err := pending.Pending(context.Background(), p); err != nil || !pend.Branch || !pend.Open || pend.Closed {
		t.Errorf("an open proposal: %+v, %v", pend, err)
	}
	if err := e.g.API("PATCH", fmt.Sprintf("/repos/%s/pulls/%d", e.repo, res.Number), map[string]any{"state": "closed"}, nil); err != nil {
		t.Fatal(err)
	}
	if pend, err := pending.Pending(context.Background(), p); err != nil || !pend.Branch || pend.Open || !pend.Closed {
		t.Errorf("a proposal a person closed: %+v, %v", pend, err)
	}
}
