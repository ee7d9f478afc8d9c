package connect_test

import (
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/forge/remote"
)

func TestDetect(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	parse := func(raw string) *remote.Location {
		loc, err := remote.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return &loc
	}
	cases := []struct {
		name   string
		loc    *remote.Location
		getenv func(string) string
		gitlab string
		want   string
	}{
		{"no remote", nil, env("GITHUB_ACTIONS", "true"), "", "local"},
		{"path remote", parse("/srv/git/x.git"), env(), "", "local"},
		{"github.com https", parse("https://github.com/a/b.git"), env(), "", "github"},
		{"github.com ssh", parse("git@github.com:a/b.git"), env(), "", "github"},
		{"gitlab.com", parse("https://gitlab.com/g/p.git"), env(), "", "gitlab"},
		{"enterprise server", parse("https://git.corp.example/a/b.git"), env("GITHUB_SERVER_URL", "https://git.corp.example"), "", "github"},
		{"enterprise ssh", parse("git@git.corp.example:a/b.git"), env("GITHUB_SERVER_URL", "https://git.corp.example"), "", "github"},
		{"self-managed by CI_SERVER_URL", parse("https://code.corp.example/g/p.git"), env("CI_SERVER_URL", "https://code.corp.example"), "", "gitlab"},
		{"self-managed by flag", parse("git@code.corp.example:g/p.git"), env(), "https://code.corp.example", "gitlab"},
		{"actions", parse("https://code.corp.example/a/b.git"), env("GITHUB_ACTIONS", "true"), "", "github"},
		{"gitlab ci", parse("https://code.corp.example/g/p.git"), env("GITLAB_CI", "true"), "", "gitlab"},
		{"gitlab host name", parse("https://gitlab.corp.example/g/p.git"), env(), "", "gitlab"},
		{"gitea by GITEA_URL", parse("https://code.corp.example/gitea/a/b.git"), env("GITEA_URL", "https://code.corp.example/gitea"), "", "gitea"},
		// Gitea Actions sets GitHub's variables too.
		{"gitea actions", parse("https://code.corp.example/a/b.git"), env("GITEA_ACTIONS", "true", "GITHUB_ACTIONS", "true", "GITHUB_SERVER_URL", "https://code.corp.example"), "", "gitea"},
		{"forgejo actions", parse("https://code.corp.example/a/b.git"), env("FORGEJO_ACTIONS", "true", "GITHUB_ACTIONS", "true"), "", "gitea"},
		{"codeberg", parse("https://codeberg.org/a/b.git"), env(), "", "gitea"},
		{"gitea token alone", parse("https://code.corp.example/a/b.git"), env("GITEA_TOKEN", "t"), "", "gitea"},
		{"gitea token beside github's", parse("https://code.corp.example/a/b.git"), env("GITEA_TOKEN", "t", "GITHUB_TOKEN", "t", "GITHUB_ACTIONS", "true"), "", "github"},
	}
	for _, c := range cases {
		k, err := connect.Detect(c.loc, connect.Options{Getenv: c.getenv, GitLabURL: c.gitlab})
		if got := k.Name; err != nil || got != c.want {
			t.Errorf("%s: Detect = %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	if k, err := connect.Detect(parse("https://code.corp.example/a/b.git"), connect.Options{Getenv: env("GITEA_TOKEN", "t", "GITLAB_TOKEN", "t")}); err == nil {
		t.Errorf("unknown host: Detect = %q, want an error naming --forge", k.Name)
	} else if !strings.Contains(err.Error(), "--forge github") || !strings.Contains(err.Error(), "https://code.corp.example/a/b.git") {
		t.Errorf("unknown host: %v", err)
	}
}
