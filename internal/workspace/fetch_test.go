package workspace

import (
	"context"
	"errors"
	"os/exec"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/promote"
)

// TestFetchBranchesAsksForCredentialsOnlyWhenItFetches: without branch
// environments nothing is fetched and no credentials are looked up; a
// failure to find them names --fetch.
func TestFetchBranchesAsksForCredentialsOnlyWhenItFetches(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	w := &Workspace{Dir: dir, start: dir}
	asked := 0
	auth := func(context.Context, *gitrepo.Repo) (transport.AuthMethod, error) {
		asked++
		return nil, errors.New("no origin remote")
	}
	dirs := &promote.Config{Environments: []promote.Environment{{Name: "dev", Path: "envs/dev"}}}
	for _, cfg := range []*promote.Config{nil, dirs} {
		if err := w.FetchBranches(context.Background(), cfg, auth); err != nil || asked != 0 {
			t.Errorf("no branch environments: %v, credentials asked %d times", err, asked)
		}
	}
	branches := &promote.Config{Environments: []promote.Environment{{Name: "prod", Branch: "env/prod"}}}
	if err := w.FetchBranches(context.Background(), branches, auth); err == nil || err.Error() != "--fetch: no origin remote" || asked != 1 {
		t.Errorf("credentials failing: %v (asked %d times)", err, asked)
	}
}
