package gitrepo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// maxCachedTrees bounds the decoded tree cache; it is emptied when full.
const maxCachedTrees = 1 << 18

// emptyTree is the hash of the tree with no entries.
var emptyTree = plumbing.NewHash("4b825dc642cb6eb9a060e54bf8d69288fbee4904")

// treeEntry is one decoded entry of a tree object.
type treeEntry struct {
	name string
	mode filemode.FileMode
	hash plumbing.Hash
}

// isDir reports whether the entry is a subtree (submodules are not).
func (e treeEntry) isDir() bool { return e.mode == filemode.Dir }

// isFile reports whether the entry is a blob: a regular or executable file
// or a symbolic link.
func (e treeEntry) isFile() bool { return e.mode != filemode.Dir && e.mode != filemode.Submodule }

// treeCache holds trees read, by hash. Trees are immutable once cached;
// mu guards the map and the counters, so that trees are read without r.mu
// when objread reads the objects.
type treeCache struct {
	mu      sync.Mutex
	trees   map[plumbing.Hash]*rawTree
	loaded  int          // number of trees read and indexed, for tests and benchmarks
	encoded int          // number of trees written by CommitFiles, likewise
	decoded atomic.Int64 // number of trees decoded into entries, likewise
}

// get returns the cached tree hash.
func (c *treeCache) get(hash plumbing.Hash) (*rawTree, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.trees[hash]
	return t, ok
}

// put caches a tree, emptying the cache when it is full.
func (c *treeCache) put(hash plumbing.Hash, t *rawTree) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.trees == nil || len(c.trees) >= maxCachedTrees {
		c.trees = make(map[plumbing.Hash]*rawTree)
	}
	c.trees[hash] = t
	c.loaded++
}

// tree returns the decoded entries of the tree hash, in Git order; r.mu
// must be held unless r.objs is set (see lockReads). The returned slice
// must not be modified.
func (r *Repo) tree(hash plumbing.Hash) ([]treeEntry, error) {
	t, err := r.rawTree(hash)
	if err != nil {
		return nil, err
	}
	entries, err := t.decoded(&r.trees.decoded)
	if err != nil {
		return nil, fmt.Errorf("decode tree %s: %w", hash, err)
	}
	return entries, nil
}

// rawTree returns the tree hash as raw bytes with an index of its
// entries; r.mu must be held unless r.objs is set (see lockReads).
func (r *Repo) rawTree(hash plumbing.Hash) (*rawTree, error) {
	if t, ok := r.trees.get(hash); ok {
		return t, nil
	}
	if hash == emptyTree {
		return &rawTree{}, nil
	}
	raw, err := r.readObject(plumbing.TreeObject, hash)
	if err != nil {
		return nil, err
	}
	t, err := parseRawTree(raw)
	if err != nil {
		return nil, fmt.Errorf("decode tree %s: %w", hash, err)
	}
	r.trees.put(hash, t)
	return t, nil
}

// lockReads takes r.mu for a read-only operation when objects are read
// through go-git, whose storage is not safe for concurrent use, and
// returns what releases it; with objread, reads take no lock.
func (r *Repo) lockReads() (unlock func()) {
	if r.objs != nil {
		return func() {}
	}
	r.mu.Lock()
	return r.mu.Unlock
}

// decodeTree parses a raw tree object. Names share one string allocation.
func decodeTree(raw []byte) ([]treeEntry, error) {
	s := string(raw)
	entries := make([]treeEntry, 0, strings.Count(s, "\x00"))
	for len(s) > 0 {
		sp := strings.IndexByte(s, ' ')
		if sp < 0 {
			return nil, errors.New("malformed entry mode")
		}
		mode, err := strconv.ParseUint(s[:sp], 8, 32)
		if err != nil {
			return nil, fmt.Errorf("malformed entry mode %q", s[:sp])
		}
		s = s[sp+1:]
		nul := strings.IndexByte(s, 0)
		if nul < 0 || len(s) < nul+1+len(plumbing.ZeroHash) {
			return nil, errors.New("truncated entry")
		}
		e := treeEntry{name: s[:nul], mode: filemode.FileMode(mode)}
		copy(e.hash[:], s[nul+1:])
		entries = append(entries, e)
		s = s[nul+1+len(plumbing.ZeroHash):]
	}
	if !slices.IsSortedFunc(entries, compareEntries) {
		slices.SortStableFunc(entries, compareEntries)
	}
	return entries, nil
}

// encodeTree serializes entries, which must be in Git order.
func encodeTree(entries []treeEntry) []byte {
	size := 0
	for _, e := range entries {
		size += entrySize(e)
	}
	buf := make([]byte, 0, size)
	for _, e := range entries {
		buf = appendEntry(buf, e)
	}
	return buf
}

// entrySize is an upper bound of the size of e encoded.
func entrySize(e treeEntry) int { return 8 + len(e.name) + len(e.hash) }

// appendEntry appends e encoded as in a tree object.
func appendEntry(buf []byte, e treeEntry) []byte {
	buf = strconv.AppendUint(buf, uint64(e.mode), 8)
	buf = append(buf, ' ')
	buf = append(buf, e.name...)
	buf = append(buf, 0)
	return append(buf, e.hash[:]...)
}

// compareEntries orders tree entries like Git: by name, with subtree names
// compared as if they ended in "/".
func compareEntries(a, b treeEntry) int {
	return compareNames(a.name, a.isDir(), b.name, b.isDir())
}

// compareNames compares two entry names in Git tree order.
func compareNames(a string, aDir bool, b string, bDir bool) int {
	n := min(len(a), len(b))
	if c := strings.Compare(a[:n], b[:n]); c != 0 {
		return c
	}
	ca, cb := nameByte(a, n, aDir), nameByte(b, n, bDir)
	switch {
	case ca < cb:
		return -1
	case ca > cb:
		return 1
	}
	return 0
}

// nameByte returns the byte at i of a name, or the implicit terminator:
// '/' for a subtree, 0 for anything else.
func nameByte[S ~string | ~[]byte](s S, i int, dir bool) byte {
	switch {
	case i < len(s):
		return s[i]
	case dir:
		return '/'
	}
	return 0
}

// findEntry returns the index of the entry called name in Git-ordered
// entries, or -1.
func findEntry(entries []treeEntry, name string) int {
	for _, dir := range []bool{false, true} {
		i := sort.Search(len(entries), func(i int) bool {
			e := entries[i]
			return compareNames(e.name, e.isDir(), name, dir) >= 0
		})
		if i < len(entries) && entries[i].name == name && entries[i].isDir() == dir {
			return i
		}
	}
	return -1
}

// lookupPath walks the slash-separated path from the tree root; r.mu must
// be held unless r.objs is set. It returns false when the path does not
// exist. Trees on the way are searched in their raw form: none is decoded.
func (r *Repo) lookupPath(root plumbing.Hash, p string) (treeEntry, bool, error) {
	e := treeEntry{name: ".", mode: filemode.Dir, hash: root}
	if p == "." || p == "" {
		return e, true, nil
	}
	for part := range strings.SplitSeq(p, "/") {
		if !e.isDir() {
			return treeEntry{}, false, nil
		}
		t, err := r.rawTree(e.hash)
		if err != nil {
			return treeEntry{}, false, err
		}
		i := t.find(part)
		if i < 0 {
			return treeEntry{}, false, nil
		}
		e = t.entry(i)
	}
	return e, true, nil
}

// readObject returns the content of an object of type typ (AnyObject:
// any type); r.mu must be held unless r.objs is set. The content may be
// shared with objread's cache: callers must not modify it, and copy it
// before handing it out.
func (r *Repo) readObject(typ plumbing.ObjectType, hash plumbing.Hash) ([]byte, error) {
	if r.objs == nil {
		return r.readGoGit(typ, hash)
	}
	t, data, err := r.objs.Read(hash)
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", typ, hash, err)
	}
	if typ != plumbing.AnyObject && t != typ {
		// go-git's storage reports an object of another type as missing.
		return nil, fmt.Errorf("read %s %s: is a %s: %w", typ, hash, t, plumbing.ErrObjectNotFound)
	}
	return data, nil
}

// readUnlocked is readObject for callers that do not hold r.mu: it takes
// the lock only when go-git's reader is in use.
func (r *Repo) readUnlocked(typ plumbing.ObjectType, hash plumbing.Hash) ([]byte, error) {
	if r.objs == nil {
		r.mu.Lock()
		defer r.mu.Unlock()
	}
	return r.readObject(typ, hash)
}

// readGoGit reads an object through go-git's storage; r.mu must be held.
func (r *Repo) readGoGit(typ plumbing.ObjectType, hash plumbing.Hash) ([]byte, error) {
	obj, err := r.repo.Storer.EncodedObject(typ, hash)
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", typ, hash, err)
	}
	rd, err := obj.Reader()
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", typ, hash, err)
	}
	defer rd.Close()
	buf := bytes.NewBuffer(make([]byte, 0, obj.Size()))
	if _, err := io.Copy(buf, rd); err != nil {
		return nil, fmt.Errorf("read %s %s: %w", typ, hash, err)
	}
	return buf.Bytes(), nil
}

// hasObject reports whether the repository has object hash; r.mu must be
// held unless r.objs is set.
func (r *Repo) hasObject(hash plumbing.Hash) (bool, error) {
	if r.objs == nil {
		err := r.repo.Storer.HasEncodedObject(hash)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return false, nil
		}
		return err == nil, err
	}
	return r.objs.Has(hash)
}

// objectSize returns the size of a blob; r.mu must be held unless r.objs
// is set.
func (r *Repo) objectSize(hash plumbing.Hash) (int64, error) {
	if r.objs != nil {
		data, err := r.readObject(plumbing.AnyObject, hash)
		return int64(len(data)), err
	}
	type sizer interface {
		EncodedObjectSize(plumbing.Hash) (int64, error)
	}
	if s, ok := r.repo.Storer.(sizer); ok {
		if n, err := s.EncodedObjectSize(hash); err == nil {
			return n, nil
		}
	}
	obj, err := r.repo.Storer.EncodedObject(plumbing.AnyObject, hash)
	if err != nil {
		return 0, fmt.Errorf("read object %s: %w", hash, err)
	}
	return obj.Size(), nil
}

// packThreshold is the number of new objects from which CommitFiles writes
// one packfile instead of loose objects (Git's transfer.unpackLimit).
const packThreshold = 100

// objectBatch collects the new objects of one commit before they are
// written together.
type objectBatch struct {
	objs  map[plumbing.Hash]plumbing.EncodedObject
	order []plumbing.Hash
}

// add stages an object unless the batch already has it, and returns its
// hash; r.mu must be held, and data must not change until the batch is
// written. Whether the repository has it is checked when
// the batch is written as loose objects; a packed batch may repeat an
// object the repository has, which Git allows, and saves a lookup per
// object.
func (r *Repo) add(b *objectBatch, typ plumbing.ObjectType, data []byte) (plumbing.Hash, error) {
	hash := plumbing.ComputeHash(typ, data)
	// data is kept as it is, not copied: a tree of a monorepo can be
	// hundreds of kilobytes, and the batch is written before CommitFiles
	// returns.
	b.put(hash, &rawObject{hash: hash, typ: typ, data: data})
	return hash, nil
}

// putPieces stages the object whose content is the concatenation of
// pieces, which must not change until the batch is written, and returns
// its hash.
func (b *objectBatch) putPieces(typ plumbing.ObjectType, pieces [][]byte) plumbing.Hash {
	size := 0
	for _, p := range pieces {
		size += len(p)
	}
	h := plumbing.NewHasher(typ, int64(size))
	for _, p := range pieces {
		_, _ = h.Write(p) // a hash does not fail
	}
	hash := h.Sum()
	b.put(hash, &piecesObject{hash: hash, typ: typ, pieces: pieces, size: int64(size)})
	return hash
}

// put stages obj under hash.
func (b *objectBatch) put(hash plumbing.Hash, obj plumbing.EncodedObject) {
	if b.objs == nil {
		b.objs = make(map[plumbing.Hash]plumbing.EncodedObject)
	}
	if _, ok := b.objs[hash]; !ok {
		b.objs[hash] = obj
		b.order = append(b.order, hash)
	}
}

// flush writes the staged objects: as one packfile when there are many and
// the storage supports it, as loose objects otherwise; r.mu must be held.
func (r *Repo) flush(b *objectBatch) error {
	st, onDisk := r.repo.Storer.(*filesystem.Storage)
	if onDisk && len(b.order) >= packThreshold {
		return writePackFiles(st, b)
	}
	var loose *looseWriter
	for _, h := range b.order {
		// objread finds an object with a lookup in the mapped pack
		// indexes; go-git decodes every index first. The lookup only
		// saves a write: when it cannot answer (a pack it cannot read),
		// the object is written, as git does.
		if ok, err := r.hasObject(h); err == nil && ok {
			continue
		}
		var err error
		switch {
		case onDisk:
			if loose == nil {
				loose = newLooseWriter(st.Filesystem())
			}
			err = loose.write(h, b.objs[h])
		default:
			_, err = r.repo.Storer.SetEncodedObject(b.objs[h])
		}
		if err != nil {
			return fmt.Errorf("write object %s: %w", h, err)
		}
	}
	return nil
}

// rawObject is an object's content as a go-git EncodedObject: one read by
// objread, for go-git's decoders, or one staged for writing. It is
// read-only.
type rawObject struct {
	hash plumbing.Hash
	typ  plumbing.ObjectType
	data []byte
}

var errReadOnly = errors.New("read-only object")

// Hash returns the object's hash.
func (o *rawObject) Hash() plumbing.Hash { return o.hash }

// Type returns the object's type.
func (o *rawObject) Type() plumbing.ObjectType { return o.typ }

// SetType is not supported: the object is read-only.
func (o *rawObject) SetType(plumbing.ObjectType) {}

// Size returns the content's length.
func (o *rawObject) Size() int64 { return int64(len(o.data)) }

// SetSize is not supported: the object is read-only.
func (o *rawObject) SetSize(int64) {}

// Reader reads the content.
func (o *rawObject) Reader() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(o.data)), nil
}

// Writer fails: the object is read-only.
func (o *rawObject) Writer() (io.WriteCloser, error) { return nil, errReadOnly }

// piecesObject is a staged object whose content is the concatenation of
// pieces, as a go-git EncodedObject: a tree spliced from a large one is
// written without being copied into one buffer. It is read-only.
type piecesObject struct {
	hash   plumbing.Hash
	typ    plumbing.ObjectType
	pieces [][]byte
	size   int64
}

// Hash returns the object's hash.
func (o *piecesObject) Hash() plumbing.Hash { return o.hash }

// Type returns the object's type.
func (o *piecesObject) Type() plumbing.ObjectType { return o.typ }

// SetType is not supported: the object is read-only.
func (o *piecesObject) SetType(plumbing.ObjectType) {}

// Size returns the content's length.
func (o *piecesObject) Size() int64 { return o.size }

// SetSize is not supported: the object is read-only.
func (o *piecesObject) SetSize(int64) {}

// Reader reads the content.
func (o *piecesObject) Reader() (io.ReadCloser, error) {
	return io.NopCloser(&piecesReader{pieces: o.pieces}), nil
}

// piecesReader reads pieces in turn. Unlike io.MultiReader's, its WriteTo
// writes each piece as it is, without a 32 KB buffer for every object.
type piecesReader struct {
	pieces [][]byte
	off    int // read from pieces[0]
}

// Read reads from the current piece.
func (r *piecesReader) Read(p []byte) (int, error) {
	for len(r.pieces) > 0 && r.off == len(r.pieces[0]) {
		r.pieces, r.off = r.pieces[1:], 0
	}
	if len(r.pieces) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.pieces[0][r.off:])
	r.off += n
	return n, nil
}

// WriteTo writes what is left to w.
func (r *piecesReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for ; len(r.pieces) > 0; r.pieces, r.off = r.pieces[1:], 0 {
		n, err := w.Write(r.pieces[0][r.off:])
		total += int64(n)
		if err != nil {
			r.off += n
			return total, err
		}
	}
	return total, nil
}

// Writer fails: the object is read-only.
func (o *piecesObject) Writer() (io.WriteCloser, error) { return nil, errReadOnly }
