package proposal_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	"github.com/gitops-promote/promote/internal/forge/retry"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/promote"
)

const token = "ghp_branch_envs_T0KEN_4b1d"

// pushBranch creates branch on the server from main with files.
func pushBranch(t *testing.T, git *forgetest.GitServer, branch string, files map[string]string) {
	t.Helper()
	work := git.Clone(t, "acme/gitops")
	forgetest.Git(t, work, "remote", "set-url", "origin", git.Dir("acme/gitops"))
	forgetest.Git(t, work, "checkout", "-q", "-b", branch)
	forgetest.WriteFiles(t, work, files)
	forgetest.Git(t, work, "add", "-A")
	forgetest.Git(t, work, "commit", "-q", "-m", branch)
	forgetest.Git(t, work, "push", "-q", "origin", "HEAD:refs/heads/"+branch)
}

// promoteOnGitHub proposes staging → prod from the clone dir through
// the fake GitHub gh and the git server.
func promoteOnGitHub(t *testing.T, git *forgetest.GitServer, gh *forgetest.GitHub, dir string, stderr *bytes.Buffer) (*proposal.Result, error) {
	t.Helper()
	ws, repo := forgetest.Workspace(t, dir)
	vars := map[string]string{"GITHUB_TOKEN": token, "GITHUB_API_URL": gh.URL, "GITHUB_SERVER_URL": git.URL}
	fg, err := connect.Open(repo, connect.Options{Forge: "github", Getenv: func(k string) string { return vars[k] }, Stderr: stderr,
		Retry: retry.Policy{Sleep: func(context.Context, time.Duration) error { return nil }}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return proposal.Run(ctx, proposal.Options{Workspace: ws, Plan: proposal.Promotion(promote.Request{To: "prod"}), Base: "main", Forge: fg})
}

// TestBranchEnvironmentOnGitHub proposes staging → prod where both live
// on branches of a remote repository: the environment branches are read
// from the remote (not from the clone's stale origin/* refs) and the pull
// request targets env/prod.
func TestBranchEnvironmentOnGitHub(t *testing.T) {
	git := forgetest.NewGitServer(t, "x-access-token", token)
	git.CreateRepo(t, "acme/gitops", map[string]string{"promote.yaml": `environments:
  - {name: staging, branch: env/staging}
  - {name: prod, branch: env/prod, path: clusters/prod, from: staging}
`})
	gh := forgetest.NewGitHub(t, git, "acme", "gitops", token)
	pushBranch(t, git, "env/staging", map[string]string{"kustomization.yaml": "images:\n- name: web\n  newTag: \"2\"\n"})
	pushBranch(t, git, "env/prod", map[string]string{"clusters/prod/kustomization.yaml": "images:\n- name: web\n  newTag: \"1\" # prod\n"})
	dir := git.Clone(t, "acme/gitops")
	// Staging moves on after the clone: only the remote knows.
	git.Commit(t, "acme/gitops", "env/staging", "staging: web 3", map[string]string{"kustomization.yaml": "images:\n- name: web\n  newTag: \"3\"\n"})
	prodTip := git.Branch(t, "acme/gitops", "env/prod")

	var stderr bytes.Buffer
	res, err := promoteOnGitHub(t, git, gh, dir, &stderr)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	if res.Base != "env/prod" || res.Title != "promote(prod): web 3" {
		t.Errorf("base %q, title %q: want env/prod and web 3 (read from the remote's env/staging)", res.Base, res.Title)
	}
	pulls := gh.Open()
	if len(pulls) != 1 || pulls[0].Base != "env/prod" || pulls[0].Head != "promote/staging-to-prod" {
		t.Fatalf("pull requests %+v, want one from promote/staging-to-prod into env/prod", pulls)
	}
	head := git.Branch(t, "acme/gitops", "promote/staging-to-prod")
	parent := forgetest.Git(t, git.Dir("acme/gitops"), "rev-parse", head+"~1")
	if parent != prodTip {
		t.Errorf("the proposal's parent is %s, want env/prod's tip %s", parent, prodTip)
	}
	content := forgetest.Git(t, git.Dir("acme/gitops"), "show", head+":clusters/prod/kustomization.yaml")
	if !strings.Contains(content, `newTag: "3" # prod`) {
		t.Errorf("prod after the proposal:\n%s", content)
	}
}
