package proposal_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	"github.com/gitops-promote/promote/internal/forge/retry"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/promote"
)

// TestProposalThroughGitHubAPI: with APICommits the promotion commit is
// created by GitHub's Git Data API (the fake writes it into the served
// repository), nothing is pushed, and a second run with nothing new
// changes nothing.
func TestProposalThroughGitHubAPI(t *testing.T) {
	isolateGitConfig(t)
	git := forgetest.NewGitServer(t, "x-access-token", token)
	git.CreateRepo(t, "acme/gitops", forgetest.GitOpsFiles())
	gh := forgetest.NewGitHub(t, git, "acme", "gitops", token)
	dir := git.Clone(t, "acme/gitops")
	mainTip := git.Branch(t, "acme/gitops", "main")
	run := func() *proposal.Result {
		t.Helper()
		ws, repo := forgetest.Workspace(t, dir)
		vars := map[string]string{"GITHUB_TOKEN": token, "GITHUB_API_URL": gh.URL, "GITHUB_SERVER_URL": git.URL}
		var stderr bytes.Buffer
		fg, err := connect.Open(repo, connect.Options{Forge: "github", APICommits: true, Getenv: func(k string) string { return vars[k] }, Stderr: &stderr,
			Retry: retry.Policy{Sleep: func(context.Context, time.Duration) error { return nil }}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := proposal.Run(context.Background(), proposal.Options{Workspace: ws, Plan: proposal.Promotion(promote.Request{To: "prod"}), Base: "main", Forge: fg})
		if err != nil {
			t.Fatalf("run: %v\n%s", err, stderr.String())
		}
		if strings.Contains(stderr.String(), "not marked verified") {
			t.Errorf("stderr: %s", stderr.String())
		}
		return res
	}
	res := run()
	head := git.Branch(t, "acme/gitops", "promote/staging-to-prod")
	if res.Action != forge.Created || res.Commit != head || len(gh.APICommits()) != 1 || gh.APICommits()[0] != head {
		t.Fatalf("result %s %s, remote branch %s, API commits %v", res.Action, res.Commit, head, gh.APICommits())
	}
	if n := git.Pushes(); n != 0 {
		t.Errorf("%d pushes; the branch should be written through the API only", n)
	}
	served := git.Dir("acme/gitops")
	if parent := forgetest.Git(t, served, "rev-parse", head+"^"); parent != mainTip {
		t.Errorf("parent %s, want main's tip %s", parent, mainTip)
	}
	if got := forgetest.Git(t, served, "show", head+":envs/prod/kustomization.yaml"); !strings.Contains(got, `newTag: "1.4.2"`) || !strings.HasPrefix(got, "# prod: change with care") {
		t.Errorf("prod on the branch:\n%s", got)
	}
	msg := forgetest.Git(t, served, "log", "-1", "--format=%an%n%B", head)
	if !strings.HasPrefix(msg, "promote-app[bot]\npromote(prod): web 1.4.2, worker 2.0.1") || !strings.Contains(msg, "Promote-Source-Commit: "+mainTip) {
		t.Errorf("commit:\n%s", msg)
	}
	if pulls := gh.Open(); len(pulls) != 1 || pulls[0].Head != "promote/staging-to-prod" {
		t.Errorf("pull requests %+v", pulls)
	}
	if again := run(); again.Action != forge.Unchanged || len(gh.APICommits()) != 1 {
		t.Errorf("second run: %s, %d API commits; want unchanged and 1", again.Action, len(gh.APICommits()))
	}
	// A newer staging: the branch is force-updated through the API.
	git.Commit(t, "acme/gitops", "main", "staging: web 1.4.3", forgetest.Staging("1.4.3", "2.0.1"))
	if res := run(); res.Action != forge.Updated || len(gh.APICommits()) != 2 || git.Branch(t, "acme/gitops", "promote/staging-to-prod") != res.Commit {
		t.Errorf("update: %s %s, API commits %v", res.Action, res.Commit, gh.APICommits())
	}
}
