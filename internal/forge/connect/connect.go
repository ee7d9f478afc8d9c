package connect

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"

	"github.com/gitops-promote/promote/internal/forge"
	ghforge "github.com/gitops-promote/promote/internal/forge/github"
	glforge "github.com/gitops-promote/promote/internal/forge/gitlab"
	"github.com/gitops-promote/promote/internal/forge/remote"
	"github.com/gitops-promote/promote/internal/forge/retry"
	"github.com/gitops-promote/promote/internal/forge/secret"
	"github.com/gitops-promote/promote/internal/gitrepo"
)

// Options are the flags and environment that choose and reach a forge.
type Options struct {
	// Forge is auto (or empty), local, github, gitlab or gitea.
	Forge string
	// Repo names the repository instead of the origin URL: owner/name on
	// GitHub and Gitea, the project path on GitLab.
	Repo string
	// GitLabURL is the GitLab instance, with the path it is served under
	// (default GITLAB_URL, CI_SERVER_URL, else the origin's host).
	GitLabURL string
	// GiteaURL is the Gitea or Forgejo server, with the path it is
	// served under (default GITEA_URL, else the origin's host).
	GiteaURL string
	// AppID, AppKeyFile and AppInstallation authenticate as a GitHub App
	// (defaults GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY_FILE or
	// GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID).
	AppID, AppKeyFile, AppInstallation string
	// SSHKey is a private key file for ssh remotes.
	SSHKey string
	// APICommits (GitHub only) creates promotion commits through GitHub's
	// API instead of pushing them: with a GitHub App installation token
	// GitHub signs them and marks them verified.
	APICommits bool
	// Getenv reads the environment.
	Getenv func(string) string
	// Stderr receives notes, retries and (with Progress) git's progress.
	Stderr io.Writer
	// Progress shows git's progress on Stderr (it is a terminal).
	Progress bool
	// Retry is the retry policy; the zero value is the default.
	Retry retry.Policy
	// Transport sends HTTP requests; nil uses http.DefaultTransport.
	Transport http.RoundTripper
	// RequestTimeout bounds each HTTP request, API calls and git's
	// smart-HTTP requests alike, reading the answer included; a request
	// that runs out of time is retried. Zero leaves requests bounded by
	// the run's context only.
	RequestTimeout time.Duration
}

func (o *Options) getenv(k string) string {
	if o.Getenv == nil {
		return os.Getenv(k)
	}
	return o.Getenv(k)
}

// Open returns the forge o names (or detects) for repo.
func Open(repo *gitrepo.Repo, o Options) (forge.Forge, error) {
	loc, err := origin(repo)
	if err != nil {
		return nil, err
	}
	var k Kind
	if o.Forge == "" || o.Forge == "auto" {
		k, err = Detect(loc, o)
	} else {
		k, err = Lookup(o.Forge)
	}
	if err != nil {
		return nil, err
	}
	if o.APICommits && k.Name != "github" {
		return nil, fmt.Errorf("--github-api-commits: only with --forge github (this is %s)", k.Name)
	}
	return k.Open(k, repo, loc, o)
}

// origin reads the origin remote's URL; nil when there is none.
func origin(repo *gitrepo.Repo) (*remote.Location, error) {
	r, err := repo.Git().Remote("origin")
	if errors.Is(err, git.ErrRemoteNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the origin remote: %w", err)
	}
	urls := r.Config().URLs
	if len(urls) == 0 {
		return nil, nil
	}
	loc, err := remote.Parse(urls[len(urls)-1])
	if err != nil {
		return nil, fmt.Errorf("origin remote: %w", err)
	}
	return &loc, nil
}

// needRemote explains that a forge needs an origin it can push to.
func needRemote(kind string, loc *remote.Location) error {
	if loc == nil {
		return fmt.Errorf("--forge %s pushes the promotion branch to the origin remote, and this repository has none: add it with git remote add origin URL (or use --forge local)", kind)
	}
	if loc.Local() {
		return fmt.Errorf("--forge %s: origin is a path on this machine (%s), not a %s repository", kind, loc.URL, kind)
	}
	return nil
}

// wiring holds what both forges build the same way.
type wiring struct {
	secrets *secret.Set
	notify  func(string)
	http    http.RoundTripper
	policy  retry.Policy
}

func newWiring(loc *remote.Location, o Options) *wiring {
	p := &wiring{secrets: &secret.Set{}}
	p.secrets.Add(loc.Secret)
	stderr := o.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	p.notify = func(msg string) { fmt.Fprintf(stderr, "promote: %s\n", p.secrets.Redact(msg)) }
	p.policy = o.Retry
	if p.policy.Notify == nil {
		p.policy.Notify = p.notify
	}
	p.http = &retry.Transport{Policy: p.policy, Next: o.Transport, Timeout: o.RequestTimeout}
	return p
}

// remote builds origin's Remote.
func (p *wiring) remote(repo *gitrepo.Repo, loc *remote.Location, o Options, creds remote.Credentials) *remote.Remote {
	creds.SSHKeyFile = o.SSHKey
	creds.Getenv = o.getenv
	r := &remote.Remote{Repo: repo, Loc: *loc, Creds: creds, HTTP: &http.Client{Transport: p.http}, Retry: p.policy}
	if o.Progress && o.Stderr != nil {
		r.Progress = p.secrets.Writer(o.Stderr)
	}
	return r
}

func openGitHub(k Kind, repo *gitrepo.Repo, loc *remote.Location, o Options) (forge.Forge, error) {
	if err := needRemote(k.Name, loc); err != nil {
		return nil, err
	}
	path := o.Repo
	if path == "" {
		path = loc.Path
	}
	owner, name, err := remote.SplitRepo(path)
	if err != nil {
		return nil, fmt.Errorf("--repo or origin remote: %w", err)
	}
	p := newWiring(loc, o)
	api := ghforge.APIURL(o.getenv, loc.Host)
	token, err := k.token(loc, o, p)
	if err != nil {
		return nil, err
	}
	if token == nil {
		return nil, errors.New("--forge github needs a token: set GITHUB_TOKEN or GH_TOKEN (contents: write and pull-requests: write), or --github-app-id and --github-app-key for a GitHub App")
	}
	hc := ghforge.AuthClient(token, p.http)
	client, err := ghforge.NewClient(api, hc)
	if err != nil {
		return nil, err
	}
	f := ghforge.New(ghforge.Forge{
		Owner: owner, Repo: name, API: client, HTTP: hc,
		GraphQL: ghforge.GraphQLURL(o.getenv, api),
		Remote:  p.remote(repo, loc, o, remote.Credentials{Username: k.TokenUser, Token: token}),
	}, p.notify)
	if o.APICommits {
		f.Remote.Writer = ghforge.APIWriter{F: f}
	}
	return &redacting{Forge: f, fetcher: f, secrets: p.secrets}, nil
}

// githubAppToken is the token of a GitHub App installation when an app
// id is given (--github-app-id, GITHUB_APP_ID), nil otherwise.
func githubAppToken(loc *remote.Location, o Options, p *wiring) (ghforge.TokenFunc, error) {
	appID := first(o.AppID, o.getenv("GITHUB_APP_ID"))
	if appID == "" {
		return nil, nil
	}
	owner, name, err := remote.SplitRepo(first(o.Repo, loc.Path))
	if err != nil {
		return nil, fmt.Errorf("--repo or origin remote: %w", err)
	}
	return githubApp(o, p, appID, ghforge.APIURL(o.getenv, loc.Host), owner, name)
}

func githubApp(o Options, p *wiring, appID, api, owner, name string) (ghforge.TokenFunc, error) {
	id, err := strconv.ParseInt(appID, 10, 64)
	if err != nil || id <= 0 {
		return nil, fmt.Errorf("--github-app-id %q: expected the app's numeric id", appID)
	}
	pem, err := appKey(o)
	if err != nil {
		return nil, err
	}
	key, err := ghforge.ParseAppKey(pem)
	if err != nil {
		return nil, fmt.Errorf("github app private key: %w", err)
	}
	app := &ghforge.App{ID: id, Key: key, Owner: owner, Repo: name, APIURL: api, HTTP: p.http, OnToken: func(t string) { p.secrets.Add(t) }}
	if inst := first(o.AppInstallation, o.getenv("GITHUB_APP_INSTALLATION_ID")); inst != "" {
		if app.Installation, err = strconv.ParseInt(inst, 10, 64); err != nil {
			return nil, fmt.Errorf("--github-app-installation %q: expected a numeric id", inst)
		}
	}
	return app.Token, nil
}

// appKey reads the app's private key from --github-app-key,
// GITHUB_APP_PRIVATE_KEY_FILE or GITHUB_APP_PRIVATE_KEY (the PEM itself).
func appKey(o Options) ([]byte, error) {
	if file := first(o.AppKeyFile, o.getenv("GITHUB_APP_PRIVATE_KEY_FILE")); file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("github app private key: %w", err)
		}
		return data, nil
	}
	if pem := o.getenv("GITHUB_APP_PRIVATE_KEY"); pem != "" {
		return []byte(pem), nil
	}
	return nil, errors.New("--github-app-id needs the app's private key: pass --github-app-key FILE or set GITHUB_APP_PRIVATE_KEY_FILE or GITHUB_APP_PRIVATE_KEY")
}

func openGitLab(k Kind, repo *gitrepo.Repo, loc *remote.Location, o Options) (forge.Forge, error) {
	if err := needRemote(k.Name, loc); err != nil {
		return nil, err
	}
	token := envToken(o, k.TokenEnv...)
	if token == "" {
		return nil, errors.New("--forge gitlab needs a token: set GITLAB_TOKEN (a project or personal access token with the api scope)")
	}
	p := newWiring(loc, o)
	p.secrets.Add(token)
	base := gitlabBase(loc, o)
	api := first(o.getenv("CI_API_V4_URL"), base)
	client, err := glforge.NewClient(api, token, &http.Client{Transport: p.http})
	if err != nil {
		return nil, err
	}
	f := glforge.New(glforge.Forge{
		Project: gitlabProject(loc, o, base), API: client, Sleep: o.Retry.Sleep,
		Remote: p.remote(repo, loc, o, remote.Credentials{Username: k.TokenUser, Token: ghforge.StaticToken(token)}),
	}, p.notify)
	return &redacting{Forge: f, fetcher: f, secrets: p.secrets}, nil
}

// gitlabBase is the instance's URL, with the path it is served under:
// --gitlab-url, GITLAB_URL, CI_SERVER_URL, else from origin.
func gitlabBase(loc *remote.Location, o Options) string {
	return strings.TrimSuffix(first(o.GitLabURL, o.getenv("GITLAB_URL"), o.getenv("CI_SERVER_URL"), originServer(loc, o.Repo)), "/")
}

// gitlabProject is the project's path (or numeric id): --repo, inside
// GitLab CI CI_PROJECT_PATH or CI_PROJECT_ID, else the origin's path
// without the path the instance is served under (https://host/gitlab/
// acme/shop.git on https://host/gitlab is acme/shop).
func gitlabProject(loc *remote.Location, o Options, base string) string {
	if o.Repo != "" {
		return o.Repo
	}
	if o.getenv("GITLAB_CI") == "true" {
		if p := first(o.getenv("CI_PROJECT_PATH"), o.getenv("CI_PROJECT_ID")); p != "" {
			return p
		}
	}
	return stripRoot(loc.Path, base)
}

// gitlabURL guesses the instance from the remote: its scheme and host for
// http(s), https and the host name for ssh.
func gitlabURL(loc *remote.Location) string {
	if loc.Scheme == "http" || loc.Scheme == "https" {
		return loc.Scheme + "://" + loc.Host
	}
	return "https://" + loc.Hostname()
}

func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
