package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs promote in process in dir and returns the exit code and
// output.
func runCLI(t *testing.T, dir string, terminal bool, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	f := &Factory{
		Stdin:    strings.NewReader(""),
		Stdout:   &stdout,
		Stderr:   &stderr,
		Getenv:   func(k string) string { return env[k] },
		Terminal: terminal,
	}
	code := Run(context.Background(), f, append([]string{"-C", dir}, args...))
	return code, stdout.String(), stderr.String()
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var twoEnvs = map[string]string{
	"promote.yaml":         "environments:\n- {name: staging, path: s}\n- {name: prod, path: p, from: staging}\n",
	"s/kustomization.yaml": "images:\n- name: web\n  newTag: \"2\"\n",
	"p/kustomization.yaml": "images:\n- name: web\n  newTag: \"1\"\n",
}

func TestPlanExitCodes(t *testing.T) {
	dir := writeTree(t, twoEnvs)
	if code, _, _ := runCLI(t, dir, false, nil, "plan", "--to", "prod"); code != ExitOK {
		t.Errorf("plan without --exit-code: exit %d, want 0", code)
	}
	if code, _, _ := runCLI(t, dir, false, nil, "plan", "--to", "prod", "--exit-code"); code != ExitChanges {
		t.Errorf("plan --exit-code with changes: exit %d, want %d", code, ExitChanges)
	}
	if code, _, stderr := runCLI(t, dir, false, nil, "plan", "--to", "nowhere", "--exit-code"); code != ExitFailure || !strings.Contains(stderr, "unknown environment") {
		t.Errorf("plan of an unknown environment: exit %d (%q), want 1", code, stderr)
	}
	if code, _, _ := runCLI(t, dir, false, nil, "apply", "--to", "prod"); code != ExitOK {
		t.Fatalf("apply: exit %d", code)
	}
	if code, _, _ := runCLI(t, dir, false, nil, "plan", "--to", "prod", "--exit-code"); code != ExitOK {
		t.Errorf("plan --exit-code after apply: exit %d, want 0", code)
	}
}

func TestColorOnlyOnTerminals(t *testing.T) {
	dir := writeTree(t, twoEnvs)
	_, out, _ := runCLI(t, dir, true, map[string]string{"TERM": "xterm"}, "plan", "--to", "prod")
	if !strings.Contains(out, "\x1b[") {
		t.Errorf("terminal output has no colour:\n%q", out)
	}
	for name, env := range map[string]map[string]string{"NO_COLOR": {"NO_COLOR": "1"}, "dumb": {"TERM": "dumb"}} {
		_, out, _ := runCLI(t, dir, true, env, "plan", "--to", "prod")
		if strings.Contains(out, "\x1b") {
			t.Errorf("%s: escape codes in output:\n%q", name, out)
		}
	}
	_, out, _ = runCLI(t, dir, false, nil, "plan", "--to", "prod")
	if strings.Contains(out, "\x1b") {
		t.Errorf("non-terminal output has escape codes:\n%q", out)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, t.TempDir(), false, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "promote ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}
