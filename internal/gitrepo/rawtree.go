package gitrepo

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// rawTree is a tree object kept as its bytes, with where each entry's
// name ends. One entry is found by a binary search over the raw bytes,
// and a copy with a few entries changed is written by splicing, without
// decoding the others: in a monorepo, the tree listing every app has
// tens of thousands of entries and a one-app run needs one of them.
//
// The bytes are in canonical form: entries in Git order and modes without
// leading zeros. A tree read in another form is rewritten in it first,
// as decoding and re-encoding it does (and as Git writes trees).
type rawTree struct {
	data []byte
	// nuls holds the offset of each entry's NUL, which ends its name and
	// precedes its hash; an entry starts where the previous one ends.
	nuls []uint32

	once    sync.Once
	entries []treeEntry // decoded on first use
	err     error
}

// errTreeTooLarge refuses a tree whose offsets do not fit the index.
var errTreeTooLarge = errors.New("tree larger than 4 GiB")

// parseRawTree indexes the raw tree data, which it keeps (and never
// modifies); it errors on malformed entries as decodeTree does.
func parseRawTree(data []byte) (*rawTree, error) {
	t, canonical, err := indexRawTree(data)
	if err != nil || canonical {
		return t, err
	}
	entries, err := decodeTree(data)
	if err != nil {
		return nil, err
	}
	if t, canonical, err = indexRawTree(encodeTree(entries)); err == nil && !canonical {
		err = errors.New("tree not in canonical form after encoding")
	}
	return t, err
}

// indexRawTree indexes data and reports whether it is in canonical form.
func indexRawTree(data []byte) (*rawTree, bool, error) {
	if uint64(len(data)) > math.MaxUint32 {
		return nil, false, errTreeTooLarge
	}
	t := &rawTree{data: data, nuls: make([]uint32, 0, len(data)/32)}
	canonical := true
	var prev []byte
	prevDir := false
	for off := 0; off < len(data); {
		rest := data[off:]
		mode, sp, err := scanMode(rest)
		if err != nil {
			return nil, false, err
		}
		nul := bytes.IndexByte(rest[sp+1:], 0)
		if nul < 0 || len(rest) < sp+1+nul+1+len(plumbing.ZeroHash) {
			return nil, false, errors.New("truncated entry")
		}
		name, dir := rest[sp+1:sp+1+nul], mode == filemode.Dir
		if (sp > 1 && rest[0] == '0') || (len(t.nuls) > 0 && compareRawNames(prev, prevDir, name, dir) > 0) {
			canonical = false
		}
		t.nuls = append(t.nuls, uint32(off+sp+1+nul))
		prev, prevDir = name, dir
		off += sp + 1 + nul + 1 + len(plumbing.ZeroHash)
	}
	return t, canonical, nil
}

// scanMode parses the octal mode that starts entry e, as
// strconv.ParseUint(mode, 8, 32) does, and returns the offset of the
// space that ends it.
func scanMode(e []byte) (filemode.FileMode, int, error) {
	var m uint64
	for i, c := range e {
		switch {
		case c == ' ' && i > 0:
			return filemode.FileMode(m), i, nil
		case c < '0' || c > '7':
			return 0, 0, malformedMode(e)
		}
		if m = m<<3 | uint64(c-'0'); m > math.MaxUint32 {
			return 0, 0, malformedMode(e)
		}
	}
	return 0, 0, malformedMode(e)
}

// malformedMode is the error for the entry e whose mode does not parse.
func malformedMode(e []byte) error {
	sp := bytes.IndexByte(e, ' ')
	if sp < 0 {
		return errors.New("malformed entry mode")
	}
	return fmt.Errorf("malformed entry mode %q", e[:sp])
}

// len returns the number of entries.
func (t *rawTree) len() int { return len(t.nuls) }

// start returns the offset of entry i, or the end of the tree for
// i == t.len().
func (t *rawTree) start(i int) int {
	if i == 0 {
		return 0
	}
	return int(t.nuls[i-1]) + 1 + len(plumbing.ZeroHash)
}

// modeAndName returns the raw mode and name of entry i.
func (t *rawTree) modeAndName(i int) (mode, name []byte) {
	e := t.data[t.start(i):t.nuls[i]]
	sp := bytes.IndexByte(e, ' ')
	return e[:sp], e[sp+1:]
}

// isDir reports whether entry i is a subtree.
func (t *rawTree) isDir(i int) bool {
	mode, _ := t.modeAndName(i)
	return string(mode) == "40000"
}

// entry decodes entry i.
func (t *rawTree) entry(i int) treeEntry {
	_, name := t.modeAndName(i)
	m, _, _ := scanMode(t.data[t.start(i):])
	e := treeEntry{name: string(name), mode: m}
	copy(e.hash[:], t.data[t.nuls[i]+1:])
	return e
}

// search returns the index of the first entry not before name (a
// subtree when dir) in Git order.
func (t *rawTree) search(name []byte, dir bool) int {
	return sort.Search(t.len(), func(i int) bool {
		_, n := t.modeAndName(i)
		return compareRawNames(n, t.isDir(i), name, dir) >= 0
	})
}

// insertAt returns where Git order puts a new entry name (a subtree when
// dir): before the first entry after it. Distinct valid names never
// compare equal; names Git rejects ("", or with a "/") may, and the new
// entry then goes after the entries it equals, as a stable sort of the
// entries with it appended puts it.
func (t *rawTree) insertAt(name []byte, dir bool) int {
	return sort.Search(t.len(), func(i int) bool {
		_, n := t.modeAndName(i)
		return compareRawNames(n, t.isDir(i), name, dir) > 0
	})
}

// find returns the index of the entry called name, a file or a subtree,
// or -1; like findEntry, it looks for a file first.
func (t *rawTree) find(name string) int {
	b := []byte(name)
	for _, dir := range []bool{false, true} {
		i := t.search(b, dir)
		if i == t.len() {
			continue
		}
		if _, n := t.modeAndName(i); string(n) == name && t.isDir(i) == dir {
			return i
		}
	}
	return -1
}

// decoded returns the entries, decoding them once (counted in count);
// the slice must not be modified.
func (t *rawTree) decoded(count *atomic.Int64) ([]treeEntry, error) {
	t.once.Do(func() {
		count.Add(1)
		t.entries, t.err = decodeTree(t.data)
	})
	return t.entries, t.err
}

// treeEdit is a change to a raw tree: entry replaces the entry at index
// at (replace) or is inserted before it; a zero hash removes it.
type treeEdit struct {
	at      int
	replace bool
	entry   treeEntry
}

// splice returns the tree with edits applied, as the pieces it is made
// of: runs of the old tree's bytes, kept as they are, and the new entries
// encoded in between. Their concatenation is what encoding the edited
// entries gives; a large tree is not copied. New entries must not have
// the name of an existing entry, and at must be where Git order puts them
// (t.insertAt).
func (t *rawTree) splice(edits []treeEdit) [][]byte {
	// An entry inserted at i sorts before the entry at i, and so before
	// its replacement, which has its name and kind.
	slices.SortFunc(edits, func(a, b treeEdit) int {
		if c := cmp.Compare(a.at, b.at); c != 0 {
			return c
		}
		return compareEntries(a.entry, b.entry)
	})
	var out [][]byte
	keep := func(from, to int) {
		if from < to {
			out = append(out, t.data[t.start(from):t.start(to)])
		}
	}
	next := 0 // the first entry not yet kept or replaced
	for _, e := range edits {
		keep(next, e.at)
		next = e.at
		if e.replace {
			next++
		}
		if !e.entry.hash.IsZero() {
			out = append(out, appendEntry(nil, e.entry))
		}
	}
	keep(next, t.len())
	return out
}

// compareRawNames compares two entry names in Git tree order, where a
// subtree's name compares as if it ended in "/".
func compareRawNames(a []byte, aDir bool, b []byte, bDir bool) int {
	n := min(len(a), len(b))
	if c := bytes.Compare(a[:n], b[:n]); c != 0 {
		return c
	}
	return cmp.Compare(nameByte(a, n, aDir), nameByte(b, n, bDir))
}
