package workspace

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLocateCommitted: --config may name where promote.yaml lives, never
// another file, since chat commands read promote.yaml from commits.
func TestLocateCommitted(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "deploy")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "promote.yaml"), []byte("environments: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := LocateCommitted(dir, "deploy/promote.yaml")
	if err != nil || w.Dir != sub || w.ConfigFile != "" {
		t.Errorf("--config deploy/promote.yaml: %+v, %v; want the workspace of %s, searched like no --config", w, err, sub)
	}
	if w, err := LocateCommitted(sub, ""); err != nil || w.Dir != sub {
		t.Errorf("no --config: %+v, %v", w, err)
	}
	_, err = LocateCommitted(dir, "deploy/other.yaml")
	if err == nil || !strings.HasPrefix(err.Error(), "--config deploy/other.yaml: chat commands read promote.yaml from the default branch") {
		t.Errorf("--config naming another file: %v", err)
	}
}
