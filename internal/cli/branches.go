package cli

import (
	"context"

	"github.com/spf13/cobra"

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
	ws, err := f.Workspace()
	if err != nil {
		return err
	}
	opts := f.ForgeOptions
	opts.Getenv = f.Getenv
	return ws.FetchBranches(ctx, cfg, opts.FetchAuth)
}
