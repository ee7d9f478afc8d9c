package github_test

import (
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
)

func TestNewerTagUpdatesTheSameRequest(t *testing.T) {
	e := newEnv(t)
	first := e.mustRun()
	e.git.Commit(t, repoPath, "main", "staging: web 1.4.3", forgetest.Staging("1.4.3", "2.0.1"))
	res := e.mustRun()
	if res.Action != forge.Updated || res.Number != first.Number {
		t.Fatalf("after a newer tag: %+v, want updated #%d", res.Result, first.Number)
	}
	pulls := e.gh.Pulls()
	if len(pulls) != 1 {
		t.Fatalf("%d pull requests, want the same one updated", len(pulls))
	}
	if pulls[0].Title != "promote(prod): web 1.4.3, worker 2.0.1" || !strings.Contains(pulls[0].Body, "`1.4.3`") {
		t.Errorf("pull request not updated: %q\n%s", pulls[0].Title, pulls[0].Body)
	}
	tip := e.git.Branch(t, repoPath, "promote/staging-to-prod")
	if got := forgetest.Git(t, e.git.Dir(repoPath), "show", tip+":envs/prod/kustomization.yaml"); !strings.Contains(got, `newTag: "1.4.3"`) {
		t.Errorf("branch not updated:\n%s", got)
	}
}

func TestTargetMatchingClosesTheStaleRequest(t *testing.T) {
	e := newEnv(t)
	e.mustRun()
	e.git.Commit(t, repoPath, "main", "prod: catch up by hand", forgetest.Prod("1.4.2", "2.0.1"))
	res := e.mustRun()
	if res.Action != forge.Closed || res.Number != 1 {
		t.Fatalf("target matches: %+v, want closed #1", res.Result)
	}
	p := e.gh.Pulls()
	if len(p) != 1 || p[0].State != "closed" || len(p[0].Comments) != 1 || !strings.Contains(p[0].Comments[0], "no longer needed") {
		t.Fatalf("pull requests: %+v", p)
	}
	if b := e.git.Branch(t, repoPath, "promote/staging-to-prod"); b != "" {
		t.Errorf("stale branch still on the server at %s", b)
	}
	e.gh.Reset()
	if res := e.mustRun(); res.Action != forge.None {
		t.Errorf("again: %+v, want none", res.Result)
	}
	if w := e.gh.Writes(); len(w) > 0 {
		t.Errorf("nothing to do, yet wrote:\n%s", forgetest.Describe(w))
	}
}

func TestNewRequestSupersedesOneFromAnotherBranch(t *testing.T) {
	e := newEnv(t)
	forgetest.Git(t, e.git.Dir(repoPath), "branch", "promote/old-scheme", "main")
	old := e.gh.AddPull(forgetest.Pull{Title: "promote(prod): web 1.4.0", Head: "promote/old-scheme", Base: "main",
		Body: forge.Marker("staging", "prod", "") + "\nold\n"})
	other := e.gh.AddPull(forgetest.Pull{Title: "fix typo", Head: "typo", Base: "main", Body: "unrelated"})
	res := e.mustRun()
	if res.Action != forge.Created || res.Number != 3 {
		t.Fatalf("run: %+v", res.Result)
	}
	p := e.gh.Pulls()
	if p[old-1].State != "closed" || len(p[old-1].Comments) != 1 || !strings.Contains(p[old-1].Comments[0], "Superseded by #3") {
		t.Errorf("old request: %+v", p[old-1])
	}
	if p[other-1].State != "open" {
		t.Errorf("an unrelated request was closed: %+v", p[other-1])
	}
}

func TestAutoMerge(t *testing.T) {
	for _, allowed := range []bool{true, false} {
		e := newEnv(t)
		e.git.Commit(t, repoPath, "main", "prod: auto-merge", map[string]string{"promote.yaml": "environments:\n  - {name: staging, path: envs/staging}\n  - {name: prod, path: envs/prod, from: staging, pullRequest: {autoMerge: true, draft: true}}\n"})
		e.gh.AutoMergeAllowed = allowed
		res := e.mustRun()
		p := e.gh.Open()
		if res.Action != forge.Created || len(p) != 1 || !p[0].Draft {
			t.Fatalf("allowed=%v: %+v %+v", allowed, res.Result, p)
		}
		if p[0].AutoMerge != allowed {
			t.Errorf("allowed=%v: auto-merge %v", allowed, p[0].AutoMerge)
		}
		if said := strings.Contains(e.stderr.String(), "auto-merge is not enabled on pull request #1"); said == allowed {
			t.Errorf("allowed=%v: stderr %q", allowed, e.stderr.String())
		}
		if len(e.gh.Requests()) > 5 {
			t.Errorf("allowed=%v: %d requests:\n%s", allowed, len(e.gh.Requests()), forgetest.Describe(e.gh.Requests()))
		}
	}
}

func TestDraftUnavailableOpensReady(t *testing.T) {
	e := newEnv(t)
	e.git.Commit(t, repoPath, "main", "prod: draft", map[string]string{"promote.yaml": "environments:\n  - {name: staging, path: envs/staging}\n  - {name: prod, path: envs/prod, from: staging, pullRequest: {draft: true}}\n"})
	e.gh.NoDrafts = true
	res := e.mustRun()
	if p := e.gh.Open(); res.Action != forge.Created || len(p) != 1 || p[0].Draft {
		t.Fatalf("%+v %+v", res.Result, p)
	}
	if !strings.Contains(e.stderr.String(), "draft pull requests are not available") {
		t.Errorf("stderr: %q", e.stderr.String())
	}
}

// TestRollbackAndPromotionAreDifferentProposals: a promotion with nothing
// to do leaves an open rollback of its target alone; a real promotion
// supersedes it, and both requests say so.
func TestRollbackAndPromotionAreDifferentProposals(t *testing.T) {
	e := newEnv(t)
	forgetest.Git(t, e.git.Dir(repoPath), "branch", "promote/rollback-prod", "main")
	rb := e.gh.AddPull(forgetest.Pull{Title: "rollback(prod): web 1.4.0", Head: "promote/rollback-prod", Base: "main",
		Body: forge.Marker("prod", "prod", "") + "\n\nRolls back prod.\n"})
	e.git.Commit(t, repoPath, "main", "prod: catch up by hand", forgetest.Prod("1.4.2", "2.0.1"))
	if res := e.mustRun(); res.Action != forge.None && res.Action != forge.Closed {
		t.Fatalf("nothing to promote: %+v", res.Result)
	}
	if p := e.gh.Pulls()[rb-1]; p.State != "open" || len(p.Comments) != 0 {
		t.Fatalf("a promotion with nothing to do touched the rollback: %+v", p)
	}
	e.git.Commit(t, repoPath, "main", "staging: web 1.4.3", forgetest.Staging("1.4.3", "2.0.1"))
	res := e.mustRun()
	if res.Action != forge.Created {
		t.Fatalf("promotion: %+v", res.Result)
	}
	p := e.gh.Pulls()
	if old := p[rb-1]; old.State != "closed" || len(old.Comments) != 1 || !strings.Contains(old.Comments[0], "so this rollback is no longer proposed") {
		t.Errorf("rollback: %+v", old)
	}
	if pr := p[res.Number-1]; !strings.Contains(pr.Body, "supersedes the rollback #1 of prod") {
		t.Errorf("the promotion does not say it supersedes the rollback:\n%s", pr.Body)
	}
}
