package server_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/server"
)

// jobEnv makes the test binary a job process (see TestMain).
const jobEnv = "PROMOTE_SERVER_TEST_JOB"

func TestMain(m *testing.M) {
	if os.Getenv(jobEnv) == "1" {
		os.Exit(server.RunJob(context.Background(), os.Stdin, os.Stdout, 64, testJob))
	}
	os.Exit(m.Run())
}

// testJob is what a job process does with a comment: "alloc" allocates
// without end, "panic" panics, anything else is proposed.
func testJob(_ context.Context, d server.Delivery) (*chatops.Result, error) {
	switch body := d.Payload.Comment.Body; {
	case strings.Contains(body, "alloc"):
		var keep [][]byte
		for {
			keep = append(keep, make([]byte, 1<<20))
			keep[len(keep)-1][0] = 1
		}
	case strings.Contains(body, "panic"):
		var m map[string]int
		m["boom"]++
	}
	return &chatops.Result{Outcome: chatops.Proposed, Reply: "done"}, nil
}

// TestIsolatedJobsFailAlone delivers, to one server running each job
// in a process of its own, a job that exhausts its memory budget, one
// that panics, then a normal one: the first two fail with a reply on
// their thread, the third is handled.
func TestIsolatedJobsFailAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("starts job processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	var mu sync.Mutex
	var failed []error
	var outcomes []chatops.Outcome
	l := start(t, newRecorder(), func(o *server.Options) {
		o.JobTimeout = time.Minute
		o.Process = server.Isolated(func(ctx context.Context) *exec.Cmd {
			cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
			cmd.Env = append(os.Environ(), jobEnv+"=1")
			return cmd
		}, &syncWriter{mu: &mu, w: &stderr}, 64)
		process := o.Process
		o.Process = func(ctx context.Context, d server.Delivery) (*chatops.Result, error) {
			res, err := process(ctx, d)
			if err == nil {
				mu.Lock()
				outcomes = append(outcomes, res.Outcome)
				mu.Unlock()
			}
			return res, err
		}
		o.Fail = func(_ context.Context, _ server.Delivery, err error) error {
			mu.Lock()
			defer mu.Unlock()
			failed = append(failed, err)
			return nil
		}
	})
	start := time.Now()
	for _, body := range []string{"/promote prod alloc", "/promote prod panic", "/promote prod"} {
		payload := commentPayload(t, body, "acme/gitops")
		if code, _ := l.post(payload, sign(payload, secret), "i-"+body); code != 202 {
			t.Fatalf("%s: %d", body, code)
		}
	}
	l.drain()
	mu.Lock()
	defer mu.Unlock()
	var m *server.MemoryError
	var p *server.PanicError
	if len(failed) != 2 || !errors.As(failed[0], &m) || !errors.As(failed[1], &p) {
		t.Fatalf("failures told: %v\n%s", failed, stderr.String())
	}
	if !strings.Contains(m.Error(), "memory budget of 64 MiB") || !strings.Contains(p.Error(), "assignment to entry in nil map") {
		t.Errorf("failures: %v; %v", m, p)
	}
	if len(outcomes) != 1 || outcomes[0] != chatops.Proposed {
		t.Errorf("the normal job after them: %v", outcomes)
	}
	t.Logf("three isolated jobs in %s", time.Since(start).Round(time.Millisecond))
}

// syncWriter serializes writes to w.
type syncWriter struct {
	mu *sync.Mutex
	w  *strings.Builder
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
