package gitrepo

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// TestCommitFilesObjectsReadLikeGit reads back, through the repository's
// object reader, every object of a packed and of a loose commit written
// by CommitFiles, and compares each with git cat-file.
func TestCommitFilesObjectsReadLikeGit(t *testing.T) {
	dir := newTestRepo(t)
	r := openRepo(t, dir)
	defer r.Close()
	if r.objs == nil {
		t.Fatal("the repository is read through go-git, not objread")
	}
	head := revParse(t, dir, "HEAD")
	var many []FileChange
	for i := range 2 * packThreshold {
		many = append(many, FileChange{Path: fmt.Sprintf("apps/n%03d/config.yaml", i), Data: fmt.Appendf(nil, "n: %d\n", i)})
	}
	sig := Signature{Name: "t", Email: "t@example.com"}
	packed, err := r.CommitFiles(head, many, "many files\n", sig)
	if err != nil {
		t.Fatal(err)
	}
	loose, err := r.CommitFiles(packed, []FileChange{{Path: "README.md", Data: []byte("three\n")}}, "one file\n", sig)
	if err != nil {
		t.Fatal(err)
	}
	runGit(t, dir, "update-ref", "refs/heads/main", loose.String())
	listed := runGit(t, dir, "rev-list", "--objects", "HEAD~2..HEAD")
	n := 0
	for line := range strings.Lines(listed) {
		h := plumbing.NewHash(strings.Fields(line)[0])
		want := runGit(t, dir, "cat-file", "-p", h.String())
		typ := runGit(t, dir, "cat-file", "-t", h.String())
		if typ == "tree" {
			continue // cat-file -p pretty-prints trees; checked through TreeFS below
		}
		got, err := r.readUnlocked(plumbing.AnyObject, h)
		if err != nil {
			t.Fatalf("read %s %s: %v", typ, h, err)
		}
		if strings.TrimRight(string(got), "\n") != want {
			t.Fatalf("%s %s: read %q, git has %q", typ, h, got, want)
		}
		n++
	}
	if n < 2*packThreshold {
		t.Fatalf("compared %d objects, want at least %d", n, 2*packThreshold)
	}
	tree, err := r.TreeFS(loose)
	if err != nil {
		t.Fatal(err)
	}
	ls := strings.Fields(runGit(t, dir, "ls-tree", "-r", "--name-only", "HEAD"))
	var walked []string
	err = fs.WalkDir(tree, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			walked = append(walked, p)
		}
		return err
	})
	slices.Sort(ls)
	slices.Sort(walked)
	if err != nil || !slices.Equal(walked, ls) {
		t.Fatalf("TreeFS lists (%v)\n%q\ngit\n%q", err, walked, ls)
	}
}

// TestObjectReaderWorktreeAndAlternates: a linked worktree reads the
// common directory's objects, and a clone made with --shared those of its
// alternate, both through objread.
func TestObjectReaderWorktreeAndAlternates(t *testing.T) {
	dir := newTestRepo(t)
	wt := filepath.Join(t.TempDir(), "wt")
	runGit(t, dir, "worktree", "add", "-q", "-b", "feature", wt)
	shared := filepath.Join(t.TempDir(), "shared")
	runGit(t, "", "clone", "-q", "--shared", dir, shared)
	want := runGit(t, dir, "show", "HEAD:README.md")
	for _, d := range []string{wt, shared} {
		r := openRepo(t, d)
		if r.objs == nil {
			t.Errorf("%s is read through go-git, not objread", d)
		}
		tree, err := r.TreeFS(revParse(t, d, "HEAD"))
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		got, err := fs.ReadFile(tree, "README.md")
		if err != nil || strings.TrimRight(string(got), "\n") != want {
			t.Errorf("%s: README.md = %q, %v; git has %q", d, got, err, want)
		}
		_ = r.Close()
	}
}

// TestGoGitFallbackReadsTheSame reads the same commits, trees, history and
// revisions through objread and through go-git, the reader used when
// objread cannot open the object directory.
func TestGoGitFallbackReadsTheSame(t *testing.T) {
	dir := newTestRepo(t)
	writeFiles(t, dir, map[string]string{"apps/a/kustomization.yaml": "resources: [deploy.yaml]\n# edited\n"})
	runGit(t, dir, "commit", "-q", "-am", "third")
	runGit(t, dir, "tag", "-a", "-m", "release", "v1", "HEAD~1")
	short := runGit(t, dir, "rev-parse", "--short=7", "HEAD")
	fast, slow := openRepo(t, dir), openRepo(t, dir)
	defer fast.Close()
	_ = slow.objs.Close()
	slow.objs = nil
	read := func(r *Repo) string {
		var b strings.Builder
		for _, rev := range []string{"HEAD", "HEAD~1", "HEAD^1~1", "main^0", "v1", "v1~1", "refs/tags/v1", short, short + "~2", "HEAD~3", "HEAD^2"} {
			// The messages differ: go-git's for a missing parent is "EOF".
			h, err := r.Resolve(rev)
			fmt.Fprintf(&b, "%s %s resolved %v\n", rev, h, err == nil)
		}
		tip, _ := r.Resolve("HEAD")
		for pc, err := range r.PathLog(tip, LogOptions{Patterns: []string{"apps/*"}}) {
			fmt.Fprintf(&b, "log %s %s %q %v %v\n", pc.Hash, pc.Parent, pc.Message, pc.Paths, err)
		}
		tree, err := r.TreeFS(tip)
		if err != nil {
			return err.Error()
		}
		err = fs.WalkDir(tree, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				data, rerr := fs.ReadFile(tree, p)
				fmt.Fprintf(&b, "file %s %q %v\n", p, data, rerr)
			}
			return err
		})
		edge, _, ok, err := r.ShallowEdge(tip)
		fmt.Fprintf(&b, "walk %v shallow %d %v %v\n", err, edge, ok, err)
		return b.String()
	}
	got, want := read(fast), read(slow)
	if got != want || strings.Count(got, "log ") != 2 || strings.Count(got, "resolved true") != 9 {
		t.Errorf("objread reads\n%s\ngo-git reads\n%s", got, want)
	}
}
