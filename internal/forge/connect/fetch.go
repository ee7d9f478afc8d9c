package connect

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"

	ghforge "github.com/gitops-promote/promote/internal/forge/github"
	"github.com/gitops-promote/promote/internal/forge/remote"
	"github.com/gitops-promote/promote/internal/gitrepo"
)

// ErrNoOrigin is returned by FetchAuth for a repository without an
// origin remote.
var ErrNoOrigin = errors.New("the repository has no origin remote")

// FetchAuth authenticates fetches from repo's origin (the branches of
// branch environments) with the token the forge would use: GITHUB_TOKEN,
// GH_TOKEN or a GitHub App on GitHub, GITLAB_TOKEN on GitLab. For an
// origin whose forge cannot be told, GITHUB_TOKEN or GH_TOKEN is sent,
// else GITLAB_TOKEN (first for hosts named like GitLab). It is nil,
// anonymous, without a token, and for ssh and local remotes (which use
// git's own authentication).
func FetchAuth(ctx context.Context, repo *gitrepo.Repo, o Options) (transport.AuthMethod, error) {
	loc, err := origin(repo)
	if err != nil {
		return nil, err
	}
	if loc == nil {
		return nil, ErrNoOrigin
	}
	if loc.Scheme != "https" && loc.Scheme != "http" {
		return nil, nil
	}
	creds, err := fetchCredentials(loc, o)
	if err != nil || creds.Token == nil {
		return nil, err
	}
	return creds.Auth(ctx, *loc)
}

// fetchCredentials picks the token for loc's forge.
func fetchCredentials(loc *remote.Location, o Options) (remote.Credentials, error) {
	kind := o.Forge
	if kind == "" || kind == "auto" {
		kind, _ = remote.Detect(loc, o.getenv, o.GitLabURL) // "" when it cannot tell
	}
	gh, gl := envToken(o, "GITHUB_TOKEN", "GH_TOKEN"), envToken(o, "GITLAB_TOKEN")
	app := first(o.AppID, o.getenv("GITHUB_APP_ID")) != ""
	switch {
	case kind == remote.GitHub && (gh != "" || app):
		owner, name, err := remote.SplitRepo(first(o.Repo, loc.Path))
		if err != nil {
			return remote.Credentials{}, fmt.Errorf("--repo or origin remote: %w", err)
		}
		tok, err := githubToken(o, newWiring(loc, o), ghforge.APIURL(o.getenv, loc.Host), owner, name)
		return remote.Credentials{Username: githubUser, Token: tok}, err
	case kind == remote.GitLab && gl != "",
		kind == "" && gl != "" && (gh == "" || strings.Contains(loc.Hostname(), "gitlab")):
		return remote.Credentials{Username: gitlabUser, Token: ghforge.StaticToken(gl)}, nil
	case kind == "" && gh != "":
		return remote.Credentials{Username: githubUser, Token: ghforge.StaticToken(gh)}, nil
	}
	return remote.Credentials{}, nil
}

// envToken is the first of the variables that is set, trimmed.
func envToken(o Options, keys ...string) string {
	for _, k := range keys {
		if tok := strings.TrimSpace(o.getenv(k)); tok != "" {
			return tok
		}
	}
	return ""
}
