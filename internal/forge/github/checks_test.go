package github_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	"github.com/gitops-promote/promote/internal/forge/retry"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/internal/review"
	"github.com/gitops-promote/promote/promote"
)

func (e *env) checkReader() forge.CheckReader {
	return forgetest.CheckReader(e.t, e.dir, func(k string) string { return e.vars[k] }, &e.stderr)
}

func TestChecksReadStatusesAndCheckRuns(t *testing.T) {
	e := newEnv(t)
	sha := strings.TrimSpace(forgetest.Git(t, e.dir, "rev-parse", "HEAD"))
	e.gh.SetStatus(sha, forgetest.CommitStatus{Name: "argocd/staging", State: "pending"})
	e.gh.SetStatus(sha, forgetest.CommitStatus{Name: "argocd/staging", State: "success"})
	e.gh.SetStatus(sha, forgetest.CommitStatus{Name: "security", State: "error"})
	e.gh.SetStatus(sha, forgetest.CommitStatus{Name: "deploy", State: "pending"})
	e.gh.AddCheckRun(sha, forgetest.CheckRun{Name: "smoke", Status: "completed", Conclusion: "failure"})
	e.gh.AddCheckRun(sha, forgetest.CheckRun{Name: "smoke", Status: "completed", Conclusion: "success"}) // re-run
	e.gh.AddCheckRun(sha, forgetest.CheckRun{Name: "lint", Status: "completed", Conclusion: "timed_out"})
	e.gh.AddCheckRun(sha, forgetest.CheckRun{Name: "e2e", Status: "in_progress"})
	e.gh.AddCheckRun(sha, forgetest.CheckRun{Name: "docs", Status: "completed", Conclusion: "skipped"})
	want := map[string]forge.CheckState{
		"argocd/staging": forge.CheckSuccess, "security": forge.CheckFailure, "deploy": forge.CheckPending,
		"smoke": forge.CheckSuccess, "lint": forge.CheckFailure, "e2e": forge.CheckPending, "docs": forge.CheckSuccess,
	}
	forgetest.ExpectChecks(t, e.checkReader(), sha, want)
}

func TestChecksFollowPages(t *testing.T) {
	e := newEnv(t)
	sha := strings.TrimSpace(forgetest.Git(t, e.dir, "rev-parse", "HEAD"))
	for i := range 130 {
		e.gh.SetStatus(sha, forgetest.CommitStatus{Name: fmt.Sprintf("status-%03d", i), State: "success"})
		e.gh.AddCheckRun(sha, forgetest.CheckRun{Name: fmt.Sprintf("run-%03d", i), Status: "completed", Conclusion: "success"})
	}
	checks, err := e.checkReader().Checks(context.Background(), sha)
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 260 || checks[259].Name != "run-000" && checks[259].Name != "run-129" {
		t.Fatalf("read %d checks, want 260 over two pages of each endpoint", len(checks))
	}
	var pages int
	for _, r := range e.gh.Requests() {
		if strings.Contains(r.Path, "/commits/"+sha+"/") {
			pages++
		}
	}
	if pages != 4 {
		t.Errorf("%d requests, want 2 pages of statuses and 2 of check runs", pages)
	}
}

// TestChecksGateHoldsRun runs a promotion into an environment with
// requireChecks: refused while a check is missing, pending or failed on
// staging's commit, proposed once it passed (on a later commit too).
func TestChecksGateHoldsRun(t *testing.T) {
	e := newEnv(t)
	files := forgetest.GitOpsFiles()
	files["promote.yaml"] = strings.Replace(files["promote.yaml"], "    from: staging\n", "    from: staging\n    requireChecks: [smoke, argocd/staging]\n", 1)
	e.git.Commit(t, repoPath, "main", "prod requires checks", map[string]string{"promote.yaml": files["promote.yaml"]})
	staging := strings.TrimSpace(forgetest.Git(t, e.git.Dir(repoPath), "rev-parse", "main~1"))
	tip := strings.TrimSpace(forgetest.Git(t, e.git.Dir(repoPath), "rev-parse", "main"))
	run := func() (*proposal.Result, error) {
		ws, repo := forgetest.Workspace(t, e.dir)
		fg, err := connect.Open(repo, connect.Options{Forge: "auto", Getenv: func(k string) string { return e.vars[k] }, Stderr: &e.stderr, Retry: retry.Policy{Sleep: e.sleep}})
		if err != nil {
			t.Fatal(err)
		}
		cr, _ := connect.Checks(fg)
		src := review.Sources{Now: time.Now, Workspace: ws, Checks: cr}
		ctx := context.Background()
		return proposal.Run(ctx, proposal.Options{Workspace: ws, Plan: review.Policy(ctx, proposal.Promotion(promote.Request{To: "prod"}), src, ""), Base: "main", Forge: fg})
	}
	refused := func(state promote.GateState, detail string) {
		t.Helper()
		_, err := run()
		var pe *promote.PolicyError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), detail) || pe.Waiting() != (state == promote.GateWaiting) {
			t.Fatalf("got %v, want refused (%s): %s", err, state, detail)
		}
		if len(e.gh.Pulls()) != 0 {
			t.Fatal("a pull request was opened while the checks gate held")
		}
	}
	short := staging[:12]
	refused(promote.GateWaiting, "checks of staging: smoke has not reported on "+short+" or a later commit; argocd/staging has not reported on "+short)
	e.gh.AddCheckRun(staging, forgetest.CheckRun{Name: "smoke", Status: "in_progress"})
	e.gh.SetStatus(staging, forgetest.CommitStatus{Name: "argocd/staging", State: "failure"})
	refused(promote.GateBlocked, "argocd/staging failed on "+short+"; smoke is pending on "+short)
	e.gh.AddCheckRun(staging, forgetest.CheckRun{Name: "smoke", Status: "completed", Conclusion: "success"})
	// Argo CD synced again and reported on the later commit.
	e.gh.SetStatus(tip, forgetest.CommitStatus{Name: "argocd/staging", State: "success"})
	res, err := run()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Body, "| checks | ✅ passed | smoke, argocd/staging passed on staging |") {
		t.Errorf("body lacks the passed checks gate:\n%s", res.Body)
	}
}

// TestSoakDeepensAShallowClone: in a depth-1 checkout, run fetches more
// of the history through the forge until it reaches the commit that
// brought each value, instead of counting the value as soaked.
func TestSoakDeepensAShallowClone(t *testing.T) {
	e := newEnv(t)
	files := forgetest.GitOpsFiles()
	files["promote.yaml"] = strings.Replace(files["promote.yaml"], "    from: staging\n", "    from: staging\n    requireSoak: 24h\n", 1)
	e.git.Commit(t, repoPath, "main", "prod requires a day in staging", map[string]string{"promote.yaml": files["promote.yaml"]})
	for i := range 3 {
		e.git.Commit(t, repoPath, "main", "docs", map[string]string{fmt.Sprintf("docs/%d.md", i): "x"})
	}
	dir := t.TempDir()
	forgetest.Git(t, dir, "clone", "-q", "--depth", "1", "file://"+e.git.Dir(repoPath), ".")
	forgetest.Git(t, dir, "remote", "set-url", "origin", e.git.RepoURL(repoPath))
	ws, repo := forgetest.Workspace(t, dir)
	fg, err := connect.Open(repo, connect.Options{Forge: "auto", Getenv: func(k string) string { return e.vars[k] }, Stderr: &e.stderr, Retry: retry.Policy{Sleep: e.sleep}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	later := func() time.Time { return time.Now().AddDate(1, 0, 0) } // everything has soaked
	run := func(src review.Sources) (*proposal.Result, error) {
		return proposal.Run(ctx, proposal.Options{Workspace: ws, Plan: review.Policy(ctx, proposal.Promotion(promote.Request{To: "prod"}), src, ""), Base: "main", Forge: fg})
	}
	// Without a way to deepen, the soak time cannot be measured.
	_, err = run(review.Sources{Now: later, Workspace: ws})
	if err == nil || !strings.Contains(err.Error(), "soak time of staging cannot be measured: the history stops at commit") {
		t.Fatalf("got %v, want the shallow clone named", err)
	}
	res, err := run(review.Sources{Now: later, Workspace: ws, Deepen: proposal.Deepener(ctx, fg)})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if !strings.Contains(res.Body, "| soak | ✅ passed | ghcr.io/acme/web 1.4.2: 87") || !strings.Contains(res.Body, "h of 24h in staging") {
		t.Errorf("body lacks the soak time measured from the deepened history:\n%s", res.Body)
	}
}
