package chatops_test

import (
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	ghforge "github.com/gitops-promote/promote/internal/forge/github"
)

// withConfig returns the GitOps files with extra lines added to prod's
// entry and at the top level of promote.yaml.
func withConfig(prodLines, topLines string) map[string]string {
	files := forgetest.GitOpsFiles()
	cfg := files["promote.yaml"]
	cfg = strings.Replace(cfg, "    from: staging\n", "    from: staging\n"+prodLines, 1)
	files["promote.yaml"] = cfg + topLines
	return files
}

func TestApproversByNameAndTeam(t *testing.T) {
	e := newEnv(t, withConfig("    approvers: [alice, acme/sre]\n", ""))
	e.chat.SetPermission("Codertocat", "maintain")
	res := e.handle(comment(t, "/promote prod"))
	if res.Outcome != chatops.Refused || !strings.Contains(res.Reply, "@Codertocat is not an approver of prod (approvers: alice, acme/sre)") {
		t.Fatalf("not an approver: %+v", res)
	}
	if n := len(e.promotions()); n != 0 {
		t.Fatalf("%d requests opened for a non-approver", n)
	}
	e.chat.AddMember("acme/sre", "Codertocat")
	if res := e.handle(comment(t, "/promote prod")); res.Outcome != chatops.Proposed {
		t.Fatalf("team member: %+v", res)
	}
	if n := len(e.promotions()); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
}

func TestApproverStillNeedsWritePermission(t *testing.T) {
	e := newEnv(t, withConfig("    approvers: [Codertocat]\n", ""))
	e.chat.SetPermission("Codertocat", "triage")
	res := e.handle(comment(t, "/promote prod"))
	if res.Outcome != chatops.Refused || !strings.Contains(res.Error, "has triage permission") || res.Reply != "" {
		t.Fatalf("%+v", res)
	}
}

// botComment is the example comment written by a bot.
func botComment(t *testing.T, login, body string) *forge.Event {
	ex := forgetest.WebhookExample(t, "issue_comment", "created")
	forgetest.Set(ex, body, "comment", "body")
	forgetest.Set(ex, login, "comment", "user", "login")
	forgetest.Set(ex, "Bot", "comment", "user", "type")
	ev, err := ghforge.ParseEvent("issue_comment", forgetest.Marshal(t, ex))
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestBotsAreIgnoredUnlessListed(t *testing.T) {
	e := newEnv(t, forgetest.GitOpsFiles())
	e.chat.SetPermission("deploy-bot[bot]", "admin")
	e.gh.Reset()
	if res := e.handle(botComment(t, "deploy-bot[bot]", "/promote prod")); res.Outcome != chatops.Ignored {
		t.Fatalf("unlisted bot: %+v", res)
	}
	if reqs := e.gh.Requests(); len(reqs) != 0 {
		t.Fatalf("an unlisted bot's command reached the API:\n%s", forgetest.Describe(reqs))
	}

	listed := newEnv(t, withConfig("", "chatops:\n  bots: [\"deploy-bot[bot]\"]\n"))
	res := listed.handle(botComment(t, "deploy-bot[bot]", "/promote prod"))
	if res.Outcome != chatops.Proposed {
		t.Fatalf("listed bot: %+v", res)
	}
	for _, r := range listed.gh.Requests() {
		if strings.Contains(r.Path, "/collaborators/") {
			t.Errorf("asked the permission of a bot the configuration vouches for: %s", r)
		}
	}
}

// TestForkPullRequestRunsTheDefaultBranch: a command on a pull request
// from a fork whose head changes promote.yaml (dropping the approvers)
// and the manifests is judged and carried out with the default branch's
// configuration and manifests, even with the fork's head checked out.
func TestForkPullRequestRunsTheDefaultBranch(t *testing.T) {
	e := newEnv(t, withConfig("    approvers: [alice]\n", ""))
	e.chat.SetPermission("Codertocat", "write")
	forgetest.Git(t, e.dir, "checkout", "-q", "-b", "fork-head")
	forgetest.WriteFiles(t, e.dir, forgetest.GitOpsFiles())
	forgetest.WriteFiles(t, e.dir, forgetest.Staging("6.6.6-evil", "2.0.1"))
	forgetest.Git(t, e.dir, "commit", "-q", "-am", "fork: no approvers, evil tag")
	forgetest.Git(t, e.dir, "push", "-q", e.git.Dir(repoPath), "HEAD:refs/pull/2/head")

	ex := forgetest.WebhookExample(t, "issue_comment", "created")
	forgetest.Set(ex, "/promote prod", "comment", "body")
	forgetest.Set(ex, map[string]any{"url": "https://api.github.com/repos/Codertocat/Hello-World/pulls/1"}, "issue", "pull_request")
	ev, err := ghforge.ParseEvent("issue_comment", forgetest.Marshal(t, ex))
	if err != nil {
		t.Fatal(err)
	}
	res := e.handle(ev)
	if res.Outcome != chatops.Refused {
		t.Fatalf("the fork's promote.yaml was used (approvers dropped): %+v", res)
	}

	// Without approvers on the default branch, the promotion carries the
	// default branch's staging, not the fork's.
	e.git.Commit(t, repoPath, "master", "drop approvers", map[string]string{"promote.yaml": forgetest.GitOpsFiles()["promote.yaml"]})
	if res := e.handle(ev); res.Outcome != chatops.Proposed {
		t.Fatalf("%+v", res)
	}
	prs := e.promotions()
	if len(prs) != 1 || strings.Contains(prs[0].Title, "evil") || !strings.Contains(prs[0].Title, "web 1.4.2") {
		t.Fatalf("promotion from the fork's manifests: %+v", prs)
	}
}
