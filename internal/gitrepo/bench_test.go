package gitrepo

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// monorepoFiles are the files of each app in the generated monorepo.
var monorepoFiles = []string{"base/kustomization.yaml", "overlays/prod/kustomization.yaml", "overlays/staging/kustomization.yaml"}

// appPath returns the path of file f of app i in the generated monorepo.
func appPath(i int, f string) string { return fmt.Sprintf("apps/app-%05d/%s", i, f) }

// makeMonorepo creates a bare repository whose main branch has apps
// applications of 5 directories and 3 files each, imported in one pack
// with git fast-import. It returns the directory and the commit.
func makeMonorepo(tb testing.TB, apps int) (string, plumbing.Hash) {
	tb.Helper()
	isolateGit(tb)
	dir := tb.TempDir()
	runGit(tb, dir, "init", "-q", "--bare")
	var stream bytes.Buffer
	stream.WriteString("commit refs/heads/main\ncommitter Gen <gen@example.com> 1700000000 +0000\ndata 4\ninit\n")
	for i := range apps {
		for _, f := range monorepoFiles {
			data := fmt.Sprintf("app: %d\nfile: %s\n", i, f)
			fmt.Fprintf(&stream, "M 100644 inline %s\ndata %d\n%s\n", appPath(i, f), len(data), data)
		}
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = dir
	cmd.Stdin = &stream
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("git fast-import: %v\n%s", err, out)
	}
	return dir, revParse(tb, dir, "main")
}

func TestCommitFilesMonorepoTouchesOnlyChangedPaths(t *testing.T) {
	dir, head := makeMonorepo(t, 1000)
	r := openRepo(t, dir)
	changed := appPath(42, "overlays/prod/kustomization.yaml")
	commit, err := r.CommitFiles(head, []FileChange{{Path: changed, Data: []byte("replicas: 9\n")}}, "bump", testSig)
	if err != nil {
		t.Fatal(err)
	}
	// root, apps, app-00042, overlays, prod
	if r.trees.loaded != 5 || r.trees.decoded.Load() != 0 || r.trees.encoded != 5 {
		t.Errorf("read %d, decoded %d and encoded %d trees, want 5, 0 and 5", r.trees.loaded, r.trees.decoded.Load(), r.trees.encoded)
	}
	if got := nameStatus(t, dir, head, commit); len(got) != 1 || got[0] != "M "+changed {
		t.Errorf("diff = %q", got)
	}
	for _, p := range []string{appPath(41, ""), appPath(42, "base"), appPath(42, "overlays/staging")} {
		if a, b := revParse(t, dir, head.String()+":"+p), revParse(t, dir, commit.String()+":"+p); a != b {
			t.Errorf("%s changed: %s -> %s", p, a, b)
		}
	}
	fsck(t, dir)
}

func BenchmarkCommitFiles(b *testing.B) {
	dir, head := makeMonorepo(b, 10000)
	// files=1000 adds packs to the fixture, so it runs last.
	b.Run("files=1", func(b *testing.B) { benchCommit(b, openRepo(b, dir), head, 1) })
	b.Run("files=1/cold", func(b *testing.B) {
		b.ReportAllocs()
		seq := 0
		for b.Loop() {
			r := openRepo(b, dir)
			seq++
			changes := []FileChange{{Path: appPath(5000, monorepoFiles[1]), Data: fmt.Appendf(nil, "cold %d\n", seq)}}
			if _, err := r.CommitFiles(head, changes, "bench", testSig); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("files=1000", func(b *testing.B) { benchCommit(b, openRepo(b, dir), head, 1000) })
}

// benchCommit commits n changed files per iteration on top of head.
func benchCommit(b *testing.B, r *Repo, head plumbing.Hash, n int) {
	b.ReportAllocs()
	seq := 0
	changes := make([]FileChange, n)
	for b.Loop() {
		seq++
		for i := range changes {
			changes[i] = FileChange{Path: appPath(i*10000/n, monorepoFiles[1]), Data: fmt.Appendf(nil, "replicas: %d\n", seq)}
		}
		if _, err := r.CommitFiles(head, changes, "bench", testSig); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTreeFSReadFileCold(b *testing.B) {
	dir, head := makeMonorepo(b, 10000)
	b.ReportAllocs()
	decoded := 0
	for b.Loop() {
		r := openRepo(b, dir)
		fsys, err := r.TreeFS(head)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := fs.ReadFile(fsys, appPath(7777, monorepoFiles[2])); err != nil {
			b.Fatal(err)
		}
		decoded += r.trees.loaded
	}
	b.ReportMetric(float64(decoded)/float64(b.N), "trees/op")
}

func TestCommitFilesWritesPackForLargeChanges(t *testing.T) {
	dir, head := makeMonorepo(t, 300)
	packs := func() int {
		m, _ := filepath.Glob(filepath.Join(dir, "objects", "pack", "*.pack"))
		return len(m)
	}
	before := packs()
	r := openRepo(t, dir)
	var changes []FileChange
	for i := range 200 {
		changes = append(changes, FileChange{Path: appPath(i, monorepoFiles[1]), Data: fmt.Appendf(nil, "replicas: %d\n", i)})
	}
	c1, err := r.CommitFiles(head, changes, "bulk", testSig)
	if err != nil {
		t.Fatal(err)
	}
	if got := packs(); got != before+1 {
		t.Errorf("%d packs after a 200-file commit, want %d", got, before+1)
	}
	// The same Repo and a fresh one read objects from the new pack.
	c2, err := r.CommitFiles(c1, []FileChange{{Path: appPath(0, monorepoFiles[1]), Delete: true}}, "more", testSig)
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := openRepo(t, dir).TreeFS(c2)
	if err != nil {
		t.Fatal(err)
	}
	if data, err := fs.ReadFile(fsys, appPath(199, monorepoFiles[1])); err != nil || string(data) != "replicas: 199\n" {
		t.Errorf("ReadFile from new pack = %q, %v", data, err)
	}
	fsck(t, dir)
	if got := nameStatus(t, dir, head, c1); len(got) != 200 {
		t.Errorf("diff has %d entries, want 200", len(got))
	}
	if got := runGit(t, dir, "log", "--format=%s", c2.String()); got != "more\nbulk\ninit" {
		t.Errorf("log = %q", got)
	}
}

// BenchmarkDirtyFiles checks the overlay directories of 2,000 apps for
// uncommitted edits, as a promotion of every app does, with the index
// refreshed (files are compared by their stat data) and without one
// (every file is hashed).
func BenchmarkDirtyFiles(b *testing.B) {
	isolateGit(b)
	dir := b.TempDir()
	runGit(b, dir, "init", "-q")
	runGit(b, dir, "config", "gc.auto", "0") // no gc in the background while the directory is removed
	const apps = 2000
	files := map[string]string{}
	var prefixes []string
	for i := range apps {
		for _, f := range monorepoFiles {
			files[appPath(i, f)] = fmt.Sprintf("app: %d\nfile: %s\n", i, f)
		}
		prefixes = append(prefixes, appPath(i, "overlays/prod"))
	}
	writeFiles(b, dir, files)
	runGit(b, dir, "add", "-A")
	runGit(b, dir, "commit", "-q", "-m", "apps")
	for _, index := range []bool{true, false} {
		b.Run(fmt.Sprintf("index=%v", index), func(b *testing.B) {
			if !index {
				if err := os.Remove(filepath.Join(dir, ".git", "index")); err != nil {
					b.Fatal(err)
				}
			}
			r := openRepo(b, dir)
			b.ReportAllocs()
			for b.Loop() {
				if got, err := r.DirtyFiles(prefixes); err != nil || len(got) != 0 {
					b.Fatalf("DirtyFiles = %d files, %v", len(got), err)
				}
			}
		})
	}
}
