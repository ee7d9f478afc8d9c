package gitlab_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
)

func (e *env) checkReader() forge.CheckReader {
	return forgetest.CheckReader(e.t, e.dir, func(k string) string { return e.vars[k] }, &e.stderr)
}

func TestChecksReadCommitStatuses(t *testing.T) {
	e := newEnv(t, "", nil)
	sha := strings.TrimSpace(forgetest.Git(t, e.dir, "rev-parse", "HEAD"))
	for _, s := range []forgetest.CommitStatus{
		{Name: "smoke", State: "running"},
		{Name: "smoke", State: "success"}, // the job finished
		{Name: "argocd/staging", State: "failed"},
		{Name: "flux/staging", State: "pending"},
		{Name: "lint", State: "failed", AllowFailure: true},
		{Name: "deploy", State: "manual"},
		{Name: "e2e", State: "canceled"},
	} {
		e.gl.SetStatus(sha, s)
	}
	want := map[string]forge.CheckState{
		"smoke": forge.CheckSuccess, "argocd/staging": forge.CheckFailure, "flux/staging": forge.CheckPending,
		"lint": forge.CheckSuccess, "deploy": forge.CheckPending, "e2e": forge.CheckFailure,
	}
	forgetest.ExpectChecks(t, e.checkReader(), sha, want)
}

func TestChecksFollowPages(t *testing.T) {
	e := newEnv(t, "", nil)
	sha := strings.TrimSpace(forgetest.Git(t, e.dir, "rev-parse", "HEAD"))
	for i := range 230 {
		e.gl.SetStatus(sha, forgetest.CommitStatus{Name: fmt.Sprintf("job-%03d", i), State: "success"})
	}
	checks, err := e.checkReader().Checks(context.Background(), sha)
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 230 || checks[229].Name != "job-229" {
		t.Fatalf("read %d statuses, want 230 over three pages", len(checks))
	}
	var pages int
	for _, r := range e.gl.Requests() {
		if strings.HasSuffix(r.Path, "/repository/commits/"+sha+"/statuses") {
			pages++
		}
	}
	if pages != 3 {
		t.Errorf("%d requests, want 3 pages of 100", pages)
	}
}
