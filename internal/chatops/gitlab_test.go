package chatops_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	glforge "github.com/gitops-promote/promote/internal/forge/gitlab"
	"github.com/gitops-promote/promote/internal/forge/retry"
	"github.com/gitops-promote/promote/internal/workspace"
)

const glToken = "glpat-chatops-never-shown-7d1e"

// noteHook is a GitLab note event on merge request !1 of acme/gitops
// (the fields GitLab sends that promote reads, as documented for
// webhooks).
func noteHook(user, body, action string) []byte {
	return fmt.Appendf(nil, `{"object_kind": "note", "event_type": "note",
  "user": {"id": 7, "name": "Alice", "username": %q},
  "project_id": 1,
  "project": {"id": 1, "name": "gitops", "path_with_namespace": "acme/gitops", "default_branch": "main",
              "git_http_url": "https://gitlab.example/acme/gitops.git"},
  "object_attributes": {"id": 1244, "note": %q, "noteable_type": "MergeRequest", "author_id": 7,
                        "project_id": 1, "action": %q},
  "merge_request": {"id": 301, "iid": 1, "source_branch": "feature", "target_branch": "main",
                    "source_project_id": 1, "target_project_id": 1, "state": "opened"}}`, user, body, action)
}

type glEnv struct {
	git  *forgetest.GitServer
	gl   *forgetest.GitLab
	chat *forgetest.ChatState
	h    *chatops.Handler
	log  bytes.Buffer
}

func newGitLabEnv(t *testing.T, files map[string]string) *glEnv {
	t.Helper()
	e := &glEnv{git: forgetest.NewGitServer(t, "oauth2", glToken)}
	e.git.CreateRepo(t, "acme/gitops", files)
	e.gl = forgetest.NewGitLab(t, e.git, "acme/gitops", glToken)
	e.chat = e.gl.EnableChatOps()
	e.gl.Users["alice"] = 7
	e.gl.AddMergeRequest(forgetest.MergeRequest{Title: "feature", SourceBranch: "feature", TargetBranch: "main"})
	ws, err := workspace.Locate(e.git.Clone(t, "acme/gitops"), "")
	if err != nil {
		t.Fatal(err)
	}
	repo, _ := ws.Repo()
	vars := map[string]string{"GITLAB_TOKEN": glToken}
	fg, err := connect.Open(repo, connect.Options{Forge: "gitlab", GitLabURL: e.gl.URL, Getenv: func(k string) string { return vars[k] }, Stderr: &e.log,
		Retry: retry.Policy{Sleep: func(context.Context, time.Duration) error { return nil }}})
	if err != nil {
		t.Fatal(err)
	}
	chat, ok := connect.ChatOps(fg)
	if !ok {
		t.Fatal("GitLab has no chat-command side")
	}
	e.h = &chatops.Handler{Forge: chat, Runner: &chatops.Repo{Workspace: ws, Forge: fg, Base: "main"}}
	return e
}

func (e *glEnv) handle(t *testing.T, payload []byte) *chatops.Result {
	t.Helper()
	ev, err := glforge.ParseEvent("Note Hook", payload)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.h.HandleComment(context.Background(), ev.Comment)
	if err != nil {
		t.Fatalf("%v\n%s", err, e.log.String())
	}
	return res
}

func TestGitLabNoteCommand(t *testing.T) {
	e := newGitLabEnv(t, forgetest.GitOpsFiles())
	e.chat.SetPermission("alice", "30") // developer
	res := e.handle(t, noteHook("alice", "/promote prod", "create"))
	if res.Outcome != chatops.Proposed {
		t.Fatalf("%+v\n%s", res, e.log.String())
	}
	mrs := e.gl.MergeRequests()
	if len(mrs) != 2 || mrs[1].SourceBranch != "promote/staging-to-prod" {
		t.Fatalf("merge requests: %+v", mrs)
	}
	if n := mrs[0].Notes; len(n) != 1 || !strings.Contains(n[0], "opened [!2](https://gitlab.example/acme/gitops/-/merge_requests/2)") {
		t.Fatalf("notes: %q", n)
	}
	var got []string
	for _, r := range e.chat.Reactions() {
		got = append(got, fmt.Sprintf("%s@%d", r.Content, r.CommentID))
	}
	if strings.Join(got, ",") != "eyes@1244,rocket@1244" {
		t.Errorf("award emoji: %v", got)
	}
}

func TestGitLabReporterIsRefused(t *testing.T) {
	e := newGitLabEnv(t, forgetest.GitOpsFiles())
	e.chat.SetPermission("alice", "20") // reporter
	res := e.handle(t, noteHook("alice", "/promote prod", "create"))
	if res.Outcome != chatops.Refused || !strings.Contains(res.Error, "@alice has read permission") || res.Reply != "" {
		t.Fatalf("%+v", res)
	}
	if b := e.git.Branch(t, "acme/gitops", "promote/staging-to-prod"); b != "" {
		t.Errorf("branch pushed: %s", b)
	}
}

func TestGitLabApproverGroupAndEdits(t *testing.T) {
	e := newGitLabEnv(t, withConfig("    approvers: [acme/sre]\n", ""))
	e.chat.SetPermission("alice", "40")
	if res := e.handle(t, noteHook("alice", "/promote prod", "create")); res.Outcome != chatops.Refused {
		t.Fatalf("not in the group: %+v", res)
	}
	e.chat.AddMember("acme/sre", "alice")
	if res := e.handle(t, noteHook("alice", "/promote prod", "update")); res.Outcome != chatops.Ignored {
		t.Fatalf("an edited note ran: %+v", res)
	}
	if res := e.handle(t, noteHook("project_12_bot_3f", "/promote prod", "create")); res.Outcome != chatops.Ignored {
		t.Fatalf("a project bot's note ran: %+v", res)
	}
	if res := e.handle(t, noteHook("alice", "/promote prod", "create")); res.Outcome != chatops.Proposed {
		t.Fatalf("group member: %+v", res)
	}
}

// TestGitLabMergeIsTheMergeAction: only action merge is a merge; a label
// or title edit of a merged request (action update, state merged) and a
// close are not.
func TestGitLabMergeIsTheMergeAction(t *testing.T) {
	for _, c := range []struct {
		action, state string
		merged        bool
	}{
		{"merge", "merged", true},
		{"update", "merged", false},
		{"close", "closed", false},
		{"", "merged", false},
		{"open", "opened", false},
	} {
		payload := fmt.Sprintf(`{"object_kind": "merge_request", "user": {"username": "alice"},
			"project": {"path_with_namespace": "acme/gitops", "default_branch": "main"},
			"object_attributes": {"iid": 2, "action": %q, "state": %q, "source_branch": "promote/staging-to-prod",
				"target_branch": "main", "source_project_id": 1, "target_project_id": 1}}`, c.action, c.state)
		ev, err := glforge.ParseEvent("Merge Request Hook", []byte(payload))
		if err != nil {
			t.Fatal(err)
		}
		if got := ev.Merged != nil && ev.Merged.Merged; got != c.merged || chatops.NeedsWork(ev) != c.merged {
			t.Errorf("action %q state %q: merged %v, want %v", c.action, c.state, got, c.merged)
		}
	}
}
