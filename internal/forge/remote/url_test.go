package remote

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		raw                          string
		scheme, host, path, url, sec string
	}{
		{"https://github.com/acme/gitops.git", "https", "github.com", "acme/gitops", "https://github.com/acme/gitops.git", ""},
		{"https://github.com/acme/gitops/", "https", "github.com", "acme/gitops", "https://github.com/acme/gitops/", ""},
		{"https://x-access-token:ghs_SECRET123@github.com/acme/gitops", "https", "github.com", "acme/gitops", "https://github.com/acme/gitops", "ghs_SECRET123"},
		{"https://gitlab-ci-token:glcbt-SECRET9@gitlab.example.com/g/sub/proj.git", "https", "gitlab.example.com", "g/sub/proj", "https://gitlab.example.com/g/sub/proj.git", "glcbt-SECRET9"},
		{"http://127.0.0.1:8080/acme/gitops.git", "http", "127.0.0.1:8080", "acme/gitops", "http://127.0.0.1:8080/acme/gitops.git", ""},
		{"git@github.com:acme/gitops.git", "ssh", "github.com", "acme/gitops", "git@github.com:acme/gitops.git", ""},
		{"ssh://git@gitlab.com:2222/g/proj.git", "ssh", "gitlab.com:2222", "g/proj", "ssh://git@gitlab.com:2222/g/proj.git", ""},
		{"/srv/git/gitops.git", "file", "", "/srv/git/gitops.git", "/srv/git/gitops.git", ""},
		{"file:///srv/git/gitops.git", "file", "", "/srv/git/gitops.git", "file:///srv/git/gitops.git", ""},
		{"../gitops", "file", "", "../gitops", "../gitops", ""},
	}
	for _, c := range cases {
		loc, err := Parse(c.raw)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.raw, err)
			continue
		}
		if loc.Scheme != c.scheme || loc.Host != c.host || loc.Path != c.path || loc.URL != c.url || loc.Secret != c.sec {
			t.Errorf("Parse(%q) = %+v", c.raw, loc)
		}
	}
	for _, bad := range []string{"", "https://github.com/", "ftp://host/a/b", "https://user:p%zz@host/a/b"} {
		loc, err := Parse(bad)
		if err == nil {
			t.Errorf("Parse(%q) = %+v, want an error", bad, loc)
		}
		if err != nil && (contains(err.Error(), "p%zz")) {
			t.Errorf("Parse(%q): error shows the password: %v", bad, err)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
