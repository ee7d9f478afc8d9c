package objread

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// gitEnv isolates git from the user's configuration.
func gitEnv(t testing.TB) []string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	return append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
}

// git runs git in dir with stdin and returns its standard output.
func git(t testing.TB, dir string, stdin io.Reader, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv(t)
	cmd.Stdin = stdin
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out.Bytes()
}

// importHistory makes a repository at dir (created when needed) with n
// more commits on main through git fast-import, starting at mark offset
// from. Each commit edits a long file by a line and adds a file to a
// directory, so that packing makes delta chains of blobs and trees.
func importHistory(t testing.TB, dir string, from, n int) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		git(t, "", nil, "init", "-q", "--initial-branch=main", dir)
	}
	var s strings.Builder
	lines := make([]string, 200)
	for i := range lines {
		lines[i] = fmt.Sprintf("line %d of a file that changes one line per commit", i)
	}
	for c := from; c < from+n; c++ {
		lines[c%len(lines)] = fmt.Sprintf("line %d changed in commit %d", c%len(lines), c)
		content := strings.Join(lines, "\n") + "\n"
		fmt.Fprintf(&s, "commit refs/heads/main\ncommitter t <t@example.com> %d +0000\ndata <<EOM\ncommit %d\nEOM\n", 1700000000+c, c)
		if c == from && from > 0 {
			s.WriteString("from refs/heads/main^0\n")
		}
		fmt.Fprintf(&s, "M 100644 inline big.txt\ndata %d\n%s\n", len(content), content)
		small := fmt.Sprintf("file %d\n", c)
		fmt.Fprintf(&s, "M 100644 inline dir/f%04d.txt\ndata %d\n%s\n", c%300, len(small), small)
	}
	git(t, dir, strings.NewReader(s.String()), "fast-import", "--quiet")
}

// gitObject is an object as git cat-file prints it.
type gitObject struct {
	typ  plumbing.ObjectType
	data []byte
}

// allObjects returns every object of the repository at dir, read by git.
func allObjects(t testing.TB, dir string) map[plumbing.Hash]gitObject {
	t.Helper()
	out := git(t, dir, nil, "cat-file", "--batch-all-objects", "--batch")
	rd := bufio.NewReader(bytes.NewReader(out))
	objs := map[plumbing.Hash]gitObject{}
	for {
		head, err := rd.ReadString('\n')
		if errors.Is(err, io.EOF) {
			break
		}
		f := strings.Fields(head)
		if len(f) != 3 {
			t.Fatalf("cat-file header %q", head)
		}
		typ, err := plumbing.ParseObjectType(f[1])
		if err != nil {
			t.Fatal(err)
		}
		size, _ := strconv.Atoi(f[2])
		data := make([]byte, size+1)
		if _, err := io.ReadFull(rd, data); err != nil {
			t.Fatal(err)
		}
		objs[plumbing.NewHash(f[0])] = gitObject{typ: typ, data: data[:size]}
	}
	if len(objs) == 0 {
		t.Fatal("git listed no objects")
	}
	return objs
}

// openDB opens the object database of the repository at dir.
func openDB(t testing.TB, dir string, limits Limits) *DB {
	t.Helper()
	gitDir := filepath.Join(dir, ".git")
	if _, err := os.Stat(gitDir); err != nil {
		gitDir = dir
	}
	db, err := Open(filepath.Join(gitDir, "objects"), gitDir, limits)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// checkAll reads every object git lists and compares type and content.
func checkAll(t *testing.T, db *DB, objs map[plumbing.Hash]gitObject) {
	t.Helper()
	for h, want := range objs {
		typ, data, err := db.Read(h)
		if err != nil {
			t.Fatalf("read %s: %v", h, err)
		}
		if typ != want.typ || !bytes.Equal(data, want.data) {
			t.Fatalf("object %s: got %s of %d bytes, git has %s of %d bytes", h, typ, len(data), want.typ, len(want.data))
		}
		if ok, err := db.Has(h); !ok || err != nil {
			t.Fatalf("has %s: %v, %v", h, ok, err)
		}
	}
}

// deltaCount returns how many objects of the repository's packs are
// stored as deltas, and the longest chain, as git verify-pack reports.
func deltaCount(t *testing.T, dir string) (deltas, longest int) {
	t.Helper()
	idx, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.idx"))
	for _, name := range idx {
		out := git(t, dir, nil, "verify-pack", "-v", name)
		for line := range strings.Lines(string(out)) {
			f := strings.Fields(line)
			if len(f) == 7 { // hash type size size-in-pack offset depth base
				deltas++
				d, _ := strconv.Atoi(f[5])
				longest = max(longest, d)
			}
		}
	}
	return deltas, longest
}

func TestReadMatchesGitAfterAggressiveGC(t *testing.T) {
	dir := t.TempDir()
	importHistory(t, dir, 0, 400)
	git(t, dir, nil, "gc", "-q", "--aggressive")
	deltas, longest := deltaCount(t, dir)
	if deltas < 100 || longest < 10 {
		t.Fatalf("gc --aggressive made %d deltas, longest chain %d: the test needs deep chains", deltas, longest)
	}
	// A small cache makes chains resolve from their whole base again.
	checkAll(t, openDB(t, dir, Limits{CacheBytes: 64 << 10}), allObjects(t, dir))
	checkAll(t, openDB(t, dir, Limits{}), allObjects(t, dir))
}

func TestReadMatchesGitWithReferenceDeltas(t *testing.T) {
	dir := t.TempDir()
	importHistory(t, dir, 0, 200)
	git(t, dir, nil, "-c", "repack.useDeltaBaseOffset=false", "repack", "-q", "-a", "-d", "-f")
	out := git(t, dir, nil, "verify-pack", "-v", must(filepath.Glob(filepath.Join(dir, ".git/objects/pack/*.idx")))[0])
	if !bytes.Contains(out, []byte(" blob ")) {
		t.Fatal("verify-pack listed no blobs")
	}
	checkAll(t, openDB(t, dir, Limits{}), allObjects(t, dir))
}

func TestReadMatchesGitWith64BitOffsets(t *testing.T) {
	dir := t.TempDir()
	importHistory(t, dir, 0, 100)
	git(t, dir, nil, "repack", "-q", "-a", "-d")
	packs := must(filepath.Glob(filepath.Join(dir, ".git/objects/pack/*.pack")))
	idx := strings.TrimSuffix(packs[0], ".pack") + ".idx"
	if err := os.Remove(idx); err != nil {
		t.Fatal(err)
	}
	// Every object after the first (at offset 12) gets an entry in the
	// 64-bit table.
	git(t, dir, nil, "index-pack", "--index-version=2,12", "-o", idx, packs[0])
	db := openDB(t, dir, Limits{})
	if p := (*db.packs.Load())[0]; len(p.idx.large) != 8*(p.idx.n-1) {
		t.Fatalf("index has %d bytes of 64-bit offsets for %d objects", len(p.idx.large), p.idx.n)
	}
	checkAll(t, db, allObjects(t, dir))
}

func TestReadMatchesGitWithSeveralPacksAndLooseObjects(t *testing.T) {
	dir := t.TempDir()
	importHistory(t, dir, 0, 100)
	git(t, dir, nil, "repack", "-q", "-a", "-d")
	importHistory(t, dir, 100, 50) // fast-import writes a second pack
	db := openDB(t, dir, Limits{})
	// Written after Open: a third pack and loose objects.
	importHistory(t, dir, 150, 50)
	for i := range 20 {
		git(t, dir, strings.NewReader(fmt.Sprintf("loose %d\n", i)), "hash-object", "-w", "--stdin")
	}
	loose := must(filepath.Glob(filepath.Join(dir, ".git/objects/??/*")))
	packs := must(filepath.Glob(filepath.Join(dir, ".git/objects/pack/*.pack")))
	if len(loose) < 20 || len(packs) != 3 {
		t.Fatalf("%d loose objects and %d packs, want 20 and 3", len(loose), len(packs))
	}
	checkAll(t, db, allObjects(t, dir))
}

func TestReadShallowClone(t *testing.T) {
	src := t.TempDir()
	importHistory(t, src, 0, 50)
	dst := filepath.Join(t.TempDir(), "shallow")
	git(t, "", nil, "clone", "-q", "--depth", "3", "--branch", "main", "file://"+src, dst)
	db := openDB(t, dst, Limits{})
	objs := allObjects(t, dst)
	checkAll(t, db, objs)
	// The parent of the shallow boundary is missing.
	boundary := git(t, dst, nil, "cat-file", "commit", "main~2")
	_, parent, ok := bytes.Cut(boundary, []byte("\nparent "))
	if !ok {
		t.Fatalf("the boundary commit has no parent:\n%s", boundary)
	}
	missing := plumbing.NewHash(string(parent[:40]))
	if _, ok := objs[missing]; ok {
		t.Fatalf("the shallow clone has the boundary's parent %s", missing)
	}
	if _, _, err := db.Read(missing); !errors.Is(err, plumbing.ErrObjectNotFound) {
		t.Fatalf("reading a missing object: %v, want ErrObjectNotFound", err)
	}
	if ok, err := db.Has(missing); ok || err != nil {
		t.Fatalf("Has of a missing object: %v, %v", ok, err)
	}
}

func TestConcurrentReads(t *testing.T) {
	dir := t.TempDir()
	importHistory(t, dir, 0, 200)
	git(t, dir, nil, "gc", "-q", "--aggressive")
	importHistory(t, dir, 200, 20)
	objs := allObjects(t, dir)
	hashes := make([]plumbing.Hash, 0, len(objs))
	for h := range objs {
		hashes = append(hashes, h)
	}
	// A small cache makes goroutines evict each other's bases.
	db := openDB(t, dir, Limits{CacheBytes: 256 << 10})
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Go(func() {
			for i := range hashes {
				h := hashes[(i*7+g*131)%len(hashes)]
				typ, data, err := db.Read(h)
				if err == nil && (typ != objs[h].typ || !bytes.Equal(data, objs[h].data)) {
					err = fmt.Errorf("object %s differs from git's", h)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestAlternates(t *testing.T) {
	dir := t.TempDir()
	importHistory(t, dir, 0, 30)
	git(t, dir, nil, "repack", "-q", "-a", "-d")
	mid := filepath.Join(t.TempDir(), "mid")
	git(t, "", nil, "clone", "-q", "--shared", dir, mid)
	importHistory(t, mid, 30, 10)
	// Alternates of alternates: top borrows from mid, which borrows from dir.
	top := filepath.Join(t.TempDir(), "top")
	git(t, "", nil, "clone", "-q", "--shared", mid, top)
	objs := allObjects(t, top)
	checkAll(t, openDB(t, top, Limits{}), objs)
	if own := must(filepath.Glob(filepath.Join(top, ".git/objects/pack/*.pack"))); len(own) != 0 {
		t.Fatalf("the shared clone has packs of its own: %v", own)
	}
}

func TestUnsupportedObjectDirectories(t *testing.T) {
	dir := t.TempDir()
	importHistory(t, dir, 0, 3)
	gitDir := filepath.Join(dir, ".git")
	cfg := filepath.Join(gitDir, "config")
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString("[extensions]\n\tobjectFormat = sha256\n")
	_ = f.Close()
	if _, err := Open(filepath.Join(gitDir, "objects"), gitDir, Limits{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("sha256: %v, want ErrUnsupported", err)
	}
}

func TestCorruptPackIsAnErrorNamingIt(t *testing.T) {
	dir := t.TempDir()
	importHistory(t, dir, 0, 100)
	git(t, dir, nil, "gc", "-q", "--aggressive")
	objs := allObjects(t, dir)
	pack := must(filepath.Glob(filepath.Join(dir, ".git/objects/pack/*.pack")))[0]
	data, err := os.ReadFile(pack)
	if err != nil {
		t.Fatal(err)
	}
	// Overwrite the middle of the pack: entries there fail to inflate,
	// and deltas on them fail to apply.
	for i := len(data) / 3; i < len(data)/3+len(data)/4; i++ {
		data[i] ^= 0x5a
	}
	if err := os.WriteFile(pack, data, 0o644); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, dir, Limits{})
	failed := 0
	for h := range objs {
		_, _, err := db.Read(h)
		if err == nil {
			continue
		}
		failed++
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), h.String()) || !strings.Contains(err.Error(), filepath.Base(strings.TrimSuffix(pack, ".pack"))) {
			t.Fatalf("error %q does not name the object and pack as corrupt", err)
		}
	}
	if failed == 0 {
		t.Fatal("no read failed on a damaged pack")
	}
	// A truncated index: its pack is skipped, and its objects are reported
	// as corrupt, naming the index, not as missing.
	idx := strings.TrimSuffix(pack, ".pack") + ".idx"
	if err := os.Truncate(idx, 1100); err != nil {
		t.Fatal(err)
	}
	db = openDB(t, dir, Limits{})
	for h := range objs {
		_, _, err := db.Read(h)
		if errors.Is(err, plumbing.ErrObjectNotFound) || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), idx) {
			t.Fatalf("object of a pack with a truncated index: %v, want ErrCorrupt naming %s", err, idx)
		}
		if _, err := db.Has(h); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("Has: %v, want ErrCorrupt", err)
		}
		break
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
