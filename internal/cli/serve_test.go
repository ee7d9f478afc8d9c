package cli_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/cli"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	"github.com/gitops-promote/promote/internal/forge/retry"
)

const (
	ghToken  = "ghp_serve_T0KEN_not_to_be_seen_93ab"
	hookKey  = "hook-secret-for-tests"
	exOwner  = "Codertocat"
	exName   = "Hello-World"
	exRepo   = exOwner + "/" + exName
	exBranch = "master"
)

// forgeEnv is the examples' repository on a loopback git server (default
// branch master), a fake GitHub with chat endpoints and issue #1.
type forgeEnv struct {
	git  *forgetest.GitServer
	gh   *forgetest.GitHub
	chat *forgetest.ChatState
	vars map[string]string
}

func newForgeEnv(t *testing.T) *forgeEnv {
	t.Helper()
	e := &forgeEnv{git: forgetest.NewGitServer(t, "x-access-token", ghToken)}
	e.git.CreateRepo(t, exRepo, forgetest.GitOpsFiles())
	forgetest.Git(t, e.git.Dir(exRepo), "branch", "-m", "main", exBranch)
	e.gh = forgetest.NewGitHub(t, e.git, exOwner, exName, ghToken)
	e.chat = e.gh.EnableChatOps()
	e.gh.AddPull(forgetest.Pull{Title: "Spelling error in the README file", Head: exBranch, Base: exBranch})
	e.vars = map[string]string{"GITHUB_TOKEN": ghToken, "GITHUB_API_URL": e.gh.URL, "PROMOTE_GITHUB_WEBHOOK_SECRET": hookKey}
	return e
}

// commentEvent is the issue_comment example with body, its clone URL on
// the loopback git server.
func (e *forgeEnv) commentEvent(t *testing.T, body string) []byte {
	ex := forgetest.WebhookExample(t, "issue_comment", "created")
	forgetest.Set(ex, body, "comment", "body")
	forgetest.Set(ex, e.git.RepoURL(exRepo), "repository", "clone_url")
	return forgetest.Marshal(t, ex)
}

func (e *forgeEnv) promotions() []forgetest.Pull { return e.gh.Pulls()[1:] }
func (e *forgeEnv) replies() []string            { return e.gh.Pulls()[0].Comments }

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer = forgetest.LockedBuffer

// serve runs promote serve on a free loopback port until the test ends
// and returns its URL and log.
func serve(t *testing.T, vars map[string]string) (string, *syncBuffer) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var out, log syncBuffer
	f := &cli.Factory{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &log, Getenv: func(k string) string { return vars[k] }}
	f.ForgeOptions.Retry = retry.Policy{Sleep: func(context.Context, time.Duration) error { return nil }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- cli.Run(ctx, f, []string{"serve", "--addr", addr, "--data-dir", t.TempDir(), "--log-format", "json"})
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d\n%s", code, log.String())
		}
		if strings.Contains(log.String(), ghToken) || strings.Contains(log.String(), hookKey) {
			t.Errorf("a secret leaked into the log:\n%s", log.String())
		}
	})
	url := "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url + "/readyz")
		if err == nil && resp.StatusCode == 200 {
			resp.Body.Close()
			return url, &log
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not become ready: %v\n%s", err, log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func signature(body []byte, key string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func deliver(t *testing.T, url string, body []byte, sig, id string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/webhook/github", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "issue_comment")
	req.Header.Set("X-GitHub-Delivery", id)
	if sig != "" {
		req.Header.Set("X-Hub-Signature-256", sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitFor polls cond for up to 60 s.
func waitFor(t *testing.T, what string, log *syncBuffer, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s\n%s", what, log.String())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// TestServeChatCommands is the "done when" over HTTP: a signed
// /promote prod from a writer opens exactly one request and posts one
// reply; from a read-only user a refusal (no reply) and no branch; unsigned and
// wrongly signed deliveries get 401 and cause no request at all.
func TestServeChatCommands(t *testing.T) {
	t.Run("writer", func(t *testing.T) {
		e := newForgeEnv(t)
		e.chat.SetPermission("Codertocat", "write")
		url, log := serve(t, e.vars)
		body := e.commentEvent(t, "/promote prod")
		if code := deliver(t, url, body, signature(body, hookKey), "w-1"); code != http.StatusAccepted {
			t.Fatalf("delivery: %d", code)
		}
		waitFor(t, "the reply", log, func() bool { return len(e.replies()) > 0 })
		time.Sleep(100 * time.Millisecond) // room for a second reply or request, were there one
		prs, replies := e.promotions(), e.replies()
		if len(prs) != 1 || prs[0].Head != "promote/staging-to-prod" || prs[0].Base != exBranch {
			t.Fatalf("requests: %+v", prs)
		}
		if len(replies) != 1 || !strings.Contains(replies[0], "opened [#2]") {
			t.Fatalf("replies: %q", replies)
		}
	})
	t.Run("reader", func(t *testing.T) {
		e := newForgeEnv(t)
		e.chat.SetPermission("Codertocat", "read")
		url, log := serve(t, e.vars)
		body := e.commentEvent(t, "/promote prod")
		if code := deliver(t, url, body, signature(body, hookKey), "r-1"); code != http.StatusAccepted {
			t.Fatalf("delivery: %d", code)
		}
		waitFor(t, "the refusal", log, func() bool { return strings.Contains(log.String(), `"outcome":"refused"`) })
		if r := e.replies(); len(r) != 0 {
			t.Fatalf("replies to a read-only user: %q", r)
		}
		if b := e.git.Branch(t, exRepo, "promote/staging-to-prod"); b != "" || len(e.promotions()) != 0 {
			t.Fatalf("a read-only user's command pushed %q / opened %d requests", b, len(e.promotions()))
		}
	})
	t.Run("unsigned", func(t *testing.T) {
		e := newForgeEnv(t)
		e.chat.SetPermission("Codertocat", "admin")
		url, _ := serve(t, e.vars)
		e.gh.Reset()
		body := e.commentEvent(t, "/promote prod")
		for i, sig := range []string{"", signature(body, "not-the-secret")} {
			if code := deliver(t, url, body, sig, fmt.Sprintf("u-%d", i)); code != http.StatusUnauthorized {
				t.Errorf("signature %q: %d, want 401", sig, code)
			}
		}
		time.Sleep(200 * time.Millisecond)
		if reqs := e.gh.Requests(); len(reqs) != 0 {
			t.Errorf("unverified deliveries reached GitHub:\n%s", forgetest.Describe(reqs))
		}
		if reqs := e.git.Requests(); len(reqs) != 0 {
			t.Errorf("unverified deliveries fetched the repository: %q", reqs)
		}
	})
}

// TestChatOpsCommand runs promote chatops on the example event as the
// Action does: one request, one reply, the step outputs.
func TestChatOpsCommand(t *testing.T) {
	e := newForgeEnv(t)
	e.chat.SetPermission("Codertocat", "maintain")
	dir := e.git.Clone(t, exRepo)
	event := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(event, e.commentEvent(t, "/promote prod"), 0o644); err != nil {
		t.Fatal(err)
	}
	outputs := filepath.Join(t.TempDir(), "outputs")
	vars := map[string]string{"GITHUB_TOKEN": ghToken, "GITHUB_API_URL": e.gh.URL, "GITHUB_ACTIONS": "true",
		"GITHUB_EVENT_PATH": event, "GITHUB_EVENT_NAME": "issue_comment", "GITHUB_OUTPUT": outputs}
	var stdout, stderr bytes.Buffer
	f := &cli.Factory{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return vars[k] }}
	if code := cli.Run(context.Background(), f, []string{"-C", dir, "chatops", "--forge", "github", "-o", "json"}); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), `"outcome": "proposed"`) {
		t.Errorf("stdout: %s", stdout.String())
	}
	if len(e.promotions()) != 1 || len(e.replies()) != 1 {
		t.Fatalf("%d requests, %d replies", len(e.promotions()), len(e.replies()))
	}
	data, _ := os.ReadFile(outputs)
	if !strings.Contains(string(data), "https://github.example/Codertocat/Hello-World/pull/2\n") || !strings.Contains(string(data), "changed<<") {
		t.Errorf("outputs:\n%s", data)
	}
	if strings.Contains(stdout.String()+stderr.String()+string(data), ghToken) {
		t.Error("the token leaked")
	}
}

// TestServeMergedPromotion: the pull_request closed example, merged, of a
// promotion into staging opens staging → prod when prod has autoPromote.
func TestServeMergedPromotion(t *testing.T) {
	e := newForgeEnv(t)
	e.git.Commit(t, exRepo, exBranch, "prod: autoPromote", map[string]string{"promote.yaml": strings.Replace(
		forgetest.GitOpsFiles()["promote.yaml"], "    from: staging\n", "    from: staging\n    autoPromote: true\n", 1)})
	url, log := serve(t, e.vars)
	ex := forgetest.WebhookExample(t, "pull_request", "closed")
	forgetest.Set(ex, true, "pull_request", "merged")
	forgetest.Set(ex, "promote/dev-to-staging", "pull_request", "head", "ref")
	forgetest.Set(ex, exBranch, "pull_request", "base", "ref")
	forgetest.Set(ex, 1, "pull_request", "number")
	forgetest.Set(ex, e.git.RepoURL(exRepo), "repository", "clone_url")
	body := forgetest.Marshal(t, ex)
	req, _ := http.NewRequest("POST", url+"/webhook/github", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "pull_request")
	req.Header.Set("X-GitHub-Delivery", "merged-1")
	req.Header.Set("X-Hub-Signature-256", signature(body, hookKey))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("delivery: %d", resp.StatusCode)
	}
	waitFor(t, "the next promotion", log, func() bool { return len(e.replies()) > 0 })
	if prs := e.promotions(); len(prs) != 1 || prs[0].Head != "promote/staging-to-prod" {
		t.Fatalf("requests: %+v", prs)
	}
	if r := e.replies(); len(r) != 1 || !strings.Contains(r[0], "Merged into staging; next (autoPromote)") {
		t.Fatalf("replies: %q", r)
	}
}

// TestChatOpsRollback: /rollback prod proposes prod's promotables as they
// were before its last change, with rollback's planning.
func TestChatOpsRollback(t *testing.T) {
	e := newForgeEnv(t)
	e.chat.SetPermission("Codertocat", "admin")
	e.git.Commit(t, exRepo, exBranch, "promote(prod): web 1.5.0", forgetest.Prod("1.5.0", "2.0.0"))
	dir := e.git.Clone(t, exRepo)
	event := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(event, e.commentEvent(t, "/rollback prod"), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"GITHUB_TOKEN": ghToken, "GITHUB_API_URL": e.gh.URL}
	var stdout, stderr bytes.Buffer
	f := &cli.Factory{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return vars[k] }}
	args := []string{"-C", dir, "chatops", "--forge", "github", "--event", event, "--event-name", "issue_comment"}
	if code := cli.Run(context.Background(), f, args); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	prs := e.promotions()
	if len(prs) != 1 || prs[0].Head != "promote/rollback-prod" || prs[0].Title != "rollback(prod): web 1.5.0 → 1.4.1" {
		t.Fatalf("requests: %+v\n%s", prs, stderr.String())
	}
	if r := e.replies(); len(r) != 1 || !strings.Contains(r[0], "`/rollback prod 1` (requested by @Codertocat): opened [#2]") {
		t.Fatalf("replies: %q", r)
	}
}

// TestSetImageDirectOnGitHub: set-image --direct pushes one commit onto
// the remote default branch without a pull request; when someone pushes
// between the plan and the push, the compare-and-swap fails and the
// change is planned again on the new tip, keeping both commits.
func TestSetImageDirectOnGitHub(t *testing.T) {
	e := newForgeEnv(t)
	dir := e.git.Clone(t, exRepo)
	var once sync.Once
	e.git.Before(func(r *http.Request) {
		if strings.Contains(r.URL.RawQuery, "service=git-receive-pack") {
			once.Do(func() {
				e.git.Commit(t, exRepo, exBranch, "someone else: worker 2.0.2", forgetest.Staging("1.4.2", "2.0.2"))
			})
		}
	})
	vars := map[string]string{"GITHUB_TOKEN": ghToken, "GITHUB_API_URL": e.gh.URL}
	var stdout, stderr bytes.Buffer
	f := &cli.Factory{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return vars[k] }}
	f.ForgeOptions.Retry = retry.Policy{Sleep: func(context.Context, time.Duration) error { return nil }}
	args := []string{"-C", dir, "set-image", "--env", "staging", "--forge", "github", "--base", exBranch, "--direct", "web=ghcr.io/acme/web:1.5.0"}
	if code := cli.Run(context.Background(), f, args); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	log := forgetest.Git(t, e.git.Dir(exRepo), "log", "--format=%s", exBranch)
	if log != "promote(staging): web 1.5.0\nsomeone else: worker 2.0.2\ninitial" {
		t.Fatalf("history of %s:\n%s\n%s", exBranch, log, stderr.String())
	}
	got := forgetest.Git(t, e.git.Dir(exRepo), "show", exBranch+":envs/staging/kustomization.yaml")
	if !strings.Contains(got, `newTag: "1.5.0"`) || !strings.Contains(got, "newTag: 2.0.2") {
		t.Errorf("staging after set-image:\n%s", got)
	}
	if len(e.gh.Pulls()) != 1 {
		t.Errorf("--direct opened a pull request: %+v", e.gh.Pulls())
	}
	if st := forgetest.Git(t, dir, "status", "--porcelain"); st != "" {
		t.Errorf("the checkout changed:\n%s", st)
	}
}
