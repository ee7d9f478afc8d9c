package gitrepo

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// testSig is a fixed signature for commits made in tests.
var testSig = Signature{Name: "Promote Bot", Email: "bot@example.com", When: time.Unix(1700000000, 0).UTC()}

// repoState is what CommitFiles must leave untouched.
type repoState struct {
	status, refs, head string
	index              []byte
}

// snapshot captures the working tree status, index bytes, HEAD and refs.
func snapshot(t *testing.T, dir string) repoState {
	t.Helper()
	index, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	head, err := os.ReadFile(filepath.Join(dir, ".git", "HEAD"))
	if err != nil {
		t.Fatal(err)
	}
	return repoState{
		status: runGit(t, dir, "status", "--porcelain", "--untracked-files=all"),
		refs:   runGit(t, dir, "for-each-ref"),
		head:   string(head),
		index:  index,
	}
}

// checkUntouched fails when the state differs from before.
func checkUntouched(t *testing.T, dir string, before repoState) {
	t.Helper()
	after := snapshot(t, dir)
	if after.status != before.status {
		t.Errorf("git status changed:\nbefore %q\nafter  %q", before.status, after.status)
	}
	if after.refs != before.refs || after.head != before.head {
		t.Errorf("refs or HEAD changed:\nbefore %s %s\nafter  %s %s", before.head, before.refs, after.head, after.refs)
	}
	if !bytes.Equal(after.index, before.index) {
		t.Error(".git/index bytes changed")
	}
}

// fsck runs git fsck and fails on any complaint.
func fsck(t *testing.T, dir string) {
	t.Helper()
	if out, err := gitErr(dir, "fsck", "--full", "--strict", "--no-dangling"); err != nil || out != "" {
		t.Fatalf("git fsck: %v\n%s", err, out)
	}
}

// nameStatus returns the sorted `git diff --name-status` lines.
func nameStatus(t *testing.T, dir string, from, to plumbing.Hash) []string {
	t.Helper()
	out := runGit(t, dir, "diff", "--no-renames", "--name-status", from.String(), to.String())
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	slices.Sort(lines)
	return lines
}

func TestCommitFiles(t *testing.T) {
	dir := newTestRepo(t)
	// A dirty working tree and index that must survive untouched.
	writeFiles(t, dir, map[string]string{"apps/a/deploy.yaml": "edited locally\n", "untracked.txt": "x"})
	writeFiles(t, dir, map[string]string{"apps/b/kustomization.yaml": "staged\n"})
	runGit(t, dir, "add", "apps/b/kustomization.yaml")
	before := snapshot(t, dir)

	r := openRepo(t, dir)
	parent := revParse(t, dir, "HEAD")
	changes := []FileChange{
		{Path: "apps/d/new/deep.yaml", Data: []byte("deep: true\n")},
		{Path: "apps/a/kustomization.yaml", Data: []byte("resources: []\n")},
		{Path: "apps/c/config.yaml", Delete: true},
		{Path: "scripts/deploy.sh", Data: []byte("#!/bin/sh\n"), Executable: true},
		{Path: "apps-x/two.yaml", Data: []byte("x: 2\n")},
		{Path: "apps.d/z.yaml", Data: []byte("z: 1\n")},
	}
	commit, err := r.CommitFiles(parent, changes, "promote apps", testSig)
	if err != nil {
		t.Fatal(err)
	}
	fsck(t, dir)

	want := []string{
		"A apps-x/two.yaml", "A apps.d/z.yaml", "A apps/d/new/deep.yaml",
		"A scripts/deploy.sh", "D apps/c/config.yaml", "M apps/a/kustomization.yaml",
	}
	if got := nameStatus(t, dir, parent, commit); !slices.Equal(got, want) {
		t.Errorf("diff --name-status = %q\nwant %q", got, want)
	}
	if stat := runGit(t, dir, "diff", "--stat", parent.String(), commit.String()); !strings.Contains(stat, "6 files changed") {
		t.Errorf("diff --stat = %s", stat)
	}
	for _, p := range []string{"apps/b", "apps/b/overlays", "apps/a/deploy.yaml", "README.md", "link", "scripts/run.sh"} {
		if a, b := revParse(t, dir, parent.String()+":"+p), revParse(t, dir, commit.String()+":"+p); a != b {
			t.Errorf("%s: hash changed from %s to %s", p, a, b)
		}
	}
	if _, err := gitErr(dir, "rev-parse", "--verify", "-q", commit.String()+":apps/c"); err == nil {
		t.Error("empty directory apps/c still in the tree")
	}
	if got := runGit(t, dir, "ls-tree", commit.String(), "scripts/deploy.sh"); !strings.HasPrefix(got, "100755 blob") {
		t.Errorf("ls-tree scripts/deploy.sh = %q, want mode 100755", got)
	}
	if got := runGit(t, dir, "show", commit.String()+":apps/d/new/deep.yaml"); got != "deep: true" {
		t.Errorf("deep.yaml = %q", got)
	}
	meta := runGit(t, dir, "log", "-1", "--format=%an|%ae|%cn|%ce|%ct|%P|%B", commit.String())
	if want := "Promote Bot|bot@example.com|Promote Bot|bot@example.com|1700000000|" + parent.String() + "|promote apps"; meta != want {
		t.Errorf("commit metadata = %q\nwant %q", meta, want)
	}
	if tree, err := r.TreeOf(commit); err != nil || tree != revParse(t, dir, commit.String()+"^{tree}") {
		t.Errorf("TreeOf = %s, %v", tree, err)
	}
	checkUntouched(t, dir, before)
}

func TestCommitFilesUnchangedTree(t *testing.T) {
	dir := newTestRepo(t)
	r := openRepo(t, dir)
	parent := revParse(t, dir, "HEAD")
	parentTree := revParse(t, dir, "HEAD^{tree}")
	looseBefore := countLooseObjects(t, dir)

	same := []FileChange{{Path: "apps/a/deploy.yaml", Data: []byte(sampleFiles["apps/a/deploy.yaml"])}}
	for i, changes := range [][]FileChange{nil, same} {
		commit, err := r.CommitFiles(parent, changes, fmt.Sprint("noop ", i), testSig)
		if err != nil {
			t.Fatal(err)
		}
		if tree, err := r.TreeOf(commit); err != nil || tree != parentTree {
			t.Errorf("TreeOf(no-op commit) = %s, %v; want parent tree %s", tree, err, parentTree)
		}
		if ps, _ := r.ParentsOf(commit); !slices.Equal(ps, []plumbing.Hash{parent}) {
			t.Errorf("ParentsOf = %v, want [%s]", ps, parent)
		}
	}
	// Only the two commit objects are new: no blob or tree was rewritten.
	if got := countLooseObjects(t, dir) - looseBefore; got != 2 {
		t.Errorf("%d new loose objects, want 2 (the commits)", got)
	}
	fsck(t, dir)
}

// countLooseObjects counts the files under .git/objects/xx/.
func countLooseObjects(t *testing.T, dir string) int {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, ".git", "objects", "??", "*"))
	if err != nil {
		t.Fatal(err)
	}
	return len(matches)
}

func TestCommitFilesEmptyAndRoot(t *testing.T) {
	isolateGit(t)
	dir := t.TempDir()
	runGit(t, dir, "init", "-q")
	r := openRepo(t, dir)

	root, err := r.CommitFiles(plumbing.ZeroHash, []FileChange{{Path: "a/b/c.txt", Data: []byte("c")}}, "root", testSig)
	if err != nil {
		t.Fatal(err)
	}
	if ps, err := r.ParentsOf(root); err != nil || len(ps) != 0 {
		t.Errorf("ParentsOf(root) = %v, %v", ps, err)
	}
	empty, err := r.CommitFiles(root, []FileChange{{Path: "a/b/c.txt", Delete: true}}, "empty", testSig)
	if err != nil {
		t.Fatal(err)
	}
	if tree, _ := r.TreeOf(empty); tree != emptyTree {
		t.Errorf("tree after deleting every file = %s, want the empty tree", tree)
	}
	if err := r.SetRef("refs/heads/main", empty, plumbing.ZeroHash); err != nil {
		t.Fatal(err)
	}
	fsck(t, dir)
	if got := runGit(t, dir, "log", "--format=%s", "main"); got != "empty\nroot" {
		t.Errorf("git log = %q", got)
	}
}

func TestCommitFilesErrors(t *testing.T) {
	dir := newTestRepo(t)
	r := openRepo(t, dir)
	parent := revParse(t, dir, "HEAD")
	data := []byte("x")

	invalid := []string{"", "/abs", "../up", "a/../b", "a//b", "a/./b", "a/", ".", ".git/config", "apps/.git/x", ".GIT/HEAD", "nul\x00"}
	for _, p := range invalid {
		_, err := r.CommitFiles(parent, []FileChange{{Path: p, Data: data}}, "m", testSig)
		if !errors.Is(err, ErrInvalidPath) {
			t.Errorf("CommitFiles(%q) error = %v, want ErrInvalidPath", p, err)
		}
	}

	tests := []struct {
		name    string
		changes []FileChange
		want    string
	}{
		{"delete missing", []FileChange{{Path: "apps/a/nope.yaml", Delete: true}}, `"apps/a/nope.yaml"`},
		{"delete in missing dir", []FileChange{{Path: "nodir/x.yaml", Delete: true}}, `"nodir/x.yaml"`},
		{"delete directory", []FileChange{{Path: "apps/a", Delete: true}}, `"apps/a": is a directory`},
		{"write over directory", []FileChange{{Path: "apps", Data: data}}, `"apps": is a directory`},
		{"write under file", []FileChange{{Path: "README.md/x", Data: data}}, `"README.md": not a directory`},
		{"twice", []FileChange{{Path: "a.txt", Data: data}, {Path: "a.txt", Delete: true}}, `"a.txt": path changed twice`},
		{"file and dir", []FileChange{{Path: "n/a", Data: data}, {Path: "n", Data: data}}, `"n"`},
		{"dir and file", []FileChange{{Path: "n", Data: data}, {Path: "n/a", Data: data}}, `"n/a"`},
	}
	for _, tt := range tests {
		_, err := r.CommitFiles(parent, tt.changes, "m", testSig)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want mention of %s", tt.name, err, tt.want)
		}
	}
	_, err := r.CommitFiles(parent, []FileChange{{Path: "apps/a/nope.yaml", Delete: true}}, "m", testSig)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("delete missing error = %v, want fs.ErrNotExist", err)
	}
	if _, err := r.CommitFiles(parent, nil, "m", Signature{Name: "a<b", Email: "e"}); err == nil {
		t.Error("signature with '<' accepted")
	}
	if _, err := r.CommitFiles(plumbing.NewHash(strings.Repeat("12", 20)), nil, "m", testSig); err == nil {
		t.Error("missing parent accepted")
	}
}

func TestCommitFilesBareClone(t *testing.T) {
	src := newTestRepo(t)
	bare := filepath.Join(t.TempDir(), "bare.git")
	runGit(t, src, "clone", "-q", "--bare", src, bare)
	r := openRepo(t, bare)
	parent, err := r.BranchTip("main")
	if err != nil {
		t.Fatal(err)
	}
	commit, err := r.CommitFiles(parent, []FileChange{
		{Path: "apps/a/deploy.yaml", Data: []byte("kind: Deployment\nreplicas: 2\n")},
		{Path: "apps/e/new.yaml", Data: []byte("e\n")},
	}, "bare commit", testSig)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetRef("refs/heads/main", commit, parent); err != nil {
		t.Fatal(err)
	}
	fsck(t, bare)
	if got := nameStatus(t, bare, parent, commit); !slices.Equal(got, []string{"A apps/e/new.yaml", "M apps/a/deploy.yaml"}) {
		t.Errorf("diff = %q", got)
	}
	if got := revParse(t, bare, "main"); got != commit {
		t.Errorf("main = %s, want %s", got, commit)
	}
	// Packed objects (from the clone) are read and reused.
	if a, b := revParse(t, bare, parent.String()+":apps/b"), revParse(t, bare, commit.String()+":apps/b"); a != b {
		t.Errorf("apps/b changed: %s -> %s", a, b)
	}
}

func TestCommitFilesShallowClone(t *testing.T) {
	src := newTestRepo(t)
	shallow := filepath.Join(t.TempDir(), "shallow")
	runGit(t, src, "clone", "-q", "--depth", "1", "file://"+src, shallow)
	before := snapshot(t, shallow)
	r := openRepo(t, shallow)
	parent, err := r.Resolve("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	commit, err := r.CommitFiles(parent, []FileChange{{Path: "apps/b/overlays/prod/patch.yaml", Data: []byte("replicas: 5\n")}}, "shallow", testSig)
	if err != nil {
		t.Fatal(err)
	}
	fsck(t, shallow)
	if got := nameStatus(t, shallow, parent, commit); !slices.Equal(got, []string{"M apps/b/overlays/prod/patch.yaml"}) {
		t.Errorf("diff = %q", got)
	}
	if err := r.SetRef("refs/heads/promote/prod", commit, plumbing.ZeroHash); err != nil {
		t.Fatal(err)
	}
	if got := runGit(t, shallow, "log", "--format=%s", "promote/prod"); got != "shallow\nsecond" {
		t.Errorf("log = %q", got)
	}
	after := snapshot(t, shallow)
	if after.status != before.status || after.head != before.head || !bytes.Equal(after.index, before.index) {
		t.Error("working tree, index or HEAD changed")
	}
}
