package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// addFetchFlag registers --fetch.
func addFetchFlag(cmd *cobra.Command, p *bool) {
	cmd.Flags().BoolVar(p, "fetch", false, "fetch the branches of branch environments (branch: in promote.yaml) from origin first; a missing local branch is read from origin/<branch>")
}

// fetchBranches fetches the environment branches of cfg into
// origin/<branch> when fetch is set.
func fetchBranches(ctx context.Context, f *Factory, cfg *promote.Config, fetch bool) error {
	if !fetch || cfg == nil {
		return nil
	}
	branches := workspace.Branches(cfg)
	if len(branches) == 0 {
		return nil
	}
	ws, err := f.Workspace()
	if err != nil {
		return err
	}
	repo, err := ws.Repo()
	if err != nil {
		return err
	}
	opts := f.ForgeOptions
	opts.Getenv = f.Getenv
	auth, err := connect.FetchAuth(ctx, repo, opts)
	if err != nil {
		return fmt.Errorf("--fetch: %w", err)
	}
	return ws.Fetch(ctx, branches, auth)
}
