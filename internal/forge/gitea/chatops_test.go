package gitea_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	"github.com/gitops-promote/promote/internal/server"
)

// delivery is one webhook request Gitea sent, and the status promote's
// server answered.
type delivery struct {
	header http.Header
	body   []byte
	status int
}

// hooks records the deliveries reaching promote's server.
type hooks struct {
	next http.Handler
	mu   sync.Mutex
	got  []delivery
}

func (h *hooks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	h.next.ServeHTTP(rec, r)
	h.mu.Lock()
	h.got = append(h.got, delivery{header: r.Header.Clone(), body: body, status: rec.Code})
	h.mu.Unlock()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func (h *hooks) deliveries() []delivery {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]delivery(nil), h.got...)
}

// waitFor polls cond for up to 30 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestChatCommandThroughGiteaWebhook(t *testing.T) {
	e := newEnv(t, nil)
	const secret = "gitea-webhook-secret-0f3c"
	ws, repo := forgetest.Workspace(t, e.dir)
	fg, err := connect.Open(repo, e.options())
	if err != nil {
		t.Fatal(err)
	}
	chat, ok := connect.ChatOps(fg)
	if !ok {
		t.Fatal("gitea has no chat-command side")
	}
	h := &chatops.Handler{Forge: chat, Runner: &chatops.Repo{Workspace: ws, Forge: fg, Base: "main"}}
	var mu sync.Mutex
	var results []*chatops.Result
	srv, err := server.New(server.Options{GiteaSecret: []byte(secret), Process: func(ctx context.Context, d server.Delivery) (*chatops.Result, error) {
		res, err := h.HandleComment(ctx, d.Payload.Comment)
		mu.Lock()
		results = append(results, res)
		mu.Unlock()
		return res, err
	}})
	if err != nil {
		t.Fatal(err)
	}
	rec := &hooks{next: srv.Handler()}
	hs := httptest.NewServer(rec)
	defer hs.Close()
	err = e.g.API("POST", "/repos/"+e.repo+"/hooks", map[string]any{"type": "gitea", "active": true, "events": []string{"issue_comment"},
		"config": map[string]string{"url": hs.URL + "/webhook/gitea", "content_type": "json", "secret": secret}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var issue struct {
		Number int `json:"number"`
	}
	if err := e.g.API("POST", "/repos/"+e.repo+"/issues", map[string]any{"title": "release 1.4.2"}, &issue); err != nil {
		t.Fatal(err)
	}
	var comment struct {
		ID int64 `json:"id"`
	}
	if err := e.g.API("POST", fmt.Sprintf("/repos/%s/issues/%d/comments", e.repo, issue.Number), map[string]any{"body": "/promote prod"}, &comment); err != nil {
		t.Fatal(err)
	}
	// Gitea signs and delivers the comment; promote verifies it, proposes
	// and replies on the issue.
	waitFor(t, "the promotion and the reply", func() bool {
		return len(e.pulls("open")) == 1 && len(e.comments(issue.Number)) == 2
	})
	// hubot and octocat are not users of this server.
	if !strings.Contains(e.stderr.String(), "could not assign hubot or ask octocat for review on Gitea") {
		t.Errorf("stderr: %s", e.stderr.String())
	}
	d := rec.deliveries()
	if len(d) == 0 || d[0].status != http.StatusAccepted || d[0].header.Get("X-Gitea-Signature") == "" {
		t.Fatalf("deliveries: %+v", d)
	}
	if p := e.pulls("open")[0]; p.Head.Ref != "promote/staging-to-prod" || p.Title != "promote(prod): web 1.4.2, worker 2.0.1" {
		t.Errorf("pull request: %+v", p)
	}
	if c := e.comments(issue.Number); !strings.Contains(c[1], "opened") || !strings.Contains(c[1], "/pulls/") {
		t.Errorf("reply: %q", c[1])
	}
	var reactions []struct {
		Content string `json:"content"`
	}
	waitFor(t, "the reactions", func() bool {
		_ = e.g.API("GET", fmt.Sprintf("/repos/%s/issues/comments/%d/reactions", e.repo, comment.ID), nil, &reactions)
		return len(reactions) == 2
	})
	if reactions[0].Content != "eyes" || reactions[1].Content != "rocket" {
		t.Errorf("reactions: %+v", reactions)
	}

	// The same body with a wrong signature, and a changed body with the
	// right one, are refused before they are read; nothing runs.
	mu.Lock()
	ran := len(results)
	mu.Unlock()
	tampered := bytes.Replace(d[0].body, []byte("/promote prod"), []byte("/rollback prod"), 1)
	for name, req := range map[string]struct {
		body []byte
		sig  string
	}{
		"wrong signature": {d[0].body, strings.Repeat("0", 64)},
		"changed body":    {tampered, d[0].header.Get("X-Gitea-Signature")},
		"no signature":    {d[0].body, ""},
	} {
		r, _ := http.NewRequest("POST", hs.URL+"/webhook/gitea", bytes.NewReader(req.body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Gitea-Event", "issue_comment")
		r.Header.Set("X-Gitea-Delivery", "replayed-"+strings.ReplaceAll(name, " ", "-"))
		if req.sig != "" {
			r.Header.Set("X-Gitea-Signature", req.sig)
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: %s, want 401", name, resp.Status)
		}
	}
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(results) != ran {
		t.Errorf("a refused delivery ran: %d results, %d before", len(results), ran)
	}
}
