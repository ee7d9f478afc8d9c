package chatops_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	ghforge "github.com/gitops-promote/promote/internal/forge/github"
)

// TestPromoteCommandFromWriter is the first "done when": the
// example issue_comment with body /promote prod from a user with write
// permission opens exactly one promotion request and posts one reply
// linking to it, with eyes then rocket on the comment.
func TestPromoteCommandFromWriter(t *testing.T) {
	e := newEnv(t, forgetest.GitOpsFiles())
	e.chat.SetPermission("Codertocat", "write")
	res := e.handle(comment(t, "/promote prod"))
	if res.Outcome != chatops.Proposed {
		t.Fatalf("outcome %s (%s), want proposed", res.Outcome, res.Error)
	}
	prs := e.promotions()
	if len(prs) != 1 || prs[0].Head != "promote/staging-to-prod" || prs[0].Base != "master" || prs[0].Title != "promote(prod): web 1.4.2, worker 2.0.1" {
		t.Fatalf("promotion requests: %+v", prs)
	}
	replies := e.replies()
	if len(replies) != 1 || !strings.Contains(replies[0], "opened [#2](https://github.example/Codertocat/Hello-World/pull/2)") || !strings.Contains(replies[0], "@Codertocat") {
		t.Fatalf("replies: %q", replies)
	}
	if got := e.reactions(); got != "eyes,rocket" {
		t.Errorf("reactions %s, want eyes,rocket", got)
	}
}

// TestPromoteCommandFromReader: a read-only user gets the confused
// reaction and no reply; no branch is pushed, no request opened.
func TestPromoteCommandFromReader(t *testing.T) {
	e := newEnv(t, forgetest.GitOpsFiles())
	e.chat.SetPermission("Codertocat", "read")
	res := e.handle(comment(t, "/promote prod"))
	if res.Outcome != chatops.Refused {
		t.Fatalf("outcome %s, want refused", res.Outcome)
	}
	if b := e.git.Branch(t, repoPath, "promote/staging-to-prod"); b != "" {
		t.Errorf("branch pushed for a read-only user: %s", b)
	}
	if n := len(e.promotions()); n != 0 {
		t.Errorf("%d requests opened", n)
	}
	if replies := e.replies(); len(replies) != 0 {
		t.Fatalf("replies to a user without permission: %q", replies)
	}
	if !strings.Contains(res.Error, "@Codertocat has read permission") || !strings.Contains(res.Error, "needs write, maintain or admin") {
		t.Errorf("error: %q", res.Error)
	}
	if got := e.reactions(); got != "eyes,confused" {
		t.Errorf("reactions %s, want eyes,confused", got)
	}
}

// hostile is a malformed command carrying what must never be posted by
// the bot: a backtick run to break out of code, a team mention, a link
// and a tracking image.
const hostile = "/promote prod ``` --x @acme/everyone [click](https://evil.example) ![t](https://evil.example/t.png) <img src=x>"

// TestMalformedCommandOfAUserWithoutPermission: the reaction only.
func TestMalformedCommandOfAUserWithoutPermission(t *testing.T) {
	e := newEnv(t, forgetest.GitOpsFiles())
	e.chat.SetPermission("Codertocat", "none")
	res := e.handle(comment(t, hostile))
	if res.Outcome != chatops.Malformed || res.Reply != "" {
		t.Fatalf("%+v", res)
	}
	if replies := e.replies(); len(replies) != 0 {
		t.Fatalf("replies: %q", replies)
	}
	if got := e.reactions(); got != "eyes,confused" {
		t.Errorf("reactions %s", got)
	}
}

// TestMalformedReplyKeepsTheCommandInAFence: a writer is told what was
// wrong, with their text in a fence it cannot close.
func TestMalformedReplyKeepsTheCommandInAFence(t *testing.T) {
	e := newEnv(t, forgetest.GitOpsFiles())
	e.chat.SetPermission("Codertocat", "write")
	e.handle(comment(t, hostile))
	replies := e.replies()
	if len(replies) != 1 {
		t.Fatalf("replies: %q", replies)
	}
	outside := outsideFences(t, replies[0])
	for _, bad := range []string{"@acme", "evil.example", "<img", "```"} {
		if strings.Contains(outside, bad) {
			t.Errorf("%q outside a fence in:\n%s", bad, replies[0])
		}
	}
	if !strings.Contains(replies[0], "@acme/everyone") {
		t.Errorf("the command is not shown in the fence:\n%s", replies[0])
	}
}

// outsideFences is the text of a markdown reply outside its fenced code
// blocks (a fence closes only with a line of at least as many backticks).
func outsideFences(t *testing.T, md string) string {
	t.Helper()
	var out strings.Builder
	open := ""
	for _, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimRight(line, " ")
		switch {
		case open == "" && strings.HasPrefix(trimmed, "```"):
			open = trimmed[:len(trimmed)-len(strings.TrimLeft(trimmed, "`"))]
		case open != "" && strings.Trim(trimmed, "`") == "" && len(trimmed) >= len(open):
			open = ""
		case open == "":
			out.WriteString(line + "\n")
		}
	}
	if open != "" {
		t.Fatalf("unclosed fence in:\n%s", md)
	}
	return out.String()
}

// TestIgnoredComments: ordinary comments, edits and deletions of a
// command cause no request to the forge at all.
func TestIgnoredComments(t *testing.T) {
	e := newEnv(t, forgetest.GitOpsFiles())
	e.chat.SetPermission("Codertocat", "admin")
	e.gh.Reset()
	h := e.handler()
	for _, ex := range forgetest.WebhookExamples(t, "issue_comment") {
		action := ex["action"].(string)
		if action == "created" {
			// the examples' own bodies are not commands
		} else {
			forgetest.Set(ex, "/promote prod", "comment", "body")
		}
		ev, err := ghforge.ParseEvent("issue_comment", forgetest.Marshal(t, ex))
		if err != nil {
			t.Fatalf("%s example: %v", action, err)
		}
		res, err := h.HandleComment(context.Background(), ev.Comment)
		if err != nil || res.Outcome != chatops.Ignored {
			t.Errorf("%s example: %+v, %v; want ignored", action, res, err)
		}
	}
	if reqs := e.gh.Requests(); len(reqs) != 0 {
		t.Errorf("ignored comments reached the forge:\n%s", forgetest.Describe(reqs))
	}
}

func TestMalformedCommandGetsTheGrammar(t *testing.T) {
	e := newEnv(t, forgetest.GitOpsFiles())
	e.chat.SetPermission("Codertocat", "write")
	res := e.handle(comment(t, "/promote prod --force"))
	if res.Outcome != chatops.Malformed {
		t.Fatalf("outcome %s", res.Outcome)
	}
	replies := e.replies()
	if len(replies) != 1 || !strings.Contains(replies[0], "--force needs a reason") || !strings.Contains(replies[0], "/rollback <env> [<commit> | <steps>]") {
		t.Fatalf("replies: %q", replies)
	}
	if got := e.reactions(); got != "eyes,confused" {
		t.Errorf("reactions %s", got)
	}
}

func TestHelpAndStatus(t *testing.T) {
	e := newEnv(t, forgetest.GitOpsFiles())
	if res := e.handle(comment(t, "/promote help")); res.Outcome != chatops.Answered {
		t.Fatalf("help: %+v", res)
	}
	if res := e.handle(comment(t, "/promote status")); res.Outcome != chatops.Answered {
		t.Fatalf("status: %+v", res)
	}
	replies := e.replies()
	if len(replies) != 2 || !strings.Contains(replies[0], "`/promote help`") || !strings.Contains(replies[1], "| staging → prod | behind by 2: ghcr.io/acme/web 1.4.1 → 1.4.2") {
		t.Fatalf("replies: %q", replies)
	}
}
