package gitrepo

import (
	"fmt"
	"io/fs"
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
