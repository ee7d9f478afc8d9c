package github_test

import (
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
)

func TestOpenThenUnchanged(t *testing.T) {
	e := newEnv(t)
	res := e.mustRun()
	if res.Action != forge.Created || res.Number != 1 || !strings.HasSuffix(res.URL, "/pull/1") {
		t.Fatalf("first run: %+v", res.Result)
	}
	reqs := e.gh.Requests()
	// List the open pull requests into main, create, labels and
	// assignees, reviewers.
	if len(reqs) > 4 {
		t.Errorf("opening a pull request took %d API requests, budget 4:\n%s", len(reqs), forgetest.Describe(reqs))
	}
	pulls := e.gh.Open()
	if len(pulls) != 1 {
		t.Fatalf("open pull requests: %+v", pulls)
	}
	p := pulls[0]
	if p.Title != "promote(prod): web 1.4.2, worker 2.0.1" || p.Head != "promote/staging-to-prod" || p.Base != "main" {
		t.Errorf("pull request: %+v", p)
	}
	if !strings.Contains(p.Body, "<!-- promote: from=staging to=prod app= -->") || !strings.Contains(p.Body, "| `ghcr.io/acme/web` | `1.4.1` | `1.4.2` |") {
		t.Errorf("body:\n%s", p.Body)
	}
	if strings.Join(p.Labels, ",") != "promotion,env/prod,needs-change-ticket" || strings.Join(p.Reviewers, ",") != "octocat" ||
		strings.Join(p.TeamReviewers, ",") != "sre" || strings.Join(p.Assignees, ",") != "hubot" {
		t.Errorf("labels %v reviewers %v teams %v assignees %v", p.Labels, p.Reviewers, p.TeamReviewers, p.Assignees)
	}
	head := e.git.Branch(t, repoPath, "promote/staging-to-prod")
	if head != res.Commit {
		t.Errorf("server branch at %s, result says %s", head, res.Commit)
	}
	if parent := forgetest.Git(t, e.git.Dir(repoPath), "rev-parse", head+"^"); parent != e.git.Branch(t, repoPath, "main") {
		t.Errorf("promotion commit's parent %s is not main's tip", parent)
	}

	e.gh.Reset()
	pushes := e.git.Pushes()
	res = e.mustRun()
	if res.Action != forge.Unchanged || res.Number != 1 {
		t.Errorf("second run: %+v", res.Result)
	}
	if reqs := e.gh.Requests(); len(reqs) > 1 || len(e.gh.Writes()) > 0 {
		t.Errorf("re-running took %d API requests (budget 1, no writes):\n%s", len(reqs), forgetest.Describe(reqs))
	}
	if e.git.Pushes() != pushes {
		t.Errorf("re-running pushed again")
	}
}
