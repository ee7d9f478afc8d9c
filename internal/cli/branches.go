package cli

import (
	"context"
	"fmt"
	"io/fs"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/forge/remote"
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
	auth, err := fetchAuth(ws, f.Getenv)
	if err != nil {
		return err
	}
	return ws.Fetch(ctx, branches, auth)
}

// fetchAuth authenticates fetches over HTTPS with GITHUB_TOKEN or
// GH_TOKEN (GITLAB_TOKEN for a GitLab host); other remotes need none or
// use the SSH agent.
func fetchAuth(ws *workspace.Workspace, getenv func(string) string) (transport.AuthMethod, error) {
	repo, err := ws.Repo()
	if err != nil {
		return nil, err
	}
	r, err := repo.Git().Remote(workspace.Remote)
	if err != nil || len(r.Config().URLs) == 0 {
		return nil, fmt.Errorf("--fetch: the repository has no %s remote", workspace.Remote)
	}
	loc, err := remote.Parse(r.Config().URLs[0])
	if err != nil || (loc.Scheme != "https" && loc.Scheme != "http") {
		return nil, nil
	}
	user, token := "x-access-token", getenv("GITHUB_TOKEN")
	if token == "" {
		token = getenv("GH_TOKEN")
	}
	if strings.Contains(loc.Hostname(), "gitlab") || token == "" {
		if t := getenv("GITLAB_TOKEN"); t != "" {
			user, token = "oauth2", t
		}
	}
	if t := getenv("GITEA_TOKEN"); t != "" && (token == "" || strings.Contains(loc.Hostname(), "gitea")) {
		user, token = "oauth2", t
	}
	if token == "" {
		return nil, nil
	}
	return &githttp.BasicAuth{Username: user, Password: token}, nil
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
