package connect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/cli"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	"github.com/gitops-promote/promote/internal/forge/retry"
)

const token = "ghp_CLI_token_that_must_not_show_0d9e"

// runCLI runs promote in dir with env and returns exit code, stdout and
// stderr.
func runCLI(t *testing.T, dir string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	f := &cli.Factory{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return env[k] }}
	f.ForgeOptions.Retry = retry.Policy{Sleep: func(context.Context, time.Duration) error { return nil }}
	code := cli.Run(context.Background(), f, append([]string{"-C", dir}, args...))
	return code, stdout.String(), stderr.String()
}

// TestRunAgainstGitHub is the end-to-end flow: two runs open one pull
// request, a newer tag in staging updates it, staging equal to prod
// closes it with a comment; every request passes GitHub's OpenAPI
// description and the token shows nowhere.
func TestRunAgainstGitHub(t *testing.T) {
	git := forgetest.NewGitServer(t, "x-access-token", token)
	git.CreateRepo(t, "acme/gitops", forgetest.GitOpsFiles())
	gh := forgetest.NewGitHub(t, git, "acme", "gitops", token)
	dir := git.Clone(t, "acme/gitops")
	env := map[string]string{"GITHUB_TOKEN": token, "GITHUB_API_URL": gh.URL, "GITHUB_ACTIONS": "true"}
	var outputs []string
	run := func() map[string]any {
		t.Helper()
		code, stdout, stderr := runCLI(t, dir, env, "run", "--to", "prod", "-o", "json")
		outputs = append(outputs, stdout, stderr)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
		}
		return out
	}
	check := func(out map[string]any, action string, number float64) {
		t.Helper()
		if out["action"] != action || out["number"] != number || out["branch"] != "promote/staging-to-prod" {
			t.Errorf("got action %v number %v branch %v, want %s #%v", out["action"], out["number"], out["branch"], action, number)
		}
		if action != "closed" && (out["url"] != "https://github.example/acme/gitops/pull/1" || len(out["commit"].(string)) != 40) {
			t.Errorf("url %v commit %v", out["url"], out["commit"])
		}
	}
	check(run(), "created", 1)
	check(run(), "unchanged", 1)
	git.Commit(t, "acme/gitops", "main", "staging: web 1.4.3", forgetest.Staging("1.4.3", "2.0.1"))
	check(run(), "updated", 1)
	if p := gh.Pulls(); len(p) != 1 || !strings.Contains(p[0].Title, "web 1.4.3") {
		t.Fatalf("after a newer tag: %+v", p)
	}
	git.Commit(t, "acme/gitops", "main", "prod: caught up", forgetest.Prod("1.4.3", "2.0.1"))
	check(run(), "closed", 1)
	if p := gh.Pulls(); len(p) != 1 || p[0].State != "closed" || len(p[0].Comments) != 1 {
		t.Fatalf("stale request: %+v", p)
	}
	for _, o := range outputs {
		if strings.Contains(o, token) {
			t.Errorf("the token shows in the output:\n%s", o)
		}
	}
	code, stdout, stderr := runCLI(t, dir, env, "run", "--to", "prod")
	if code != 0 || !strings.Contains(stdout, "already matches") || strings.Contains(stdout+stderr, token) {
		t.Errorf("text run: %d\n%s\n%s", code, stdout, stderr)
	}
}

func TestForgeChoice(t *testing.T) {
	git := forgetest.NewGitServer(t, "x-access-token", token)
	git.CreateRepo(t, "acme/gitops", forgetest.GitOpsFiles())
	dir := git.Clone(t, "acme/gitops")
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"unknown host", nil, nil, "cannot tell which forge hosts origin"},
		{"github without a token", map[string]string{"GITHUB_ACTIONS": "true"}, nil, "set GITHUB_TOKEN or GH_TOKEN"},
		{"gitlab without a token", nil, []string{"--forge", "gitlab"}, "set GITLAB_TOKEN"},
		{"gitea without a token", nil, []string{"--forge", "gitea"}, "set GITEA_TOKEN"},
		{"bad forge", nil, []string{"--forge", "bitbucket"}, `--forge "bitbucket": unknown forge (available: auto, local, github, gitlab, gitea)`},
		{"bad repo", map[string]string{"GITHUB_TOKEN": token}, []string{"--forge", "github", "--repo", "just-a-name"}, "expected owner/name"},
	}
	for _, c := range cases {
		code, _, stderr := runCLI(t, dir, c.env, append([]string{"run", "--to", "prod"}, c.args...)...)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q, want %q", c.name, code, stderr, c.want)
		}
	}
	// Without a remote, auto is the local forge.
	local := t.TempDir()
	forgetest.WriteFiles(t, local, forgetest.GitOpsFiles())
	forgetest.Git(t, local, "init", "-q", "-b", "main")
	forgetest.Git(t, local, "add", "-A")
	forgetest.Git(t, local, "commit", "-q", "-m", "init")
	code, stdout, stderr := runCLI(t, local, map[string]string{"GITHUB_ACTIONS": "true"}, "run", "--to", "prod")
	if code != 0 || !strings.Contains(stdout, "created promote/staging-to-prod") {
		t.Errorf("no remote: exit %d\n%s\n%s", code, stdout, stderr)
	}
}
