package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/server"
)

// TestReadSecrets: every forge row with a webhook gets its secret from
// its variable, or from its file when one is named; white space around
// it is dropped.
func TestReadSecrets(t *testing.T) {
	env := map[string]string{}
	files := map[string]string{}
	dir := t.TempDir()
	var hooks []connect.Kind
	for _, k := range connect.Kinds {
		if k.Webhook != nil {
			hooks = append(hooks, k)
		}
	}
	if len(hooks) < 3 {
		t.Fatalf("%d forges with webhooks, want github, gitlab and gitea at least", len(hooks))
	}
	for i, k := range hooks {
		if k.Webhook.SecretEnv == "" || k.Webhook.SecretFlag == "" || k.Webhook.SecretName == "" {
			t.Errorf("forge %s: webhook without secret variable, flag or name: %+v", k.Name, k.Webhook)
		}
		env[k.Webhook.SecretEnv] = " env-" + k.Name + "\n"
		if i%2 == 1 {
			files[k.Name] = filepath.Join(dir, k.Name)
			if err := os.WriteFile(files[k.Name], []byte("file-"+k.Name+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := server.ReadSecrets(files, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range hooks {
		want := "env-" + k.Name
		if i%2 == 1 {
			want = "file-" + k.Name
		}
		if string(got[k.Name]) != want {
			t.Errorf("secret of %s: %q, want %q", k.Name, got[k.Name], want)
		}
	}
	files[hooks[0].Name] = filepath.Join(dir, "missing")
	if _, err := server.ReadSecrets(files, func(string) string { return "" }); err == nil || !strings.HasPrefix(err.Error(), "read secret: ") {
		t.Errorf("a missing secret file: %v, want read secret: ...", err)
	}
}

func TestNewLogger(t *testing.T) {
	var buf bytes.Buffer
	log, err := server.NewLogger(&buf, "json")
	if err != nil {
		t.Fatal(err)
	}
	log.Info("hello", "repository", "acme/gitops")
	if !strings.Contains(buf.String(), `"msg":"hello","repository":"acme/gitops"`) {
		t.Errorf("json log: %s", buf.String())
	}
	if _, err := server.NewLogger(&buf, "xml"); err == nil || err.Error() != `--log-format "xml": expected text or json` {
		t.Errorf("unknown format: %v", err)
	}
}

// setup is a server setup on a free port with the GitHub secret in a
// file and the clones under a temporary directory.
func setup(t *testing.T, env map[string]string) server.Setup {
	t.Helper()
	file := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(file, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return server.Setup{Addr: "127.0.0.1:0", Grace: time.Minute, SecretFiles: map[string]string{"github": file}, Getenv: func(k string) string { return env[k] },
		Repos: &server.Repos{Dir: t.TempDir(), Log: slog.New(slog.DiscardHandler)}}
}

// TestRunStopsWithItsContext: Run starts the server with what its setup
// names and returns nil once its context ends and the server drained.
func TestRunStopsWithItsContext(t *testing.T) {
	s := setup(t, nil)
	s.RepositorySpecs = []string{"github:acme/gitops@main"}
	s.ResyncEvery = -1
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := server.Run(ctx, s); err != nil {
		t.Fatalf("Run after its context ended: %v", err)
	}
	if s.Repos.Metrics == nil {
		t.Error("the repositories do not count their requests in the server's metrics")
	}
}

// TestRunRefuses: what Run refuses before it listens.
func TestRunRefuses(t *testing.T) {
	for name, tc := range map[string]struct {
		tune func(*server.Setup)
		want string
	}{
		"no secret":          {func(s *server.Setup) { s.SecretFiles, s.Getenv = nil, func(string) string { return "" } }, "no webhook secret: "},
		"missing file":       {func(s *server.Setup) { s.SecretFiles["gitlab"] = filepath.Join(t.TempDir(), "x") }, "read secret: "},
		"bad repository":     {func(s *server.Setup) { s.RepositorySpecs = []string{"svn:acme/gitops"} }, `--repository "svn:acme/gitops": `},
		"bad address":        {func(s *server.Setup) { s.Addr = "256.0.0.1:1" }, "--addr 256.0.0.1:1: "},
		"environment secret": {func(s *server.Setup) { s.SecretFiles = nil; s.Addr = "x" }, "--addr x: "},
	} {
		t.Run(name, func(t *testing.T) {
			s := setup(t, map[string]string{"PROMOTE_GITLAB_WEBHOOK_TOKEN": "token"})
			tc.tune(&s)
			if err := server.Run(context.Background(), s); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("Run: %v, want %s...", err, tc.want)
			}
		})
	}
}

// TestReposRefuseAnEventWithoutCloneURL: no clone is made for a
// repository the event gives no URL of, and nothing is answered.
func TestReposRefuseAnEventWithoutCloneURL(t *testing.T) {
	r := &server.Repos{Dir: t.TempDir(), Log: slog.New(slog.DiscardHandler)}
	d := server.Delivery{Payload: &forge.Event{Repository: forge.Repository{Forge: "github", Path: "acme/gitops"}}}
	if _, err := r.Process(context.Background(), d); err == nil || !strings.Contains(err.Error(), "no clone URL") {
		t.Errorf("Process: %v", err)
	}
	if err := r.Fail(context.Background(), d, nil); err == nil || !strings.Contains(err.Error(), "no clone URL") {
		t.Errorf("Fail: %v", err)
	}
	if entries, _ := os.ReadDir(r.Dir); len(entries) > 0 {
		t.Errorf("clones made: %v", entries)
	}
	if r.Resyncer(0) != nil || r.Resyncer(-1) != nil {
		t.Error("a resyncer with resync disabled")
	}
	if _, err := r.Resyncer(1)(context.Background(), d.Payload.Repository); err == nil {
		t.Error("resync of a repository without clone URL: no error")
	}
}
