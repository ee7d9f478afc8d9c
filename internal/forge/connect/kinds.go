package connect

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/gitops-promote/promote/internal/forge"
	gtforge "github.com/gitops-promote/promote/internal/forge/gitea"
	ghforge "github.com/gitops-promote/promote/internal/forge/github"
	glforge "github.com/gitops-promote/promote/internal/forge/gitlab"
	"github.com/gitops-promote/promote/internal/forge/local"
	"github.com/gitops-promote/promote/internal/forge/remote"
	"github.com/gitops-promote/promote/internal/gitrepo"
)

// Kind is one forge promote proposes through: its row in Kinds. Adding
// a forge is writing its adapter package (forge.Forge, forge.Commenter,
// forge.BaseFetcher, forge.BaseMover, a forge.Webhook) and adding its
// row here.
type Kind struct {
	// Name is the --forge value, the forge events name and the webhook
	// route (/webhook/<name>); Title names it in messages.
	Name, Title string
	// Host reports whether origin (loc, nil when there is none) is known
	// to be hosted by this forge: its public host, or the server URL its
	// CI or a flag names. CI reports whether promote runs in its CI,
	// which is asked only when no row knows the host. A host named
	// <name>.* is taken at its word last.
	Host func(loc *remote.Location, o *Options) bool
	CI   func(o *Options) bool
	// Preempt, when set, is asked before every row's Host: promote runs
	// in this forge's CI, which also sets another forge's variables (a
	// CI compatible with GitHub Actions). Fallback, when set, is asked
	// last, when no row knows the host.
	Preempt, Fallback func(o *Options) bool
	// Open builds the forge (of row k) for repo, whose origin is loc (nil
	// when there is none).
	Open func(k Kind, repo *gitrepo.Repo, loc *remote.Location, o Options) (forge.Forge, error)
	// TokenEnv are the variables that hold its token, the first set
	// wins; TokenUser is the user name that goes with it over HTTPS.
	TokenEnv  []string
	TokenUser string
	// Token, when set, finds the token instead of TokenEnv (a GitHub
	// App's installation tokens); nil means none is configured.
	Token func(loc *remote.Location, o Options, w *wiring) (ghforge.TokenFunc, error)
	// Webhook verifies and reads its webhook deliveries; nil when it has
	// none.
	Webhook *forge.Webhook
}

// Kinds are the forges, in the order detection tries them: a forge
// whose CI also sets another forge's variables (a CI compatible with
// GitHub Actions sets GITHUB_SERVER_URL and GITHUB_ACTIONS) comes before
// that forge, and its Host recognises its own CI.
var Kinds = []Kind{
	{
		Name: "local", Title: "local",
		Host: func(loc *remote.Location, _ *Options) bool { return loc == nil || loc.Local() },
		Open: func(_ Kind, repo *gitrepo.Repo, _ *remote.Location, _ Options) (forge.Forge, error) {
			return local.New(repo), nil
		},
	},
	{
		Name: "github", Title: "GitHub",
		Host: func(loc *remote.Location, o *Options) bool {
			return loc.Hostname() == "github.com" || sameHost(loc, o.getenv("GITHUB_SERVER_URL"))
		},
		CI:       func(o *Options) bool { return o.getenv("GITHUB_ACTIONS") == "true" },
		Open:     openGitHub,
		TokenEnv: []string{"GITHUB_TOKEN", "GH_TOKEN"}, TokenUser: "x-access-token",
		Token:   githubAppToken,
		Webhook: &ghforge.Webhook,
	},
	{
		Name: "gitlab", Title: "GitLab",
		Host: func(loc *remote.Location, o *Options) bool {
			return loc.Hostname() == "gitlab.com" || sameHost(loc, o.getenv("CI_SERVER_URL")) || sameHost(loc, first(o.GitLabURL, o.getenv("GITLAB_URL")))
		},
		CI:       func(o *Options) bool { return o.getenv("GITLAB_CI") == "true" },
		Open:     openGitLab,
		TokenEnv: []string{"GITLAB_TOKEN"}, TokenUser: "oauth2",
		Webhook: &glforge.Webhook,
	},
	{
		Name: "gitea", Title: "Gitea",
		Preempt: (*Options).inGiteaActions,
		Host: func(loc *remote.Location, o *Options) bool {
			h := loc.Hostname()
			return sameHost(loc, o.giteaURL()) || h == "codeberg.org" || strings.HasPrefix(h, "forgejo.")
		},
		Fallback: func(o *Options) bool {
			return o.getenv("GITEA_TOKEN") != "" && o.getenv("GITHUB_TOKEN") == "" && o.getenv("GH_TOKEN") == "" && o.getenv("GITLAB_TOKEN") == ""
		},
		Open:     openGitea,
		TokenEnv: []string{"GITEA_TOKEN", "FORGEJO_TOKEN"}, TokenUser: "oauth2",
		Token:   giteaActionsToken,
		Webhook: &gtforge.Webhook,
	},
}

// Lookup returns the row of the forge called name.
func Lookup(name string) (Kind, error) {
	for _, k := range Kinds {
		if k.Name == name {
			return k, nil
		}
	}
	return Kind{}, fmt.Errorf("--forge %q: unknown forge (available: %s)", name, strings.Join(Forges(), ", "))
}

// Forges lists the values --forge accepts: auto, then each row's name.
func Forges() []string {
	out := []string{"auto"}
	for _, k := range Kinds {
		out = append(out, k.Name)
	}
	return out
}

// Detect tells which forge hosts origin (loc, nil when there is none):
// the row that knows the host, else the row whose CI promote runs in,
// else the row whose name the host starts with.
func Detect(loc *remote.Location, o Options) (Kind, error) {
	for _, k := range Kinds {
		if k.Preempt != nil && k.Preempt(&o) && loc != nil && !loc.Local() {
			return k, nil
		}
	}
	for _, k := range Kinds {
		if k.Host(loc, &o) {
			return k, nil
		}
	}
	for _, k := range Kinds {
		if k.CI != nil && k.CI(&o) {
			return k, nil
		}
	}
	var flags []string
	for _, k := range Kinds {
		if k.Webhook == nil {
			continue
		}
		if strings.HasPrefix(loc.Hostname(), k.Name+".") {
			return k, nil
		}
		flags = append(flags, k.Name)
	}
	for _, k := range Kinds {
		if k.Fallback != nil && k.Fallback(&o) {
			return k, nil
		}
	}
	names := strings.Join(flags[:len(flags)-1], ", ")
	if names != "" {
		names += " or "
	}
	return Kind{}, fmt.Errorf("cannot tell which forge hosts origin (%s): pass --forge %s%s (or --forge local to keep the proposal in this repository)", loc.URL, names, flags[len(flags)-1])
}

// ParseEvent reads an event payload as promote chatops gets it: by the
// row named forgeName, else by the row whose CI promote runs in and that
// preempts others (getenv reads the CI's variables), else by the row
// whose webhook lists eventType,
// else by the first row with a webhook (whose parser ignores event types
// it does not know).
func ParseEvent(forgeName, eventType string, payload []byte, getenv func(string) string) (*forge.Event, error) {
	var hooks []*forge.Webhook
	for _, k := range Kinds {
		if k.Webhook == nil {
			continue
		}
		if k.Name == forgeName {
			return k.Webhook.Parse(eventType, payload)
		}
		hooks = append(hooks, k.Webhook)
	}
	for _, k := range Kinds {
		if k.Webhook != nil && k.Preempt != nil && k.Preempt(&Options{Getenv: getenv}) {
			return k.Webhook.Parse(eventType, payload)
		}
	}
	for _, h := range hooks {
		if slices.Contains(h.Events, eventType) {
			return h.Parse(eventType, payload)
		}
	}
	return hooks[0].Parse(eventType, payload)
}

// token is k's token for loc: its Token column, else the first of its
// TokenEnv that is set (added to w's secrets); nil when there is none.
func (k Kind) token(loc *remote.Location, o Options, w *wiring) (ghforge.TokenFunc, error) {
	if k.Token != nil {
		if tok, err := k.Token(loc, o, w); tok != nil || err != nil {
			return tok, err
		}
	}
	tok := envToken(o, k.TokenEnv...)
	if tok == "" {
		return nil, nil
	}
	w.secrets.Add(tok)
	return ghforge.StaticToken(tok), nil
}

// sameHost reports whether the server URL names loc's host: host and
// port for http(s) remotes, the host name alone for ssh ones.
func sameHost(loc *remote.Location, server string) bool {
	if server == "" {
		return false
	}
	u, err := url.Parse(server)
	if err != nil || u.Host == "" {
		return false
	}
	if loc.Scheme == "ssh" {
		return strings.EqualFold(u.Hostname(), loc.Hostname())
	}
	return strings.EqualFold(u.Host, loc.Host)
}
