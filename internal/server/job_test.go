package server_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/server"
)

// TestFailingJobsFailAlone delivers a job that panics and one that runs
// out of its time budget, then a normal one, to one server: the first
// two fail with a reply on their thread, the third is handled, and the
// process goes on.
func TestFailingJobsFailAlone(t *testing.T) {
	rec := newRecorder()
	var mu sync.Mutex
	var failed []error
	var threads []int
	l := start(t, rec, func(o *server.Options) {
		o.JobTimeout = 200 * time.Millisecond
		process := o.Process
		o.Process = func(ctx context.Context, d server.Delivery) (*chatops.Result, error) {
			switch {
			case strings.Contains(d.Payload.Comment.Body, "panic"):
				var m map[string]int
				m["boom"]++ // a nil map write: a runtime panic
			case strings.Contains(d.Payload.Comment.Body, "slow"):
				<-ctx.Done()
				return nil, ctx.Err()
			}
			return process(ctx, d)
		}
		o.Fail = func(_ context.Context, d server.Delivery, err error) error {
			mu.Lock()
			defer mu.Unlock()
			failed = append(failed, err)
			threads = append(threads, d.Payload.Comment.Thread.Number)
			return nil
		}
	})
	for i, body := range []string{"/promote prod panic", "/promote prod slow", "/promote prod"} {
		payload := commentPayload(t, body, "acme/gitops")
		if code, _ := l.post(payload, sign(payload, secret), "d-"+body); code != 202 {
			t.Fatalf("delivery %d: %d", i, code)
		}
	}
	l.drain()
	if rec.count() != 1 {
		t.Fatalf("%d deliveries handled, want the normal one", rec.count())
	}
	mu.Lock()
	defer mu.Unlock()
	var p *server.PanicError
	var b *server.BudgetError
	if len(failed) != 2 || !errors.As(failed[0], &p) || !errors.As(failed[1], &b) || len(threads) != 2 || threads[0] == 0 {
		t.Fatalf("failures told: %v on threads %v", failed, threads)
	}
	if !strings.Contains(p.Error(), "assignment to entry in nil map") || !strings.Contains(string(p.Stack), "job_test.go") {
		t.Errorf("panic: %v\n%s", p, p.Stack)
	}
	if !strings.Contains(b.Error(), "time budget of 200ms (--job-timeout)") {
		t.Errorf("budget: %v", b)
	}
}

// TestResyncRunsAtStartAndEveryPeriod: configured repositories and
// those seen in deliveries are resynced, at start and then periodically.
func TestResyncRunsAtStartAndEveryPeriod(t *testing.T) {
	rec := newRecorder()
	var mu sync.Mutex
	seen := map[string]int{}
	l := start(t, rec, func(o *server.Options) {
		o.ResyncEvery = 100 * time.Millisecond
		o.Repositories = []forge.Repository{{Forge: "github", Path: "acme/configured", DefaultBranch: "main"}}
		o.Resync = func(_ context.Context, r forge.Repository) (*chatops.Result, error) {
			mu.Lock()
			defer mu.Unlock()
			seen[r.Path]++
			return &chatops.Result{Outcome: chatops.Unchanged}, nil
		}
	})
	payload := commentPayload(t, "/promote prod", "acme/delivered")
	if code, _ := l.post(payload, sign(payload, secret), "r-1"); code != 202 {
		t.Fatalf("delivery: %d", code)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		c, d := seen["acme/configured"], seen["Codertocat/acme/delivered"]+seen["acme/delivered"]
		mu.Unlock()
		if c >= 3 && d >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("resyncs: %v", seen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestParseRepository(t *testing.T) {
	hosts := map[string]string{"github": "https://github.com", "gitlab": "https://gitlab.example/"}
	for _, c := range []struct{ spec, want string }{
		{"github:acme/gitops", "github acme/gitops main https://github.com/acme/gitops.git"},
		{"gitlab:platform/team/deploy@master", "gitlab platform/team/deploy master https://gitlab.example/platform/team/deploy.git"},
		{"bitbucket:a/b", `--repository "bitbucket:a/b": expected FORGE:PATH[@BRANCH] with FORGE one of github, gitlab`},
		{"github:gitops", "expected the repository's path as owner/name"},
		{"github:a/../b", "expected the repository's path as owner/name"},
		{"github:a/b@x..y", `"x..y" is not a branch name`},
	} {
		r, err := server.ParseRepository(c.spec, hosts)
		got := r.Forge + " " + r.Path + " " + r.DefaultBranch + " " + r.CloneURL
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.spec, got, c.want)
		}
	}
}
