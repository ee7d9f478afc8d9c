package connect

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gitops-promote/promote/internal/forge"
	gtforge "github.com/gitops-promote/promote/internal/forge/gitea"
	ghforge "github.com/gitops-promote/promote/internal/forge/github"
	"github.com/gitops-promote/promote/internal/forge/remote"
	"github.com/gitops-promote/promote/internal/gitrepo"
)

// giteaURL is the Gitea server named by the flag or the environment:
// --gitea-url, GITEA_URL, then the server URL Gitea and Forgejo Actions
// set (FORGEJO_SERVER_URL, or GITHUB_SERVER_URL, which they set for
// compatibility); "" when none is.
func (o *Options) giteaURL() string {
	u := first(o.GiteaURL, o.getenv("GITEA_URL"), o.getenv("GITEA_SERVER_URL"), o.getenv("FORGEJO_SERVER_URL"))
	if u == "" && o.inGiteaActions() {
		u = o.getenv("GITHUB_SERVER_URL")
	}
	return strings.TrimSuffix(u, "/")
}

// inGiteaActions reports whether promote runs in Gitea or Forgejo
// Actions.
func (o *Options) inGiteaActions() bool {
	return o.getenv("GITEA_ACTIONS") == "true" || o.getenv("FORGEJO_ACTIONS") == "true"
}

// giteaToken is GITEA_TOKEN, else FORGEJO_TOKEN, else inside Gitea or
// Forgejo Actions the GITHUB_TOKEN they provide.
func (o *Options) giteaToken() string {
	t := first(o.getenv("GITEA_TOKEN"), o.getenv("FORGEJO_TOKEN"))
	if t == "" && o.inGiteaActions() {
		t = o.getenv("GITHUB_TOKEN")
	}
	return strings.TrimSpace(t)
}

func openGitea(k Kind, repo *gitrepo.Repo, loc *remote.Location, o Options) (forge.Forge, error) {
	if err := needRemote(k.Name, loc); err != nil {
		return nil, err
	}
	token := o.giteaToken()
	if token == "" {
		return nil, errors.New("--forge gitea needs a token: set GITEA_TOKEN (an access token with the repository and issue scopes, read and write)")
	}
	p := newWiring(loc, o)
	p.secrets.Add(token)
	repoName := o.Repo
	if repoName == "" && o.inGiteaActions() {
		repoName = o.getenv("GITHUB_REPOSITORY")
	}
	base := first(o.giteaURL(), originServer(loc, repoName))
	path := first(repoName, stripRoot(loc.Path, base))
	owner, name, err := remote.SplitRepo(path)
	if err != nil {
		return nil, fmt.Errorf("--repo or origin remote: %q is not a Gitea repository (owner/name) on %s: a server served under a path needs --gitea-url or GITEA_URL (e.g. https://host/gitea)", path, base)
	}
	f := gtforge.New(gtforge.Forge{
		Owner: owner, Repo: name, URL: base, Token: token, HTTP: &http.Client{Transport: p.http},
		Remote: p.remote(repo, loc, o, remote.Credentials{Username: "oauth2", Token: ghforge.StaticToken(token)}),
	}, p.notify)
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

// giteaActionsToken is, inside Gitea or Forgejo Actions, the
// GITHUB_TOKEN they provide when GITEA_TOKEN and FORGEJO_TOKEN are unset.
func giteaActionsToken(_ *remote.Location, o Options, w *wiring) (ghforge.TokenFunc, error) {
	tok := o.giteaToken()
	if tok == "" {
		return nil, nil
	}
	w.secrets.Add(tok)
	return ghforge.StaticToken(tok), nil
}
