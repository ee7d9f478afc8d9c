package gitea_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/cli"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	"github.com/gitops-promote/promote/internal/forge/retry"
)

// promote runs the CLI in the clone, with the environment of e.
func (e *env) promote(args ...string) map[string]any {
	e.t.Helper()
	var stdout, stderr bytes.Buffer
	f := &cli.Factory{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return e.vars[k] }}
	f.ForgeOptions.Retry = retry.Policy{Sleep: func(context.Context, time.Duration) error { return nil }}
	if code := cli.Run(context.Background(), f, append([]string{"-C", e.dir}, append(args, "-o", "json")...)); code != 0 {
		e.t.Fatalf("promote %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
	}
	forgetest.NoLeak(e.t, e.g.Token, stdout.String(), stderr.String())
	var out map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		e.t.Fatalf("promote %s: %v\n%s", strings.Join(args, " "), err, stdout.String())
	}
	return out
}

func TestSetImageAndRollbackOnRealGitea(t *testing.T) {
	e := newEnv(t, nil)
	out := e.promote("set-image", "--env", "staging", "web=ghcr.io/acme/web:1.5.0")
	if out["action"] != "created" || !strings.Contains(out["url"].(string), "/pulls/") {
		t.Fatalf("set-image: %v", out)
	}
	prs := e.pulls("open")
	if len(prs) != 1 || !strings.Contains(prs[0].Title, "web 1.5.0") || !strings.Contains(prs[0].labelNames(), "env/staging") {
		t.Fatalf("set-image pull request: %+v", prs)
	}

	// prod moves twice; rolling back one step proposes the state before.
	e.commit("prod: web 1.4.2", forgetest.Prod("1.4.2", "2.0.0"))
	forgetest.Git(t, e.dir, "pull", "-q", "origin", "main")
	out = e.promote("rollback", "--env", "prod")
	if out["action"] != "created" {
		t.Fatalf("rollback: %v", out)
	}
	var rollback *pull
	for _, p := range e.pulls("open") {
		if strings.HasPrefix(p.Title, "rollback(prod)") {
			rollback = &p
		}
	}
	if rollback == nil || !strings.Contains(rollback.Title, "1.4.1") || !strings.Contains(rollback.labelNames(), "rollback") {
		t.Fatalf("rollback pull request: %+v", e.pulls("open"))
	}
}
