package connect_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/internal/workspace"
)

// TestFetchAuth: --fetch authenticates with the token of origin's forge,
// never with another forge's, and fetches anonymously without one.
func TestFetchAuth(t *testing.T) {
	cases := []struct {
		name, user string
		env        map[string]string
		gitlab     bool // the server is named as the GitLab instance
		ok         bool
	}{
		{"github token, host unknown", "x-access-token", map[string]string{"GH_TOKEN": token}, false, true},
		{"gitlab token on gitlab", "oauth2", map[string]string{"GITLAB_TOKEN": token}, true, true},
		{"gitlab token, host unknown", "oauth2", map[string]string{"GITLAB_TOKEN": token}, false, true},
		{"no token", "x-access-token", nil, false, false},
		{"github token on gitlab", "oauth2", map[string]string{"GITHUB_TOKEN": token}, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			git := forgetest.NewGitServer(t, c.user, token)
			git.CreateRepo(t, "acme/gitops", forgetest.GitOpsFiles())
			dir := git.Clone(t, "acme/gitops")
			repo, err := gitrepo.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			o := connect.Options{Getenv: func(k string) string { return c.env[k] }}
			if c.gitlab {
				o.GitLabURL = git.URL
			}
			auth, err := connect.FetchAuth(context.Background(), repo, o)
			if err != nil {
				t.Fatal(err)
			}
			ws, err := workspace.Locate(dir, "")
			if err != nil {
				t.Fatal(err)
			}
			err = ws.Fetch(context.Background(), []string{"main"}, auth)
			if c.ok && err != nil {
				t.Fatalf("fetch: %v", err)
			}
			if !c.ok && (err == nil || !strings.Contains(err.Error(), "authentication required")) {
				t.Fatalf("fetch without the forge's token: %v, want authentication required", err)
			}
			if err != nil && strings.Contains(err.Error(), token) {
				t.Errorf("the token shows in %v", err)
			}
		})
	}
}

func TestFetchAuthNeedsAnOrigin(t *testing.T) {
	dir := t.TempDir()
	forgetest.Git(t, dir, "init", "-q")
	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := connect.FetchAuth(context.Background(), repo, connect.Options{}); !errors.Is(err, connect.ErrNoOrigin) {
		t.Errorf("FetchAuth without origin: %v, want ErrNoOrigin", err)
	}
}
