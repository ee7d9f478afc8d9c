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
	Local  = "local"
)

// Detect tells which forge hosts loc (nil when there is no origin
// remote): local without a remote or for a path on this machine; github
// for github.com, the host of GITHUB_SERVER_URL, or inside GitHub Actions;
// gitlab for gitlab.com, the host of CI_SERVER_URL or gitlabURL, or inside
// GitLab CI. Hosts named github.* or gitlab.* are taken at their word.
func Detect(loc *Location, getenv func(string) string, gitlabURL string) (string, error) {
	if loc == nil || loc.Local() {
		return Local, nil
	}
	switch {
	case loc.Hostname() == "github.com" || sameHost(loc, getenv("GITHUB_SERVER_URL")):
		return GitHub, nil
	case loc.Hostname() == "gitlab.com" || sameHost(loc, getenv("CI_SERVER_URL")) || sameHost(loc, gitlabURL):
		return GitLab, nil
	case getenv("GITHUB_ACTIONS") == "true":
		return GitHub, nil
	case getenv("GITLAB_CI") == "true":
		return GitLab, nil
	case strings.HasPrefix(loc.Hostname(), "github."):
		return GitHub, nil
	case strings.HasPrefix(loc.Hostname(), "gitlab."):
		return GitLab, nil
	}
	return "", fmt.Errorf("cannot tell which forge hosts origin (%s): pass --forge github or --forge gitlab (or --forge local to keep the proposal in this repository)", loc.URL)
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
