package gitrepo

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// ChangedFiles lists the files commit changed from its first parent, as
// the FileChanges that make the parent's tree into the commit's: written
// files with their content and executable bit, deleted files with Delete.
// Symbolic links and submodules that changed are an error: they cannot
// be expressed as a FileChange.
func (r *Repo) ChangedFiles(commit plumbing.Hash) (parent plumbing.Hash, changes []FileChange, err error) {
	defer r.lockReads()()
	c, err := r.commitObject(commit)
	if err != nil {
		return plumbing.ZeroHash, nil, err
	}
	base := plumbing.ZeroHash
	if len(c.ParentHashes) > 0 {
		parent = c.ParentHashes[0]
		p, err := r.commitObject(parent)
		if err != nil {
			return plumbing.ZeroHash, nil, err
		}
		base = p.TreeHash
	}
	err = r.diffTrees(base, c.TreeHash, "", &changes)
	slices.SortFunc(changes, func(a, b FileChange) int { return strings.Compare(a.Path, b.Path) })
	return parent, changes, err
}

// diffTrees appends the changes from tree a to tree b (either zero for
// none) under dir; r.mu must be held.
func (r *Repo) diffTrees(a, b plumbing.Hash, dir string, out *[]FileChange) error {
	if a == b {
		return nil
	}
	ea, err := r.entriesOf(a)
	if err != nil {
		return err
	}
	eb, err := r.entriesOf(b)
	if err != nil {
		return err
	}
	names := map[string][2]*treeEntry{}
	for i := range ea {
		v := names[ea[i].name]
		v[0] = &ea[i]
		names[ea[i].name] = v
	}
	for i := range eb {
		v := names[eb[i].name]
		v[1] = &eb[i]
		names[eb[i].name] = v
	}
	for name, v := range names {
		if err := r.diffEntry(v[0], v[1], path.Join(dir, name), out); err != nil {
			return err
		}
	}
	return nil
}

// entriesOf reads a tree's entries, none for the zero hash.
func (r *Repo) entriesOf(h plumbing.Hash) ([]treeEntry, error) {
	if h.IsZero() {
		return nil, nil
	}
	return r.tree(h)
}

// diffEntry compares one path's entries before (a) and after (b).
func (r *Repo) diffEntry(a, b *treeEntry, p string, out *[]FileChange) error {
	if a != nil && b != nil && a.hash == b.hash && a.mode == b.mode {
		return nil
	}
	sub := func(e *treeEntry) plumbing.Hash {
		if e != nil && e.isDir() {
			return e.hash
		}
		return plumbing.ZeroHash
	}
	if (a != nil && a.isDir()) || (b != nil && b.isDir()) {
		if err := r.diffTrees(sub(a), sub(b), p, out); err != nil {
			return err
		}
	}
	for _, e := range []*treeEntry{a, b} {
		if e != nil && (e.mode == filemode.Symlink || e.mode == filemode.Submodule) {
			return fmt.Errorf("%s: a changed symbolic link or submodule cannot be sent as a file change", p)
		}
	}
	switch {
	case b != nil && !b.isDir():
		data, err := r.readObject(plumbing.BlobObject, b.hash)
		if err != nil {
			return err
		}
		data = slices.Clone(data)
		*out = append(*out, FileChange{Path: p, Data: data, Executable: b.mode == filemode.Executable})
	case a != nil && !a.isDir():
		*out = append(*out, FileChange{Path: p, Delete: true})
	}
	return nil
}
