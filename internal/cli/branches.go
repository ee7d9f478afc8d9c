package cli

import (
	"context"
	"fmt"
	"io/fs"

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

// configForFetch reads the configuration to learn which branches to
// fetch: from the working directory, or from the base branch's tip in a
// bare repository.
func configForFetch(f *Factory, base string) (*promote.Config, error) {
	ws, err := f.Workspace()
	if err != nil {
		return nil, err
	}
	if cfg, _, err := ws.Disk(); err == nil {
		return cfg, nil
	}
	repo, err := ws.Repo()
	if err != nil {
		return nil, err
	}
	tip, err := repo.Resolve(base)
	if err != nil {
		return nil, err
	}
	cfg, _, err := ws.AtCommit(tip)
	return cfg, err
}

// checkApplyTarget refuses to apply into a branch environment whose
// branch is not checked out: apply writes into the working directory.
func checkApplyTarget(cfg *promote.Config, tree fs.FS, req promote.Request) error {
	_, to, err := cfg.Edge(req.From, req.To)
	if err != nil || to.Branch == "" {
		return err
	}
	t, ok := tree.(*workspace.Tree)
	if ok && t.Current() == to.Branch {
		return nil
	}
	current := "no branch"
	if ok && t.Current() != "" {
		current = t.Current()
	}
	return fmt.Errorf("%s lives on branch %s, but the working directory has %s checked out and apply writes into it: check out %s first (git switch %s), or propose with run",
		to.Name, to.Branch, current, to.Branch, to.Branch)
}
