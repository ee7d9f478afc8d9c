package workspace

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/gitops-promote/promote/internal/gitrepo"
)

// TestJailStat checks what Stat returns through the jail: the entry for
// files and directories, the target for links that stay inside the tree
// (to files and to directories, and files below a linked directory), a
// LinkError for links that leave it, and the not-exist error otherwise.
func TestJailStat(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "apps/web/prod"), 0o755))
	must(os.WriteFile(filepath.Join(root, "apps/web/prod/kustomization.yaml"), []byte("images: []\n"), 0o644))
	must(os.WriteFile(filepath.Join(outside, "secret.yaml"), []byte("secret\n"), 0o644))
	must(os.Symlink("prod", filepath.Join(root, "apps/web/live")))
	must(os.Symlink("prod/kustomization.yaml", filepath.Join(root, "apps/web/k.yaml")))
	must(os.Symlink(filepath.Join(outside, "secret.yaml"), filepath.Join(root, "apps/web/out.yaml")))
	must(os.Symlink(outside, filepath.Join(root, "apps/out")))
	j, err := openJail(root)
	must(err)

	for _, name := range []string{"apps", "apps/web/prod", "apps/web/prod/kustomization.yaml", "apps/web/live", "apps/web/k.yaml", "apps/web/live/kustomization.yaml", "."} {
		got, err := j.Stat(name)
		if err != nil {
			t.Errorf("Stat(%s): %v", name, err)
			continue
		}
		want, err := fs.Stat(os.DirFS(root), name)
		must(err)
		if got.Name() != want.Name() || got.IsDir() != want.IsDir() || got.Size() != want.Size() || got.Mode() != want.Mode() || !got.ModTime().Equal(want.ModTime()) {
			t.Errorf("Stat(%s) = %s %v %d %v, want %s %v %d %v", name, got.Name(), got.Mode(), got.Size(), got.ModTime(), want.Name(), want.Mode(), want.Size(), want.ModTime())
		}
	}
	// Twice: the second answer comes from the checked directories.
	for range 2 {
		for _, name := range []string{"apps/web/out.yaml", "apps/out", "apps/out/secret.yaml"} {
			var le *gitrepo.LinkError
			if _, err := j.Stat(name); !errors.As(err, &le) {
				t.Errorf("Stat(%s) = %v, want a LinkError", name, err)
			}
		}
	}
	if _, err := j.Stat("apps/web/missing.yaml"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat of a missing file = %v, want not exist", err)
	}
	if _, err := j.ReadFile("apps/web/out.yaml"); err == nil {
		t.Error("ReadFile through a link leaving the tree succeeded")
	}
	if data, err := j.ReadFile("apps/web/live/kustomization.yaml"); err != nil || string(data) != "images: []\n" {
		t.Errorf("ReadFile through a link inside the tree = %q, %v", data, err)
	}

	// Directories described while reading files below them, then stat'ed:
	// a link to a directory is still described as the directory.
	j, err = openJail(root)
	must(err)
	for _, name := range []string{"apps/web/live/kustomization.yaml", "apps/web/prod/kustomization.yaml"} {
		_, err := j.ReadFile(name)
		must(err)
	}
	for _, name := range []string{"apps/web/live", "apps/web/prod", "apps/web"} {
		got, err := j.Stat(name)
		must(err)
		want, err := fs.Stat(os.DirFS(root), name)
		must(err)
		if !got.IsDir() || got.Mode() != want.Mode() {
			t.Errorf("Stat(%s) after reading below it = %v, want %v", name, got.Mode(), want.Mode())
		}
	}
}
