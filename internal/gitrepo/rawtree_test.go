package gitrepo

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// gitIn runs the git binary in dir with stdin and returns its trimmed
// stdout.
func gitIn(tb testing.TB, dir string, stdin []byte, env []string, args ...string) string {
	tb.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Env = append(cmd.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		tb.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return strings.TrimSpace(string(out))
}

// spliceTreeEntries is the root of the tree the splice tests edit: names
// that are prefixes of others, a file and a subtree sharing a prefix
// ("foo.txt" < "foo" as a tree < "foo0" in Git order, while "foo" <
// "foo.txt" by name), a symbolic link and an executable.
var spliceTreeEntries = map[string]string{
	"a":            "100644",
	"app-1/f":      "100644",
	"app-1.x":      "100644",
	"app-1-a":      "100644",
	"app-10/only":  "100644",
	"app/x":        "100644",
	"app.txt":      "100644",
	"foo-bar":      "100644",
	"foo.txt":      "100644",
	"foo/x":        "100644",
	"foo0":         "100644",
	"link":         "120000",
	"run.sh":       "100755",
	"sub/deep/f":   "100644",
	"sub/deep/g":   "100644",
	"sub/other/z":  "100644",
	"zz":           "100644",
	"zz-last/file": "100644",
}

// spliceRepo makes a bare repository whose main branch has the files of
// spliceTreeEntries, committed through git's index.
func spliceRepo(t *testing.T) (string, plumbing.Hash) {
	t.Helper()
	isolateGit(t)
	dir := t.TempDir()
	runGit(t, dir, "init", "-q", "--bare")
	env := []string{"GIT_INDEX_FILE=" + t.TempDir() + "/index"}
	for _, p := range slices.Sorted(maps.Keys(spliceTreeEntries)) {
		blob := gitIn(t, dir, []byte("content of "+p+"\n"), nil, "hash-object", "-w", "--stdin")
		gitIn(t, dir, nil, env, "update-index", "--add", "--cacheinfo", spliceTreeEntries[p]+","+blob+","+p)
	}
	tree := gitIn(t, dir, nil, env, "write-tree")
	commit := gitIn(t, dir, nil, []string{"GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com"}, "commit-tree", tree, "-m", "base")
	runGit(t, dir, "update-ref", "refs/heads/main", commit)
	return dir, plumbing.NewHash(commit)
}

// gitTreeAfter returns the tree git writes for the tree of base with
// changes applied through its index.
func gitTreeAfter(t *testing.T, dir string, base plumbing.Hash, changes []FileChange) plumbing.Hash {
	t.Helper()
	env := []string{"GIT_INDEX_FILE=" + t.TempDir() + "/index"}
	gitIn(t, dir, nil, env, "read-tree", base.String())
	for _, c := range changes {
		if c.Delete {
			// Mode 0 removes the path (--force-remove needs a work tree).
			gitIn(t, dir, []byte("0 "+plumbing.ZeroHash.String()+"\t"+c.Path+"\n"), env, "update-index", "--index-info")
			continue
		}
		blob := gitIn(t, dir, c.Data, nil, "hash-object", "-w", "--stdin")
		mode := "100644"
		if c.Executable {
			mode = "100755"
		}
		gitIn(t, dir, nil, env, "update-index", "--add", "--cacheinfo", mode+","+blob+","+c.Path)
	}
	return plumbing.NewHash(gitIn(t, dir, nil, env, "write-tree"))
}

func TestCommitFilesSplicesTreesAsGitWrites(t *testing.T) {
	data := func(s string) []byte { return []byte(s + "\n") }
	cases := map[string][]FileChange{
		"first entry":                       {{Path: "a", Data: data("new a")}},
		"last entry":                        {{Path: "zz-last/file", Data: data("new")}},
		"last file before a last subtree":   {{Path: "zz", Data: data("new zz")}},
		"subtree whose name prefixes files": {{Path: "app-1/f", Data: data("new f")}},
		"subtree after a longer file name":  {{Path: "foo/x", Data: data("new x")}},
		"file prefixing others":             {{Path: "app-1.x", Data: data("new")}},
		"add before everything":             {{Path: "0", Data: data("zero")}},
		"add after everything":              {{Path: "~", Data: data("tilde")}},
		"add a prefix of every app":         {{Path: "app-", Data: data("dash")}},
		"add a file named like a subtree":   {{Path: "app-10.txt", Data: data("x")}},
		"add a subtree before its prefix":   {{Path: "app-1.w/new", Data: data("w")}},
		"add a subtree between prefixes":    {{Path: "foo.d/new", Data: data("d")}},
		"add a file between foo.txt and foo/": {
			{Path: "foo.zz", Data: data("after foo.txt, before foo/")},
		},
		"add a subtree after its file twin": {{Path: "foo-bar.d/x", Data: data("x")}},
		"add in a subtree":                  {{Path: "app-1/e", Data: data("e")}, {Path: "app-1/g", Data: data("g")}},
		"delete a file":                     {{Path: "app-1.x", Delete: true}},
		"delete the first and last":         {{Path: "a", Delete: true}, {Path: "zz-last/file", Delete: true}},
		"delete a subtree's only file":      {{Path: "app-10/only", Delete: true}},
		"replace a link by a file":          {{Path: "link", Data: data("now a file")}},
		"drop the executable bit":           {{Path: "run.sh", Data: data("#!/bin/sh")}},
		"set the executable bit":            {{Path: "foo0", Data: data("#!/bin/sh"), Executable: true}},
		"deep edit":                         {{Path: "sub/deep/f", Data: data("deep")}, {Path: "sub/deep/new/x", Data: data("x")}},
		"unchanged content":                 {{Path: "a", Data: data("content of a")}},
		"many at once": {
			{Path: "0", Data: data("0")}, {Path: "a", Delete: true}, {Path: "app-1.x", Data: data("x")},
			{Path: "app-1.w/new", Data: data("w")}, {Path: "app-10/only", Delete: true}, {Path: "app-", Data: data("-")},
			{Path: "foo/y", Data: data("y")}, {Path: "foo.zz", Data: data("zz")}, {Path: "sub/other/z", Delete: true},
			{Path: "zz", Delete: true}, {Path: "~", Data: data("~")},
		},
	}
	dir, base := spliceRepo(t)
	for name, changes := range cases {
		t.Run(name, func(t *testing.T) {
			r := openRepo(t, dir)
			commit, err := r.CommitFiles(base, changes, name, testSig)
			if err != nil {
				t.Fatal(err)
			}
			want := gitTreeAfter(t, dir, base, changes)
			if got := revParse(t, dir, commit.String()+"^{tree}"); got != want {
				t.Errorf("tree %s, git writes %s:\n%s\nwant\n%s", got, want,
					runGit(t, dir, "ls-tree", "-r", "-t", got.String()), runGit(t, dir, "ls-tree", "-r", "-t", want.String()))
			}
			got := slices.DeleteFunc(nameStatus(t, dir, base, commit), func(s string) bool { return s == "" })
			if want := changedPaths(changes); !slices.Equal(got, want) {
				t.Errorf("git diff --name-status = %q, want %q", got, want)
			}
			if n := r.trees.decoded.Load(); n != 0 {
				t.Errorf("decoded %d trees, want none", n)
			}
		})
	}
	fsck(t, dir)
}

// changedPaths is what git diff --name-status lists for changes whose
// content differs from spliceRepo's.
func changedPaths(changes []FileChange) []string {
	var out []string
	for _, c := range changes {
		mode, existed := spliceTreeEntries[c.Path]
		switch {
		case c.Delete:
			out = append(out, "D "+c.Path)
		case !existed:
			out = append(out, "A "+c.Path)
		case mode == "120000":
			out = append(out, "T "+c.Path)
		case string(c.Data) != "content of "+c.Path+"\n" || (mode == "100755") != c.Executable:
			out = append(out, "M "+c.Path)
		}
	}
	slices.Sort(out)
	return out
}

func TestCommitFilesSpliceErrors(t *testing.T) {
	dir, base := spliceRepo(t)
	cases := []struct {
		change FileChange
		want   string
		is     error
	}{
		{FileChange{Path: "app-1.y", Delete: true}, `delete "app-1.y"`, fs.ErrNotExist},
		{FileChange{Path: "app-1/missing", Delete: true}, `delete "app-1/missing"`, fs.ErrNotExist},
		{FileChange{Path: "app-", Delete: true}, `delete "app-"`, fs.ErrNotExist},
		{FileChange{Path: "app-1.x/under", Data: []byte("x")}, `change under "app-1.x": not a directory`, nil},
		{FileChange{Path: "foo", Data: []byte("x")}, `change "foo": is a directory`, nil},
	}
	for _, c := range cases {
		r := openRepo(t, dir)
		_, err := r.CommitFiles(base, []FileChange{c.change}, "bad", testSig)
		if err == nil || !strings.Contains(err.Error(), c.want) || (c.is != nil && !errors.Is(err, c.is)) {
			t.Errorf("%s: error %v, want %q", c.change.Path, err, c.want)
		}
	}
}

func TestTreeLookupMatchesGit(t *testing.T) {
	dir, base := spliceRepo(t)
	r := openRepo(t, dir)
	fsys, err := r.TreeFS(base)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"0", "a", "a0", "app", "app-", "app-1", "app-1.", "app-1.x", "app-1.y", "app-1-a", "app-10",
		"app-10/only", "app-100", "app.txt", "app/x", "foo", "foo-bar", "foo.txt", "foo/x", "foo/y", "foo0", "foo1",
		"link", "run.sh", "sub", "sub/deep", "sub/deep/f", "sub/deep/h", "sub/other/z", "zz", "zz-last", "zz-last/file", "~"}
	for _, name := range names {
		want, gitErr := gitErr(dir, "rev-parse", "--verify", "-q", base.String()+":"+name)
		fi, err := fs.Stat(fsys, name)
		switch {
		case gitErr != nil && !errors.Is(err, fs.ErrNotExist):
			t.Errorf("Stat(%q) = %v, %v; git finds no such entry", name, fi, err)
		case gitErr == nil && err != nil:
			t.Errorf("Stat(%q): %v; git finds %s", name, err, want)
		case gitErr == nil && fi.Sys().(plumbing.Hash).String() != want:
			t.Errorf("Stat(%q) = %v; git finds %s", name, fi.Sys(), want)
		}
	}
	if n := r.trees.decoded.Load(); n != 0 {
		t.Errorf("decoded %d trees looking up paths, want none", n)
	}
}

// literalTree writes a tree object with the raw content given, which
// need not be in canonical form.
func literalTree(t *testing.T, dir string, entries ...string) plumbing.Hash {
	t.Helper()
	return plumbing.NewHash(gitIn(t, dir, []byte(strings.Join(entries, "")), nil, "hash-object", "-t", "tree", "--literally", "-w", "--stdin"))
}

// rawEntryBytes encodes a tree entry with a mode written as given.
func rawEntryBytes(mode, name string, hash plumbing.Hash) string {
	return mode + " " + name + "\x00" + string(hash[:])
}

func TestCommitFilesRewritesNonCanonicalTrees(t *testing.T) {
	isolateGit(t)
	dir := t.TempDir()
	runGit(t, dir, "init", "-q", "--bare")
	blob := func(s string) plumbing.Hash {
		return plumbing.NewHash(gitIn(t, dir, []byte(s), nil, "hash-object", "-w", "--stdin"))
	}
	sub := literalTree(t, dir, rawEntryBytes("100644", "f", blob("f")))
	cases := map[string]plumbing.Hash{
		// Out of Git order: "b" before "a", the subtree "x" before "x.txt".
		"unsorted": literalTree(t, dir, rawEntryBytes("100644", "b", blob("b")), rawEntryBytes("100644", "a", blob("a")),
			rawEntryBytes("40000", "x", sub), rawEntryBytes("100644", "x.txt", blob("x"))),
		// Modes with a leading zero, as some old tools wrote them.
		"leading zeros": literalTree(t, dir, rawEntryBytes("0100644", "a", blob("a")), rawEntryBytes("100644", "b", blob("b")),
			rawEntryBytes("040000", "x", sub)),
	}
	for name, tree := range cases {
		t.Run(name, func(t *testing.T) {
			commit := plumbing.NewHash(gitIn(t, dir, nil, []string{"GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com"}, "commit-tree", tree.String(), "-m", name))
			r := openRepo(t, dir)
			got, err := r.CommitFiles(commit, []FileChange{{Path: "b", Data: []byte("new b")}}, "edit", testSig)
			if err != nil {
				t.Fatal(err)
			}
			// git mktree sorts its input and writes canonical modes; ls-tree
			// prints the entries as stored.
			listing := strings.ReplaceAll(runGit(t, dir, "ls-tree", tree.String()), blob("b").String()+"\tb", blob("new b").String()+"\tb")
			want := gitIn(t, dir, []byte(listing+"\n"), nil, "mktree")
			if tree := revParse(t, dir, got.String()+"^{tree}"); tree.String() != want {
				t.Errorf("tree %s, want %s (git mktree of the edited listing)", tree, want)
			}
			fi, err := fs.Stat(mustTreeFS(t, r, commit), "x/f")
			if err != nil || fi.Sys().(plumbing.Hash) != blob("f") {
				t.Errorf("Stat(x/f) = %v, %v", fi, err)
			}
		})
	}
}

// mustTreeFS returns the TreeFS of commit.
func mustTreeFS(t *testing.T, r *Repo, commit plumbing.Hash) fs.FS {
	t.Helper()
	fsys, err := r.TreeFS(commit)
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

func TestRawTreeMalformed(t *testing.T) {
	h := strings.Repeat("\x01", 20)
	cases := map[string]string{
		"no mode":          "a\x00" + h,
		"empty mode":       " a\x00" + h,
		"non-octal mode":   "100648 a\x00" + h,
		"mode overflow":    "777777777777 a\x00" + h,
		"no NUL":           "100644 a",
		"truncated hash":   "100644 a\x00" + h[:19],
		"trailing bytes":   "100644 a\x00" + h + "1",
		"second entry cut": "100644 a\x00" + h + "100644 b\x00" + h[:5],
	}
	for name, raw := range cases {
		if _, err := parseRawTree([]byte(raw)); err == nil {
			t.Errorf("%s: parsed %q", name, raw)
		}
		if _, err := decodeTree([]byte(raw)); err == nil {
			t.Errorf("%s: decodeTree parsed %q", name, raw)
		}
	}
}

// spliceByDecoding applies edits the way CommitFiles did before trees
// were spliced: decode, edit the entries, sort and encode.
func spliceByDecoding(entries []treeEntry, edits []treeEdit) []byte {
	entries = slices.Clone(entries)
	var added []treeEntry
	for _, e := range edits {
		if e.replace {
			entries[e.at] = e.entry
		} else {
			added = append(added, e.entry)
		}
	}
	entries = slices.DeleteFunc(append(entries, added...), func(e treeEntry) bool { return e.hash.IsZero() })
	slices.SortStableFunc(entries, compareEntries)
	return encodeTree(entries)
}

// FuzzRawTree checks that hostile tree bytes give an error, never a
// panic, and that lookups and splices of a tree that parses agree with
// decoding and re-encoding it.
func FuzzRawTree(f *testing.F) {
	h := strings.Repeat("\x07", 20)
	f.Add([]byte("100644 a\x00"+h+"40000 b\x00"+h+"100644 b.txt\x00"+h), "b", "c")
	f.Add([]byte("40000 foo\x00"+h+"100644 foo.txt\x00"+h+"100644 foo-bar\x00"+h), "foo", "foo.d")
	f.Add([]byte("0100644 z\x00"+h+"100755 a\x00"+h), "a", "")
	f.Add([]byte("100644 a\x00"+h+"100644 a\x00"+h), "a", "a")
	f.Add([]byte("120000 x\x00"+h[:3]), "x", "y")
	f.Fuzz(func(t *testing.T, raw []byte, name, add string) {
		tree, err := parseRawTree(raw)
		want, decErr := decodeTree(raw)
		if (err == nil) != (decErr == nil) {
			t.Fatalf("parseRawTree error %v, decodeTree error %v", err, decErr)
		}
		if err != nil {
			return
		}
		var count atomic.Int64
		got, err := tree.decoded(&count)
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("decoded %v, %v; decodeTree gives %v", got, err, want)
		}
		if i, j := tree.find(name), findEntry(want, name); i != j {
			t.Fatalf("find(%q) = %d, findEntry = %d", name, i, j)
		}
		var edits []treeEdit
		if i := tree.find(name); i >= 0 {
			e := tree.entry(i)
			if e != want[i] {
				t.Fatalf("entry(%d) = %v, want %v", i, e, want[i])
			}
			e.hash = plumbing.ZeroHash // delete it
			if len(name)%2 == 0 {
				e.hash = plumbing.NewHash(fmt.Sprintf("%040x", len(add)+1))
			}
			edits = append(edits, treeEdit{at: i, replace: true, entry: e})
		}
		if add != "" && !strings.ContainsRune(add, 0) && tree.find(add) < 0 {
			e := treeEntry{name: add, mode: 0o100644, hash: plumbing.NewHash(fmt.Sprintf("%040x", 7))}
			if len(add)%2 == 1 {
				e.mode = 0o40000
			}
			edits = append(edits, treeEdit{at: tree.insertAt([]byte(add), e.isDir()), entry: e})
		}
		wantBytes := spliceByDecoding(want, edits)
		if got := bytes.Join(tree.splice(edits), nil); !bytes.Equal(got, wantBytes) {
			t.Fatalf("splice = %q, encoding the edited entries gives %q", got, wantBytes)
		}
	})
}

func TestCommitFilesWritesLooseObjectsAsGit(t *testing.T) {
	dir, base := spliceRepo(t)
	r := openRepo(t, dir)
	data := bytes.Repeat([]byte("replicas: 3\n"), 1000)
	commit, err := r.CommitFiles(base, []FileChange{{Path: "sub/deep/f", Data: data}}, "loose", testSig)
	if err != nil {
		t.Fatal(err)
	}
	// The blob, sub/deep, sub, the root and the commit.
	for _, rev := range []string{commit.String() + ":sub/deep/f", commit.String() + ":sub/deep", commit.String() + ":sub", commit.String() + "^{tree}", commit.String()} {
		h := runGit(t, dir, "rev-parse", rev)
		p := filepath.Join(dir, "objects", h[:2], h[2:])
		raw, err := os.ReadFile(p)
		// 0x78 0x01: a zlib stream at the fastest level, git's default for
		// loose objects, or stored.
		if err != nil || len(raw) < 3 || raw[0] != 0x78 || raw[1] != 0x01 {
			t.Fatalf("%s: zlib header % x, want 78 01", rev, raw[:min(2, len(raw))])
		}
		// The first deflate block's type: 0 stored, else compressed. The
		// blob is larger than storedBelow.
		if stored, want := raw[2]&0x06 == 0, !strings.HasSuffix(rev, ":sub/deep/f"); stored != want {
			t.Errorf("%s: stored %v, want %v", rev, stored, want)
		}
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o444 {
			t.Errorf("%s: mode %v, %v; want -r--r--r-- as git writes objects", rev, fi.Mode(), err)
		}
	}
	if got := gitIn(t, dir, nil, nil, "cat-file", "blob", commit.String()+":sub/deep/f"); got != strings.TrimSpace(string(data)) {
		t.Errorf("git cat-file reads %d bytes, want %d", len(got), len(data))
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "objects", "*", "tmp_obj_*")); len(matches) > 0 {
		t.Errorf("temporary files left: %v", matches)
	}
	fsck(t, dir)
}

func TestWriteStoredZlib(t *testing.T) {
	block := make([]byte, storedBlock)
	for _, n := range []int{0, 1, 300, storedBlock, storedBlock + 1, 200000} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i * 7)
		}
		var z bytes.Buffer
		if err := writeStoredZlib(&z, bytes.NewReader(data), int64(n), block); err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		zr, err := zlib.NewReader(&z)
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		got, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%d bytes: inflated %d bytes, %v", n, len(got), err)
		}
		if n > 0 {
			if err := writeStoredZlib(io.Discard, bytes.NewReader(data[1:]), int64(n), block); !errors.Is(err, errSizeMismatch) {
				t.Errorf("%d bytes, one short: %v", n, err)
			}
			if err := writeStoredZlib(io.Discard, bytes.NewReader(data), int64(n-1), block); !errors.Is(err, errSizeMismatch) {
				t.Errorf("%d bytes, one too many: %v", n, err)
			}
		}
	}
}

func TestPiecesObjectReads(t *testing.T) {
	pieces := [][]byte{[]byte("ab"), nil, []byte("c"), []byte(""), []byte("defg")}
	obj := &piecesObject{pieces: pieces, size: 7}
	for name, read := range map[string]func(io.Reader) ([]byte, error){
		"Read":    func(r io.Reader) ([]byte, error) { return io.ReadAll(io.LimitReader(r, 100)) },
		"WriteTo": func(r io.Reader) ([]byte, error) { var b bytes.Buffer; _, err := b.ReadFrom(r); return b.Bytes(), err },
		"byte by byte": func(r io.Reader) ([]byte, error) {
			var out []byte
			b := make([]byte, 1)
			for {
				n, err := r.Read(b)
				out = append(out, b[:n]...)
				if err == io.EOF {
					return out, nil
				} else if err != nil {
					return out, err
				}
			}
		},
	} {
		for range 2 { // reading leaves the object as it was
			rd, err := obj.Reader()
			if err != nil {
				t.Fatal(err)
			}
			if got, err := read(rd); err != nil || string(got) != "abcdefg" {
				t.Errorf("%s: %q, %v", name, got, err)
			}
		}
	}
}

// TestCommitFilesBesideAnUnreadablePack commits in a repository holding a
// pack index that cannot be read (a stray or truncated file): git reads
// the repository, so committing must not fail on it.
func TestCommitFilesBesideAnUnreadablePack(t *testing.T) {
	dir, base := spliceRepo(t)
	packDir := filepath.Join(dir, "objects", "pack")
	if err := os.MkdirAll(packDir, 0o755); err != nil {
		t.Fatal(err)
	}
	stray := filepath.Join(packDir, "pack-"+strings.Repeat("0", 40)+".idx")
	if err := os.WriteFile(stray, []byte("not an index"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := openRepo(t, dir)
	commit, err := r.CommitFiles(base, []FileChange{{Path: "sub/deep/f", Data: []byte("new\n")}}, "beside a stray index", testSig)
	if err != nil {
		t.Fatalf("CommitFiles beside an unreadable pack index: %v", err)
	}
	if got := gitIn(t, dir, nil, nil, "cat-file", "blob", commit.String()+":sub/deep/f"); got != "new" {
		t.Errorf("git reads %q, want %q", got, "new")
	}
}

// TestReadingADamagedStoredTreeFails flips one byte of a tree hash inside
// a loose tree written uncompressed: only zlib's checksum can tell, and
// a read must say the object is damaged rather than answer from it.
func TestReadingADamagedStoredTreeFails(t *testing.T) {
	dir, base := spliceRepo(t)
	r := openRepo(t, dir)
	commit, err := r.CommitFiles(base, []FileChange{{Path: "sub/deep/f", Data: []byte("new\n")}}, "damaged later", testSig)
	if err != nil {
		t.Fatal(err)
	}
	h := runGit(t, dir, "rev-parse", commit.String()+"^{tree}")
	p := filepath.Join(dir, "objects", h[:2], h[2:])
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)-10] ^= 0x01 // inside the last entry's hash, before the checksum
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	fsys, err := openRepo(t, dir).TreeFS(commit)
	if err == nil {
		_, err = fs.ReadDir(fsys, ".")
	}
	if err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("reading the damaged root tree: %v, want a checksum error", err)
	}
}
