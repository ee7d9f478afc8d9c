package server_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/server"
)

// BenchmarkGitHubDelivery is the server's cost per delivery before any
// work: HMAC verification of the example issue_comment payload (about
// 12.6 KB), parsing, de-duplication and queueing.
func BenchmarkGitHubDelivery(b *testing.B) {
	// Each delivery sees a clock a day later, so that de-duplication
	// (by id and by body) lets the same body through every time.
	var days atomic.Int64
	start := time.Now()
	now := func() time.Time { return start.Add(time.Duration(days.Add(1)) * 25 * time.Hour) }
	srv, err := server.New(server.Options{GitHubSecret: []byte(secret), QueueSize: 1 << 30, Now: now,
		Process: func(context.Context, server.Delivery) (*chatops.Result, error) {
			return &chatops.Result{Outcome: chatops.Ignored}, nil
		}})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	body := commentPayload(b, "/promote prod", "Codertocat/Hello-World")
	sig := sign(body, secret)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("POST", "/webhook/github", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", "issue_comment")
		req.Header.Set("X-GitHub-Delivery", strconv.Itoa(i))
		req.Header.Set("X-Hub-Signature-256", sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusAccepted {
			b.Fatalf("delivery %d: %d %s", i, w.Code, w.Body.String())
		}
	}
	b.StopTimer()
	_ = srv.Shutdown(context.Background())
}
