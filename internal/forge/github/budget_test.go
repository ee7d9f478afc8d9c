package github_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
)

// budget fails the test when the requests since the last reset exceed n.
func (e *env) budget(what string, n int) {
	e.t.Helper()
	if reqs := e.gh.Requests(); len(reqs) > n {
		e.t.Errorf("%s took %d GitHub requests, budget %d:\n%s", what, len(reqs), n, forgetest.Describe(reqs))
	}
	e.gh.Reset()
}

const plainConfig = "environments:\n  - {name: staging, path: envs/staging}\n  - {name: prod, path: envs/prod, from: staging}\n"

func TestBudgetDefaultLabels(t *testing.T) {
	e := newEnv(t)
	e.git.Commit(t, repoPath, "main", "prod: defaults", map[string]string{"promote.yaml": plainConfig})
	if res := e.mustRun(); res.Action != forge.Created {
		t.Fatalf("%+v", res.Result)
	}
	// The open pull requests into main, listed once; create; labels.
	e.budget("a new pull request with the default labels", 3)
	if p := e.gh.Open(); len(p) != 1 || strings.Join(p[0].Labels, ",") != "promotion,env/prod" {
		t.Fatalf("%+v", p)
	}
	e.mustRun()
	e.budget("a no-op", 1)
}

func TestBudgetNoOpWithAutoMerge(t *testing.T) {
	for _, allowed := range []bool{true, false} {
		e := newEnv(t)
		e.git.Commit(t, repoPath, "main", "prod: auto-merge", map[string]string{"promote.yaml": "environments:\n  - {name: staging, path: envs/staging}\n  - {name: prod, path: envs/prod, from: staging, pullRequest: {autoMerge: true}}\n"})
		e.gh.AutoMergeAllowed = allowed
		e.mustRun()
		e.gh.Reset()
		e.stderr.Reset()
		// Whether auto-merge is on is read from the list answer; when the
		// repository refused it, it is asked again only after a push.
		if res := e.mustRun(); res.Action != forge.Unchanged || e.stderr.Len() != 0 {
			t.Errorf("allowed=%v: %+v %q", allowed, res.Result, e.stderr.String())
		}
		e.budget("a no-op with auto-merge configured", 1)
		if allowed {
			continue
		}
		e.gh.AutoMergeAllowed = true
		e.git.Commit(t, repoPath, "main", "staging: web 1.4.3", forgetest.Staging("1.4.3", "2.0.1"))
		if res := e.mustRun(); res.Action != forge.Updated || !e.gh.Open()[0].AutoMerge {
			t.Errorf("after a push auto-merge is not asked again: %+v %+v", res.Result, e.gh.Open())
		}
	}
}

func TestGraphQLEmptyAnswerIsAFailure(t *testing.T) {
	for name, body := range map[string]string{
		"no data":   `{}`,
		"null data": `{"data": null}`,
		"no pull":   `{"data": {"enablePullRequestAutoMerge": null}}`,
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.git.Commit(t, repoPath, "main", "prod: auto-merge", map[string]string{"promote.yaml": "environments:\n  - {name: staging, path: envs/staging}\n  - {name: prod, path: envs/prod, from: staging, pullRequest: {autoMerge: true}}\n"})
			e.gh.AutoMergeAllowed = true
			e.gh.Script("POST", `^/graphql$`, forgetest.Response{Status: http.StatusOK, Body: body})
			if res := e.mustRun(); res.Action != forge.Created {
				t.Fatalf("%+v", res.Result)
			}
			if !strings.Contains(e.stderr.String(), "auto-merge is not enabled on pull request #1") {
				t.Errorf("an answer %s taken for success: %q", body, e.stderr.String())
			}
		})
	}
}
