package connect

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	ghforge "github.com/gitops-promote/promote/internal/forge/github"

	"github.com/gitops-promote/promote/internal/forge"
	gtforge "github.com/gitops-promote/promote/internal/forge/gitea"
	"github.com/gitops-promote/promote/internal/forge/remote"
	"github.com/gitops-promote/promote/internal/gitrepo"
)

// giteaURL is the Gitea server named by the flag or the environment:
// --gitea-url, GITEA_URL, then the server URL Gitea and Forgejo Actions
// set; "" when none is.
func (o *Options) giteaURL() string {
	return strings.TrimSuffix(first(o.GiteaURL, o.getenv("GITEA_URL"), o.getenv("GITEA_SERVER_URL"), o.getenv("FORGEJO_SERVER_URL")), "/")
}

func openGitea(repo *gitrepo.Repo, loc *remote.Location, o Options) (forge.Forge, error) {
	if err := needRemote(remote.Gitea, loc); err != nil {
		return nil, err
	}
	token := strings.TrimSpace(first(o.getenv("GITEA_TOKEN"), o.getenv("FORGEJO_TOKEN")))
	if token == "" {
		return nil, errors.New("--forge gitea needs a token: set GITEA_TOKEN (an access token with the repository and issue scopes, read and write)")
	}
	p := newWiring(loc, o)
	p.secrets.Add(token)
	base := first(o.giteaURL(), originServer(loc, o.Repo))
	path := first(o.Repo, stripRoot(loc.Path, base))
	owner, name, err := remote.SplitRepo(path)
	if err != nil {
		return nil, fmt.Errorf("--repo or origin remote: %q is not a Gitea repository (owner/name) on %s: a server served under a path needs --gitea-url or GITEA_URL (e.g. https://host/gitea)", path, base)
	}
	f := &gtforge.Forge{
		Owner: owner, Repo: name, URL: base, Token: token, HTTP: &http.Client{Transport: p.http}, Notify: p.notify,
		Remote: p.remote(repo, loc, o, remote.Credentials{Username: "oauth2", Token: ghforge.StaticToken(token)}),
	}
	return &redacting{Forge: f, fetcher: f, secrets: p.secrets}, nil
}

// originServer guesses the server's URL from origin: its scheme and host,
// and, when repo (--repo, or the repository a webhook names) is given and
// origin's path holds more before it, that path too (a server under a
// path: https://host/gitea/acme/shop.git for acme/shop).
func originServer(loc *remote.Location, repo string) string {
	base := gitlabURL(loc)
	if repo != "" {
		if prefix, ok := strings.CutSuffix(loc.Path, "/"+repo); ok && prefix != "" && loc.Scheme != "ssh" {
			base += "/" + prefix
		}
	}
	return base
}

// stripRoot removes the path a server is served under (base's path) from
// a repository path: gitea/acme/shop on https://host/gitea is acme/shop.
func stripRoot(path, base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return path
	}
	if root := strings.Trim(u.Path, "/"); root != "" {
		if rest, ok := strings.CutPrefix(path, root+"/"); ok {
			return rest
		}
	}
	return path
}
