package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStartProfilesWritesWhatTheEnvironmentAsks(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		"PROMOTE_CPUPROFILE": filepath.Join(dir, "cpu.out"),
		"PROMOTE_MEMPROFILE": filepath.Join(dir, "mem.out"),
		"PROMOTE_TRACE":      filepath.Join(dir, "trace.out"),
	}
	stderr, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	startProfiles(func(k string) string { return env[k] }, stderr)()
	for _, name := range env {
		if fi, err := os.Stat(name); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v, want a written profile", name, err)
		}
	}
	bad := filepath.Join(dir, "missing", "cpu.out")
	startProfiles(func(k string) string {
		if k == "PROMOTE_CPUPROFILE" {
			return bad
		}
		return ""
	}, stderr)()
	stderr.Close()
	out, _ := os.ReadFile(filepath.Join(dir, "stderr"))
	if !strings.Contains(string(out), "promote: cpu profile: open "+bad) {
		t.Errorf("stderr = %q, want the cpu profile error naming %s", out, bad)
	}
}
