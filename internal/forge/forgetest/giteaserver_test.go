package forgetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStartGiteaReportsAServerThatExits starts a stand-in binary whose
// migrate and user commands succeed and whose web server exits at once,
// as gitea does when a file it needs is missing: StartGitea returns an
// error quoting the server's output instead of waiting forever.
func TestStartGiteaReportsAServerThatExits(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "gitea")
	script := "#!/bin/sh\ncase \"$1\" in web) echo 'unable to register cron task: translation is missing' >&2; exit 1;; esac\nexit 0\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		g, err := StartGitea(bin, t.TempDir(), GiteaOptions{})
		if g != nil {
			g.Stop()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "gitea web exited") || !strings.Contains(err.Error(), "translation is missing") {
			t.Fatalf("StartGitea = %v, want the exit and the server's output", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("StartGitea did not return after the server exited")
	}
}

func TestGiteaBinaryNeedsLocaleFiles(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "gitea")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(GiteaBinEnv, bin)
	if _, err := GiteaBinary(); err == nil || !strings.Contains(err.Error(), "options/locale") {
		t.Fatalf("GiteaBinary without options/locale = %v, want an error naming it", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "options", "locale"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := GiteaBinary(); err != nil || got != bin {
		t.Fatalf("GiteaBinary = %q, %v; want %q", got, err, bin)
	}
}
