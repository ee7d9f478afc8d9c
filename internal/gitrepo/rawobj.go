package gitrepo

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// commitLinks is what a history walk needs of a commit before it knows
// whether to report it: its tree, parents and committer time. raw is the
// commit's content, decoded in full only for reported commits.
type commitLinks struct {
	hash    plumbing.Hash
	tree    plumbing.Hash
	parents []plumbing.Hash
	when    int64 // committer time, Unix seconds
	raw     []byte
}

// parseCommitLinks reads the tree, parent and committer headers of a raw
// commit, stopping at the first blank line.
func parseCommitLinks(hash plumbing.Hash, raw []byte) (commitLinks, error) {
	c := commitLinks{hash: hash, raw: raw}
	sawTree := false
	for rest := raw; len(rest) > 0; {
		line := rest
		if nl := bytes.IndexByte(rest, '\n'); nl >= 0 {
			line, rest = rest[:nl], rest[nl+1:]
		} else {
			rest = nil
		}
		if len(line) == 0 {
			break
		}
		key, val, _ := bytes.Cut(line, []byte{' '})
		var err error
		switch string(key) {
		case "tree":
			c.tree, err = parseHexHash(val)
			sawTree = true
		case "parent":
			var p plumbing.Hash
			p, err = parseHexHash(val)
			c.parents = append(c.parents, p)
		case "committer":
			c.when, err = signatureTime(val)
		}
		if err != nil {
			return commitLinks{}, fmt.Errorf("decode commit %s: %s header: %w", hash, key, err)
		}
	}
	if !sawTree {
		return commitLinks{}, fmt.Errorf("decode commit %s: %w: missing tree header", hash, object.ErrMalformedCommit)
	}
	return c, nil
}

// parseHexHash parses a 40-digit hexadecimal hash.
func parseHexHash(s []byte) (plumbing.Hash, error) {
	var h plumbing.Hash
	if len(s) != 2*len(h) {
		return h, fmt.Errorf("malformed hash %q", s)
	}
	if _, err := hex.Decode(h[:], s); err != nil {
		return h, fmt.Errorf("malformed hash %q", s)
	}
	return h, nil
}

// signatureTime returns the Unix time of a signature line's value:
// "Name <email> 1700000000 +0000". A signature without a readable time
// has time 0, as go-git decodes it.
func signatureTime(s []byte) (int64, error) {
	gt := bytes.LastIndexByte(s, '>')
	if gt < 0 {
		return 0, nil
	}
	fields := bytes.Fields(s[gt+1:])
	if len(fields) == 0 {
		return 0, nil
	}
	t, err := strconv.ParseInt(string(fields[0]), 10, 64)
	if err != nil {
		return 0, nil
	}
	return t, nil
}

// decode decodes the whole commit with go-git's decoder.
func (c commitLinks) decode() (*object.Commit, error) {
	oc := &object.Commit{}
	if err := oc.Decode(&rawObject{hash: c.hash, typ: plumbing.CommitObject, data: c.raw}); err != nil {
		return nil, fmt.Errorf("decode commit %s: %w", c.hash, err)
	}
	return oc, nil
}

// rawEntry is one entry of a raw tree object, pointing into it.
type rawEntry struct {
	name []byte
	dir  bool
	hash plumbing.Hash
}

var errMalformedTree = errors.New("malformed tree entry")

// nextRawEntry decodes the first entry of the raw tree t and returns the
// rest.
func nextRawEntry(t []byte) (rawEntry, []byte, error) {
	sp := bytes.IndexByte(t, ' ')
	if sp < 1 {
		return rawEntry{}, nil, errMalformedTree
	}
	e := rawEntry{dir: string(t[:sp]) == "40000"}
	t = t[sp+1:]
	nul := bytes.IndexByte(t, 0)
	if nul < 0 || len(t) < nul+1+len(e.hash) {
		return rawEntry{}, nil, errMalformedTree
	}
	e.name = t[:nul]
	copy(e.hash[:], t[nul+1:])
	return e, t[nul+1+len(e.hash):], nil
}

// rawLookup returns the hash of the entry called name in the raw tree t:
// a subtree, or also a file when file is true; zero when there is none.
func rawLookup(t []byte, name string, file bool) (plumbing.Hash, error) {
	for len(t) > 0 {
		e, rest, err := nextRawEntry(t)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if string(e.name) == name && (file || e.dir) {
			return e.hash, nil
		}
		t = rest
	}
	return plumbing.ZeroHash, nil
}

// nextRawDir returns the first subtree entry of the raw tree t, and the
// rest after it; ok is false when there is none.
func nextRawDir(t []byte) (e rawEntry, rest []byte, ok bool, err error) {
	for len(t) > 0 {
		if e, t, err = nextRawEntry(t); err != nil || e.dir {
			return e, t, err == nil, err
		}
	}
	return rawEntry{}, nil, false, nil
}

// rawUnionDirs calls fn with each subtree name of the raw trees a or b
// (both in Git order) whose hash differs between the two, and its hash on
// each side (zero when absent), walking both once.
func rawUnionDirs(a, b []byte, fn func(name string, ha, hb plumbing.Hash) error) error {
	a, b = skipCommonEntries(a, b)
	ea, a, okA, err := nextRawDir(a)
	if err != nil {
		return err
	}
	eb, b, okB, err := nextRawDir(b)
	if err != nil {
		return err
	}
	for okA || okB {
		c := 0
		switch {
		case !okA:
			c = 1
		case !okB:
			c = -1
		default:
			c = compareRawNames(ea.name, true, eb.name, true)
		}
		switch {
		case c < 0:
			err = fn(string(ea.name), ea.hash, plumbing.ZeroHash)
		case c > 0:
			err = fn(string(eb.name), plumbing.ZeroHash, eb.hash)
		case ea.hash != eb.hash:
			err = fn(string(ea.name), ea.hash, eb.hash)
		}
		if err != nil {
			return err
		}
		if c == 0 {
			a, b = skipCommonEntries(a, b)
		}
		if c <= 0 {
			if ea, a, okA, err = nextRawDir(a); err != nil {
				return err
			}
		}
		if c >= 0 {
			if eb, b, okB, err = nextRawDir(b); err != nil {
				return err
			}
		}
	}
	return nil
}

// skipCommonEntries drops the leading entries that the raw trees a and b
// share byte for byte: two versions of a large tree differ in a few
// entries, and identical ones need no decoding.
func skipCommonEntries(a, b []byte) ([]byte, []byte) {
	for len(a) > 0 && len(b) > 0 {
		nul := bytes.IndexByte(a, 0)
		n := nul + 1 + len(plumbing.ZeroHash)
		if nul < 0 || n > len(a) || n > len(b) || !bytes.Equal(a[:n], b[:n]) {
			break
		}
		a, b = a[n:], b[n:]
	}
	return a, b
}
