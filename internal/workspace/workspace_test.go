package workspace

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestLocateBareRepositoryInsideAnotherWorkspace checks that a bare
// repository nested under a directory holding promote.yaml is its own
// workspace (configuration from its commits), not the parent's.
func TestLocateBareRepositoryInsideAnotherWorkspace(t *testing.T) {
	outer := t.TempDir()
	if err := os.WriteFile(filepath.Join(outer, "promote.yaml"), []byte("environments: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bare := filepath.Join(outer, "nested", "repo.git")
	if out, err := exec.Command("git", "init", "-q", "--bare", bare).CombinedOutput(); err != nil {
		t.Fatalf("git init --bare: %v\n%s", err, out)
	}
	w, err := Locate(bare, "")
	if err != nil {
		t.Fatal(err)
	}
	if w.Dir != "" {
		t.Errorf("workspace dir %q: a bare repository took the parent's promote.yaml", w.Dir)
	}
	if plain, err := Locate(filepath.Join(outer, "nested"), ""); err != nil || plain.Dir != outer {
		t.Errorf("a plain subdirectory should use the parent's promote.yaml: %+v, %v", plain, err)
	}
}
