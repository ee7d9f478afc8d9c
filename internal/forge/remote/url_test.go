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

func TestDetect(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	parse := func(raw string) *Location {
		loc, err := Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return &loc
	}
	cases := []struct {
		name   string
		loc    *Location
		getenv func(string) string
		gitlab string
		want   string
	}{
		{"no remote", nil, env("GITHUB_ACTIONS", "true"), "", Local},
		{"path remote", parse("/srv/git/x.git"), env(), "", Local},
		{"github.com https", parse("https://github.com/a/b.git"), env(), "", GitHub},
		{"github.com ssh", parse("git@github.com:a/b.git"), env(), "", GitHub},
		{"gitlab.com", parse("https://gitlab.com/g/p.git"), env(), "", GitLab},
		{"enterprise server", parse("https://git.corp.example/a/b.git"), env("GITHUB_SERVER_URL", "https://git.corp.example"), "", GitHub},
		{"enterprise ssh", parse("git@git.corp.example:a/b.git"), env("GITHUB_SERVER_URL", "https://git.corp.example"), "", GitHub},
		{"self-managed by CI_SERVER_URL", parse("https://code.corp.example/g/p.git"), env("CI_SERVER_URL", "https://code.corp.example"), "", GitLab},
		{"self-managed by flag", parse("git@code.corp.example:g/p.git"), env(), "https://code.corp.example", GitLab},
		{"actions", parse("https://code.corp.example/a/b.git"), env("GITHUB_ACTIONS", "true"), "", GitHub},
		{"gitlab ci", parse("https://code.corp.example/g/p.git"), env("GITLAB_CI", "true"), "", GitLab},
		{"gitlab host name", parse("https://gitlab.corp.example/g/p.git"), env(), "", GitLab},
		{"gitea by GITEA_URL", parse("https://code.corp.example/gitea/a/b.git"), env("GITEA_URL", "https://code.corp.example/gitea"), "", Gitea},
		// Gitea Actions sets GitHub's variables too.
		{"gitea actions", parse("https://code.corp.example/a/b.git"), env("GITEA_ACTIONS", "true", "GITHUB_ACTIONS", "true", "GITHUB_SERVER_URL", "https://code.corp.example"), "", Gitea},
		{"forgejo actions", parse("https://code.corp.example/a/b.git"), env("FORGEJO_ACTIONS", "true", "GITHUB_ACTIONS", "true"), "", Gitea},
		{"codeberg", parse("https://codeberg.org/a/b.git"), env(), "", Gitea},
		{"gitea token alone", parse("https://code.corp.example/a/b.git"), env("GITEA_TOKEN", "t"), "", Gitea},
		{"gitea token beside github's", parse("https://code.corp.example/a/b.git"), env("GITEA_TOKEN", "t", "GITHUB_TOKEN", "t", "GITHUB_ACTIONS", "true"), "", GitHub},
	}
	for _, c := range cases {
		got, err := Detect(c.loc, c.getenv, c.gitlab, c.getenv("GITEA_URL"))
		if err != nil || got != c.want {
			t.Errorf("%s: Detect = %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	if got, err := Detect(parse("https://code.corp.example/a/b.git"), env("GITEA_TOKEN", "t", "GITLAB_TOKEN", "t"), "", ""); err == nil {
		t.Errorf("unknown host: Detect = %q, want an error naming --forge", got)
	} else if !contains(err.Error(), "--forge github") || !contains(err.Error(), "https://code.corp.example/a/b.git") {
		t.Errorf("unknown host: %v", err)
	}
}
