package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

// TestAliasBombUnderMemoryLimit builds promote as it ships (static, no
// cgo) and runs run, validate and plan --rendered over the alias bomb of
// bounded_input.txtar under `ulimit -v 1000000`: each exits 1 naming the
// file and line, within a second, and leaves refs and files alone.
func TestAliasBombUnderMemoryLimit(t *testing.T) {
	if testing.Short() || runtime.GOOS != "linux" {
		t.Skip("builds the binary; linux ulimit")
	}
	for _, tool := range []string{"git", "sh", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip(tool + " not found")
		}
	}
	bin := filepath.Join(t.TempDir(), "promote")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	repo := bombRepo(t)
	head := git(t, repo, "for-each-ref")
	for _, args := range []string{"run --to prod", "validate", "plan --rendered --to prod"} {
		start := time.Now()
		cmd := exec.Command("sh", "-c", "ulimit -v 1000000 && exec \"$0\" "+args, bin)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		took := time.Since(start)
		t.Logf("promote %s: %v under ulimit -v 1000000", args, took.Round(time.Millisecond))
		if code := cmd.ProcessState.ExitCode(); code != 1 {
			t.Fatalf("promote %s: exit %d (%v), want 1\n%s", args, code, err, out)
		}
		if !strings.Contains(string(out), "envs/prod/bomb.yaml:10: alias *a4: expanding aliases makes more than 100000 nodes: refused") {
			t.Errorf("promote %s: no refusal naming the file and line:\n%s", args, out)
		}
		if took > 10*time.Second {
			t.Errorf("promote %s took %v", args, took)
		}
	}
	if got := git(t, repo, "for-each-ref"); got != head {
		t.Errorf("refs changed:\n%s\nwant\n%s", got, head)
	}
	if got := git(t, repo, "status", "--porcelain"); got != "" {
		t.Errorf("working tree changed:\n%s", got)
	}
}

// bombRepo commits the files of testdata/script/bounded_input.txtar.
func bombRepo(t *testing.T) string {
	t.Helper()
	ar, err := txtar.ParseFile("../../testdata/script/bounded_input.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		p := filepath.Join(dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git(t, dir, "init", "-q", "-b", "main")
	git(t, dir, "add", "-A")
	git(t, dir, "-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "-q", "-m", "bomb")
	return dir
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}
