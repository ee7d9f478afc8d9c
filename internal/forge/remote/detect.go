package remote

import (
	"fmt"
	"net/url"
	"strings"
)

// Forge names.
const (
	GitHub = "github"
	GitLab = "gitlab"
	Gitea  = "gitea"
	Local  = "local"
)

// Detect tells which forge hosts loc (nil when there is no origin
// remote): local without a remote or for a path on this machine; gitea
// inside Gitea or Forgejo Actions (GITEA_ACTIONS, FORGEJO_ACTIONS: they
// set GitHub's variables too, so they are asked first); github for
// github.com, the host of GITHUB_SERVER_URL, or inside GitHub Actions;
// gitlab for gitlab.com, the host of CI_SERVER_URL or gitlabURL, or
// inside GitLab CI; gitea for the host of giteaURL (GITEA_URL). Hosts
// named github.*, gitlab.*, gitea.*, forgejo.* and codeberg.org are
// taken at their word; last, GITEA_TOKEN without GitHub's or GitLab's
// token means gitea.
func Detect(loc *Location, getenv func(string) string, gitlabURL, giteaURL string) (string, error) {
	if loc == nil || loc.Local() {
		return Local, nil
	}
	host := loc.Hostname()
	switch {
	case getenv("GITEA_ACTIONS") == "true" || getenv("FORGEJO_ACTIONS") == "true":
		return Gitea, nil
	case host == "github.com" || sameHost(loc, getenv("GITHUB_SERVER_URL")):
		return GitHub, nil
	case host == "gitlab.com" || sameHost(loc, getenv("CI_SERVER_URL")) || sameHost(loc, gitlabURL):
		return GitLab, nil
	case sameHost(loc, giteaURL):
		return Gitea, nil
	case getenv("GITHUB_ACTIONS") == "true":
		return GitHub, nil
	case getenv("GITLAB_CI") == "true":
		return GitLab, nil
	case strings.HasPrefix(host, "github."):
		return GitHub, nil
	case strings.HasPrefix(host, "gitlab."):
		return GitLab, nil
	case strings.HasPrefix(host, "gitea.") || strings.HasPrefix(host, "forgejo.") || host == "codeberg.org":
		return Gitea, nil
	case getenv("GITEA_TOKEN") != "" && getenv("GITHUB_TOKEN") == "" && getenv("GH_TOKEN") == "" && getenv("GITLAB_TOKEN") == "":
		return Gitea, nil
	}
	return "", fmt.Errorf("cannot tell which forge hosts origin (%s): pass --forge github, gitlab or gitea (or --forge local to keep the proposal in this repository)", loc.URL)
}

// sameHost reports whether the server URL names loc's host: host and
// port for http(s) remotes, the host name alone for ssh ones.
func sameHost(loc *Location, server string) bool {
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
