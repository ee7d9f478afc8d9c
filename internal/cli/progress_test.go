package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/testrepo"
)

// TestRunShowsRenderProgressOnATerminal runs a gated proposal of 20 apps
// with a clock that moves a second per reading: on a terminal stderr
// counts the apps rendered; under --quiet or off a terminal it does not.
func TestRunShowsRenderProgressOnATerminal(t *testing.T) {
	isolateGitEnv(t)
	for _, tc := range []struct {
		name     string
		terminal bool
		args     []string
		want     bool
	}{
		{"terminal", true, nil, true},
		{"quiet", true, []string{"--quiet"}, false},
		{"pipe", false, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := testrepo.InitGit(dir, testrepo.Files(testrepo.Options{Apps: 20, Ahead: 1, Seed: 1})); err != nil {
				t.Fatal(err)
			}
			clock := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
			var stdout, stderr strings.Builder
			f := &Factory{
				Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
				Getenv:         func(string) string { return "" },
				StderrTerminal: tc.terminal,
				Now:            func() time.Time { clock = clock.Add(time.Second); return clock },
			}
			args := append([]string{"-C", dir, "run", "--to", "prod", "--forge", "local"}, tc.args...)
			if code := Run(context.Background(), f, args); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if got := strings.Contains(stderr.String(), "\rrendering 20/20 apps\n"); got != tc.want {
				t.Errorf("progress shown %v, want %v; stderr:\n%q", got, tc.want, stderr.String())
			}
		})
	}
}
