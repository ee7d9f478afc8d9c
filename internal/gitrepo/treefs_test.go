package gitrepo

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/go-git/go-git/v5/plumbing"
)

// openTreeFS opens the TreeFS of rev in dir.
func openTreeFS(t *testing.T, dir, rev string) (*Repo, fs.FS) {
	t.Helper()
	r := openRepo(t, dir)
	fsys, err := r.TreeFS(revParse(t, dir, rev))
	if err != nil {
		t.Fatal(err)
	}
	return r, fsys
}

func TestTreeFSRead(t *testing.T) {
	dir := newTestRepo(t)
	_, fsys := openTreeFS(t, dir, "HEAD")

	for name, want := range sampleFiles {
		if name == "README.md" {
			want = "hello again\n"
		}
		got, err := fs.ReadFile(fsys, name)
		if err != nil || string(got) != want {
			t.Errorf("ReadFile(%s) = %q, %v; want %q", name, got, err, want)
		}
	}
	if got, err := fs.ReadFile(fsys, "link"); err != nil || string(got) != "README.md" {
		t.Errorf("ReadFile(link) = %q, %v; want the link target", got, err)
	}

	for _, name := range []string{"missing", "apps/zzz", "README.md/x", "apps/a/deploy.yaml/x"} {
		if _, err := fs.ReadFile(fsys, name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ReadFile(%s) error = %v, want ErrNotExist", name, err)
		}
	}
	for _, name := range []string{"/README.md", "./README.md", "apps/../README.md", "apps/"} {
		if _, err := fsys.Open(name); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Open(%s) error = %v, want ErrInvalid", name, err)
		}
	}
	if _, err := fs.ReadFile(fsys, "apps"); err == nil {
		t.Error("ReadFile(apps) on a directory succeeded")
	}

	_, oldFS := openTreeFS(t, dir, "HEAD~1")
	if got, err := fs.ReadFile(oldFS, "README.md"); err != nil || string(got) != "hello\n" {
		t.Errorf("ReadFile(README.md) at HEAD~1 = %q, %v", got, err)
	}
}

func TestTreeFSStatAndReadDir(t *testing.T) {
	dir := newTestRepo(t)
	_, fsys := openTreeFS(t, dir, "HEAD")

	modes := map[string]fs.FileMode{
		".":              fs.ModeDir | 0o755,
		"apps":           fs.ModeDir | 0o755,
		"README.md":      0o644,
		"scripts/run.sh": 0o755,
		"link":           fs.ModeSymlink | 0o777,
	}
	for name, want := range modes {
		fi, err := fs.Stat(fsys, name)
		if err != nil {
			t.Fatalf("Stat(%s): %v", name, err)
		}
		if fi.Mode() != want || !fi.ModTime().IsZero() || fi.IsDir() != want.IsDir() {
			t.Errorf("Stat(%s) mode %v modtime %v, want %v", name, fi.Mode(), fi.ModTime(), want)
		}
	}
	fi, err := fs.Stat(fsys, "README.md")
	if err != nil || fi.Size() != int64(len("hello again\n")) || fi.Name() != "README.md" {
		t.Errorf("Stat(README.md) = %v, %v", fi, err)
	}
	if h, ok := fi.Sys().(plumbing.Hash); !ok || h != revParse(t, dir, "HEAD:README.md") {
		t.Errorf("Stat(README.md).Sys() = %v, want blob hash", fi.Sys())
	}

	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"README.md", "apps", "apps-x", "apps.txt", "link", "scripts"}
	if !slices.Equal(names, want) {
		t.Errorf("ReadDir(.) = %v, want %v", names, want)
	}
	if _, err := fs.ReadDir(fsys, "README.md"); err == nil {
		t.Error("ReadDir(README.md) succeeded on a file")
	}
}

func TestTreeFSWalkDirMatchesGit(t *testing.T) {
	dir := newTestRepo(t)
	_, fsys := openTreeFS(t, dir, "HEAD")
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(runGit(t, dir, "ls-tree", "-r", "--name-only", "HEAD"), "\n")
	slices.Sort(want)
	slices.Sort(files)
	if !slices.Equal(files, want) {
		t.Errorf("WalkDir files = %v\nwant %v", files, want)
	}
}

func TestTreeFSConformance(t *testing.T) {
	dir := newTestRepo(t)
	_, fsys := openTreeFS(t, dir, "HEAD")
	expected := []string{"README.md", "link", "scripts/run.sh"}
	for name := range sampleFiles {
		expected = append(expected, name)
	}
	if err := fstest.TestFS(fsys, expected...); err != nil {
		t.Fatal(err)
	}
	sub, err := fs.Sub(fsys, "apps/b")
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(sub, "kustomization.yaml", "overlays/prod/patch.yaml"); err != nil {
		t.Fatal(err)
	}
}

func TestTreeFSFileReads(t *testing.T) {
	dir := newTestRepo(t)
	_, fsys := openTreeFS(t, dir, "HEAD")
	f, err := fsys.Open("apps/a/deploy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if n, err := f.Read(buf); err != nil || string(buf[:n]) != "kind" {
		t.Errorf("Read = %q, %v", buf[:n], err)
	}
	rest, err := io.ReadAll(f)
	if err != nil || string(rest) != ": Deployment\n" {
		t.Errorf("ReadAll = %q, %v", rest, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Read(buf); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Read after Close error = %v, want ErrClosed", err)
	}

	d, err := fsys.Open("apps")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rd := d.(fs.ReadDirFile)
	first, err := rd.ReadDir(2)
	if err != nil || len(first) != 2 || first[0].Name() != "a" || first[1].Name() != "b" {
		t.Errorf("ReadDir(2) = %v, %v", first, err)
	}
	if _, err := d.Read(buf); err == nil {
		t.Error("Read on a directory succeeded")
	}
}

func TestTreeFSIsLazy(t *testing.T) {
	dir := newTestRepo(t)
	r, fsys := openTreeFS(t, dir, "HEAD")
	if _, err := fs.ReadFile(fsys, "apps/b/overlays/prod/patch.yaml"); err != nil {
		t.Fatal(err)
	}
	// ".", apps, apps/b, apps/b/overlays, apps/b/overlays/prod
	if got := r.trees.loaded; got != 5 {
		t.Errorf("read %d trees reading one file, want 5", got)
	}
	if _, err := fs.ReadFile(fsys, "apps/b/overlays/stage/patch.yaml"); err != nil {
		t.Fatal(err)
	}
	if got := r.trees.loaded; got != 6 {
		t.Errorf("read %d trees after a sibling read, want 6 (cached parents)", got)
	}
}

func TestConcurrentUse(t *testing.T) {
	dir := newTestRepo(t)
	r := openRepo(t, dir)
	head := revParse(t, dir, "HEAD")
	fsys, err := r.TreeFS(head)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 4 {
		wg.Go(func() {
			errs <- fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					_, err = fs.ReadFile(fsys, p)
				}
				return err
			})
		})
		wg.Go(func() {
			_, err := r.CommitFiles(head, []FileChange{{Path: fmt.Sprintf("apps/n%d/x.yaml", i), Data: []byte("x")}}, "c", testSig)
			errs <- err
		})
	}
	wg.Go(func() {
		_, err := r.DirtyFiles([]string{"apps"})
		errs <- err
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
