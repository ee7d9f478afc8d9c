package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/testrepo"
	"github.com/gitops-promote/promote/internal/workspace"
)

// TestCommandKeepsItsBuildsInOnePack: a gated run writes the builds it
// kept as one pack under .git/promote/renders when it ends; a re-run on
// unchanged inputs finds them all and writes nothing; with
// PROMOTE_NO_RENDER_CACHE set nothing is kept.
func TestCommandKeepsItsBuildsInOnePack(t *testing.T) {
	isolateGitEnv(t)
	run := func(dir string, env map[string]string) []string {
		t.Helper()
		var stdout, stderr strings.Builder
		f := &Factory{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return env[k] }}
		if code := Run(context.Background(), f, []string{"-C", dir, "run", "--to", "prod", "--forge", "local", "--dry-run"}); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		packs, err := filepath.Glob(filepath.Join(dir, ".git", "promote", "renders", "*.pack"))
		if err != nil {
			t.Fatal(err)
		}
		return packs
	}
	files := testrepo.Files(testrepo.Options{Apps: 6, Ahead: 1, Seed: 1})
	dir := t.TempDir()
	if _, err := testrepo.InitGit(dir, files); err != nil {
		t.Fatal(err)
	}
	first := run(dir, nil)
	if len(first) != 1 {
		t.Fatalf("the first run kept %v, want one pack", first)
	}
	if again := run(dir, nil); len(again) != 1 || again[0] != first[0] {
		t.Errorf("the re-run left %v, want only %v", again, first)
	}
	off := t.TempDir()
	if _, err := testrepo.InitGit(off, files); err != nil {
		t.Fatal(err)
	}
	if packs := run(off, map[string]string{workspace.NoRenderCacheEnv: "1"}); len(packs) != 0 {
		t.Errorf("with %s set the run kept %v", workspace.NoRenderCacheEnv, packs)
	}
}
