package connect

import (
	"context"
	"errors"
	"slices"
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
// branch environments) with the token the forge would use (its row's
// TokenEnv, or a GitHub App): GITHUB_TOKEN, GH_TOKEN or the app on
// GitHub, GITLAB_TOKEN on GitLab. For an origin whose forge cannot be
// told, the first token set is sent, the forge named in the host's name
// first. It is nil,
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

// FetchAuth is FetchAuth with o: as a method value it authenticates
// workspace.FetchBranches.
func (o Options) FetchAuth(ctx context.Context, repo *gitrepo.Repo) (transport.AuthMethod, error) {
	return FetchAuth(ctx, repo, o)
}

// fetchCredentials picks the token of loc's forge; for an origin whose
// forge cannot be told, the first row with a token set, rows named in
// the host's name first.
func fetchCredentials(loc *remote.Location, o Options) (remote.Credentials, error) {
	var k Kind
	var err error
	if o.Forge == "" || o.Forge == "auto" {
		k, err = Detect(loc, o)
	} else {
		k, err = Lookup(o.Forge)
	}
	if err == nil {
		tok, err := k.token(loc, o, newWiring(loc, o))
		return remote.Credentials{Username: k.TokenUser, Token: tok}, err
	}
	rows := slices.Clone(Kinds)
	slices.SortStableFunc(rows, func(a, b Kind) int {
		return cmpBool(strings.Contains(loc.Hostname(), b.Name), strings.Contains(loc.Hostname(), a.Name))
	})
	for _, k := range rows {
		if tok := envToken(o, k.TokenEnv...); tok != "" {
			return remote.Credentials{Username: k.TokenUser, Token: ghforge.StaticToken(tok)}, nil
		}
	}
	return remote.Credentials{}, nil
}

// cmpBool orders true before false.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
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
