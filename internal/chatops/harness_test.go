package chatops_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	ghforge "github.com/gitops-promote/promote/internal/forge/github"
	"github.com/gitops-promote/promote/internal/forge/retry"
)

// token is distinctive so that a leak shows.
const token = "ghp_chatops_T0KEN_never_shown_51c2"

// The repository of @octokit/webhooks-examples' payloads.
const (
	owner    = "Codertocat"
	name     = "Hello-World"
	repoPath = owner + "/" + name
)

// env is a GitOps repository on a loopback git server whose default
// branch is master (as in the example payloads), a fake GitHub with the
// chat-command endpoints and a clone to run in.
type env struct {
	t      *testing.T
	git    *forgetest.GitServer
	gh     *forgetest.GitHub
	chat   *forgetest.ChatState
	dir    string
	stderr bytes.Buffer
}

func newEnv(t *testing.T, files map[string]string) *env {
	t.Helper()
	e := &env{t: t}
	e.git = forgetest.NewGitServer(t, "x-access-token", token)
	e.git.CreateRepo(t, repoPath, files)
	forgetest.Git(t, e.git.Dir(repoPath), "branch", "-m", "main", "master")
	e.gh = forgetest.NewGitHub(t, e.git, owner, name, token)
	e.chat = e.gh.EnableChatOps()
	// Issue #1 of the examples: comments on it land here.
	e.gh.AddPull(forgetest.Pull{Title: "Spelling error in the README file", Head: "master", Base: "master"})
	e.dir = e.git.Clone(t, repoPath)
	t.Cleanup(e.checkNoLeak)
	return e
}

// handler opens the forge as promote would and returns a handler for
// the repository's default branch.
func (e *env) handler() *chatops.Handler {
	e.t.Helper()
	ws, repo := forgetest.Workspace(e.t, e.dir)
	vars := map[string]string{"GITHUB_TOKEN": token, "GITHUB_API_URL": e.gh.URL, "GITHUB_SERVER_URL": e.git.URL}
	fg, err := connect.Open(repo, connect.Options{Forge: "github", Getenv: func(k string) string { return vars[k] }, Stderr: &e.stderr,
		Retry: retry.Policy{Sleep: func(context.Context, time.Duration) error { return nil }}})
	if err != nil {
		e.t.Fatal(err)
	}
	chat, ok := connect.ChatOps(fg)
	if !ok {
		e.t.Fatal("the GitHub forge has no chat-command side")
	}
	return &chatops.Handler{Forge: chat, Runner: &chatops.Repo{Workspace: ws, Forge: fg, Base: "master"}}
}

// comment returns the first created issue_comment example with body.
func comment(t *testing.T, body string) *forge.Event {
	t.Helper()
	ex := forgetest.WebhookExample(t, "issue_comment", "created")
	forgetest.Set(ex, body, "comment", "body")
	ev, err := ghforge.ParseEvent("issue_comment", forgetest.Marshal(t, ex))
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func (e *env) handle(ev *forge.Event) *chatops.Result {
	e.t.Helper()
	res, err := e.handler().HandleComment(context.Background(), ev.Comment)
	if err != nil {
		e.t.Fatalf("handle: %v\nstderr:\n%s", err, e.stderr.String())
	}
	return res
}

// replies returns the comments posted on issue #1.
func (e *env) replies() []string {
	return e.gh.Pulls()[0].Comments
}

// promotions returns the pull requests other than issue #1.
func (e *env) promotions() []forgetest.Pull {
	return e.gh.Pulls()[1:]
}

func (e *env) reactions() string {
	var out []string
	for _, r := range e.chat.Reactions() {
		out = append(out, r.Content)
	}
	return strings.Join(out, ",")
}

func (e *env) checkNoLeak() {
	forgetest.NoLeak(e.t, token, append([]string{e.stderr.String()}, e.gh.Texts()...)...)
}

var _ = forge.Created
