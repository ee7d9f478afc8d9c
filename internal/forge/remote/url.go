package remote

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
)

// Location is where the origin repository lives.
type Location struct {
	// URL is the remote URL without credentials (safe to print).
	URL string
	// Scheme is https, http, ssh or file.
	Scheme string
	// Host is the host, with the port when the URL names one.
	Host string
	// Path is the repository's path on the host without a leading slash
	// or trailing .git: owner/repo on GitHub, group/subgroup/project on
	// GitLab.
	Path string
	// User is the user of an ssh URL (usually git).
	User string
	// Secret is a password or token embedded in the URL, kept only so
	// that it can be redacted from messages; it is never used.
	Secret string
}

// Hostname is Host without the port.
func (l Location) Hostname() string {
	if h, _, ok := strings.Cut(l.Host, ":"); ok && !strings.HasPrefix(l.Host, "[") {
		return h
	}
	return strings.Trim(l.Host, "[]")
}

// Local reports whether the remote is a path on this machine rather than
// a forge.
func (l Location) Local() bool { return l.Scheme == "file" }

// OwnerRepo splits a GitHub path into owner and repository name.
func (l Location) OwnerRepo() (string, string, error) {
	return SplitRepo(l.Path)
}

// SplitRepo splits "owner/name" into its two parts.
func SplitRepo(p string) (string, string, error) {
	owner, name, ok := strings.Cut(p, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", "", fmt.Errorf("%q is not a GitHub repository: expected owner/name", p)
	}
	return owner, name, nil
}

// Parse reads a remote URL in any form git accepts for a forge:
// https://host/owner/repo.git, ssh://git@host:22/owner/repo.git,
// git@host:owner/repo.git, or a local path or file:// URL.
func Parse(raw string) (Location, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return Location{}, errors.New("empty remote URL")
	case strings.Contains(raw, "://"):
		return parseURL(raw)
	case isSCP(raw):
		return parseSCP(raw)
	}
	return Location{URL: raw, Scheme: "file", Path: raw}, nil
}

// isSCP reports whether raw is git's scp-like syntax, user@host:path: a
// colon before any slash, and not a Windows drive letter.
func isSCP(raw string) bool {
	colon := strings.Index(raw, ":")
	slash := strings.Index(raw, "/")
	return colon > 1 && (slash < 0 || colon < slash)
}

func parseSCP(raw string) (Location, error) {
	userHost, p, _ := strings.Cut(raw, ":")
	user, host, ok := strings.Cut(userHost, "@")
	if !ok {
		user, host = "", userHost
	}
	loc := Location{URL: raw, Scheme: "ssh", Host: host, User: user, Path: cleanRepoPath(p)}
	return loc, loc.check(raw)
}

func parseURL(raw string) (Location, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Location{}, fmt.Errorf("remote URL: %w", redactURLError(err))
	}
	loc := Location{Scheme: strings.ToLower(u.Scheme), Host: u.Host, Path: cleanRepoPath(u.Path)}
	switch loc.Scheme {
	case "file":
		loc.Path = u.Path
		loc.URL = raw
		return loc, nil
	case "ssh", "git+ssh", "ssh+git":
		loc.Scheme = "ssh"
		loc.User = u.User.Username()
	case "http", "https":
		if u.User != nil {
			loc.Secret, _ = u.User.Password()
			if loc.Secret == "" {
				loc.Secret = u.User.Username()
			}
		}
	default:
		return Location{}, fmt.Errorf("remote URL %s://%s/...: unsupported scheme %q: expected https, http or ssh", u.Scheme, u.Host, u.Scheme)
	}
	if loc.Scheme != "ssh" {
		u.User = nil
	}
	loc.URL = u.String()
	return loc, loc.check(loc.URL)
}

// check rejects URLs without a host or repository path.
func (l Location) check(shown string) error {
	if l.Host == "" || l.Path == "" || l.Path == "." {
		return fmt.Errorf("remote URL %s: expected a host and a repository path", shown)
	}
	return nil
}

// cleanRepoPath turns "/owner/repo.git/" into "owner/repo".
func cleanRepoPath(p string) string {
	p = strings.Trim(path.Clean("/"+p), "/")
	return strings.TrimSuffix(p, ".git")
}

// redactURLError drops the URL (which may hold a password) from
// url.Parse's error.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
