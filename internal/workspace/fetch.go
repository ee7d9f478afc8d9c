package workspace

import (
	"context"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/promote"
)

// FetchBranches fetches the branches of cfg's branch environments from
// origin into origin/<branch> (see Fetch), authenticated as auth says
// for the repository; without such environments (or cfg) nothing is
// fetched and auth is not asked.
func (w *Workspace) FetchBranches(ctx context.Context, cfg *promote.Config, auth func(context.Context, *gitrepo.Repo) (transport.AuthMethod, error)) error {
	if cfg == nil {
		return nil
	}
	branches := Branches(cfg)
	if len(branches) == 0 {
		return nil
	}
	repo, err := w.Repo()
	if err != nil {
		return err
	}
	a, err := auth(ctx, repo)
	if err != nil {
		return fmt.Errorf("--fetch: %w", err)
	}
	return w.Fetch(ctx, branches, a)
}
