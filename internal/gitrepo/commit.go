package gitrepo

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ErrInvalidPath is returned (wrapped with the path) for a FileChange path
// that is empty, absolute, has empty, "." or ".." segments, or is under .git.
var ErrInvalidPath = errors.New("invalid path")

// FileChange is a file to write (Data) or remove (Delete) in a commit. Path
// is slash-separated and relative to the repository root; it must not be
// absolute, contain "..", "." or empty segments, or be under .git. A written
// file gets mode 100755 when Executable and 100644 otherwise (replacing a
// symbolic link by a regular file).
type FileChange struct {
	Path       string
	Data       []byte
	Delete     bool
	Executable bool
}

// ValidatePath checks a slash-separated repository path as FileChange
// requires; the error wraps ErrInvalidPath.
func ValidatePath(p string) error {
	reason := ""
	switch {
	case p == "":
		reason = "empty"
	case strings.HasPrefix(p, "/"):
		reason = "absolute"
	case strings.ContainsRune(p, 0):
		reason = "contains NUL"
	case !fs.ValidPath(p) || p == ".":
		reason = `empty, "." or ".." segment`
	}
	for seg := range strings.SplitSeq(p, "/") {
		if reason == "" && strings.EqualFold(seg, ".git") {
			reason = "inside .git"
		}
	}
	if reason != "" {
		return fmt.Errorf("%w %q: %s", ErrInvalidPath, p, reason)
	}
	return nil
}

// CommitFiles writes a commit whose parent is parent (a root commit when
// parent is plumbing.ZeroHash) and whose tree is the parent's tree with the
// changes applied: missing directories are created and directories left
// empty by deletions are removed. Only the trees on the paths of changed
// files are written anew, each spliced from the bytes of the old one with
// its changed entries replaced, so that it is what git writes; every other
// subtree keeps its hash, and objects already present are not written
// again. New objects are written as loose objects, or as one packfile when
// there are at least 100 of them. Author
// and committer are sig (sig.When defaults to now); a newline is appended
// to a message lacking one. No reference, nor the working tree, index or
// HEAD, is touched. If the changes leave the tree unchanged a commit is
// still returned. Deleting a missing file, a path used twice, writing over
// a directory or under a file are errors naming the path.
func (r *Repo) CommitFiles(parent plumbing.Hash, changes []FileChange, message string, sig Signature) (plumbing.Hash, error) {
	root, err := buildChangeTree(changes)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if err := checkSignature(sig); err != nil {
		return plumbing.ZeroHash, err
	}
	signer, err := r.commitSigner(sig)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	base, parents, err := r.parentTree(parent)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	var batch objectBatch
	tree, err := r.applyTree(&batch, base, root, "")
	if err == nil && tree.IsZero() {
		tree, err = r.add(&batch, plumbing.TreeObject, nil)
	}
	if err != nil {
		return plumbing.ZeroHash, err
	}
	commit, err := r.stageCommit(&batch, tree, parents, message, sig, signer)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if err := r.flush(&batch); err != nil {
		return plumbing.ZeroHash, err
	}
	return commit, nil
}

// parentTree returns the tree of parent and the parent list of a commit on
// top of it (none for the zero hash); r.mu must be held.
func (r *Repo) parentTree(parent plumbing.Hash) (plumbing.Hash, []plumbing.Hash, error) {
	if parent.IsZero() {
		return plumbing.ZeroHash, nil, nil
	}
	c, err := r.commitObject(parent)
	if err != nil {
		return plumbing.ZeroHash, nil, err
	}
	return c.TreeHash, []plumbing.Hash{parent}, nil
}

// checkSignature rejects names and emails Git cannot store.
func checkSignature(sig Signature) error {
	if strings.ContainsAny(sig.Name, "<>\n") || strings.ContainsAny(sig.Email, "<>\n") {
		return fmt.Errorf("invalid signature %q <%s>: contains '<', '>' or newline", sig.Name, sig.Email)
	}
	return nil
}

// stageCommit encodes a commit into the batch, signed by signer unless it
// is nil; r.mu must be held.
func (r *Repo) stageCommit(b *objectBatch, tree plumbing.Hash, parents []plumbing.Hash, message string, sig Signature, signer Signer) (plumbing.Hash, error) {
	if sig.When.IsZero() {
		sig.When = time.Now()
	}
	if message != "" && !strings.HasSuffix(message, "\n") {
		message += "\n"
	}
	c := &object.Commit{
		Author:       object.Signature(sig),
		Committer:    object.Signature(sig),
		Message:      message,
		TreeHash:     tree,
		ParentHashes: parents,
	}
	if signer != nil {
		if err := signCommit(c, signer); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	obj := &plumbing.MemoryObject{}
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode commit: %w", err)
	}
	b.put(obj.Hash(), obj)
	return obj.Hash(), nil
}

// signCommit adds the gpgsig header git would: the detached signature of
// the commit encoded without it.
func signCommit(c *object.Commit, signer Signer) error {
	data, err := encodeWithoutSignature(c)
	if err != nil {
		return err
	}
	sig, err := signer.Sign(data)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(sig)) == 0 {
		return fmt.Errorf("%w: the signing program returned an empty signature", ErrSign)
	}
	c.PGPSignature = string(sig)
	return nil
}

// changeNode is a directory of the change set, or a changed file.
type changeNode struct {
	children map[string]*changeNode
	change   *FileChange
}

// buildChangeTree validates changes and arranges them by directory.
func buildChangeTree(changes []FileChange) (*changeNode, error) {
	root := &changeNode{}
	for i := range changes {
		c := &changes[i]
		if err := ValidatePath(c.Path); err != nil {
			return nil, err
		}
		n := root
		for seg := range strings.SplitSeq(c.Path, "/") {
			if n.change != nil {
				return nil, fmt.Errorf("change %q: conflicts with change of its parent %q", c.Path, n.change.Path)
			}
			if n.children == nil {
				n.children = make(map[string]*changeNode)
			}
			child := n.children[seg]
			if child == nil {
				child = &changeNode{}
				n.children[seg] = child
			}
			n = child
		}
		if n.change != nil {
			return nil, fmt.Errorf("change %q: path changed twice", c.Path)
		}
		if len(n.children) > 0 {
			return nil, fmt.Errorf("change %q: conflicts with changes below it", c.Path)
		}
		n.change = c
	}
	return root, nil
}

// applyTree returns the hash of tree base (zero for none) with the changes
// of node applied, or the zero hash when the result is empty; r.mu must be
// held. dir is the slash path of the tree, "" for the root. The new tree
// is the raw base with the changed entries spliced in: the others are
// neither decoded nor encoded again.
func (r *Repo) applyTree(b *objectBatch, base plumbing.Hash, node *changeNode, dir string) (plumbing.Hash, error) {
	t := &rawTree{}
	if !base.IsZero() {
		var err error
		if t, err = r.rawTree(base); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	edits := make([]treeEdit, 0, len(node.children))
	for _, name := range slices.Sorted(maps.Keys(node.children)) {
		var old *treeEntry
		i := t.find(name)
		if i >= 0 {
			e := t.entry(i)
			old = &e
		}
		e, err := r.applyEntry(b, old, name, path.Join(dir, name), node.children[name])
		if err != nil {
			return plumbing.ZeroHash, err
		}
		switch {
		case i >= 0:
			edits = append(edits, treeEdit{at: i, replace: true, entry: e})
		case !e.hash.IsZero():
			edits = append(edits, treeEdit{at: t.insertAt([]byte(name), e.isDir()), entry: e})
		}
	}
	pieces := t.splice(edits)
	if len(pieces) == 0 {
		return plumbing.ZeroHash, nil
	}
	r.trees.encoded++
	return b.putPieces(plumbing.TreeObject, pieces), nil
}

// applyEntry returns the new entry for name, whose current entry is old
// (nil when absent), after applying child; a zero hash means the entry is
// removed.
func (r *Repo) applyEntry(b *objectBatch, old *treeEntry, name, p string, child *changeNode) (treeEntry, error) {
	if child.change != nil {
		return r.applyFile(b, old, name, p, child.change)
	}
	base := plumbing.ZeroHash
	if old != nil {
		if !old.isDir() {
			return treeEntry{}, fmt.Errorf("change under %q: not a directory", p)
		}
		base = old.hash
	}
	h, err := r.applyTree(b, base, child, p)
	if err != nil {
		return treeEntry{}, err
	}
	return treeEntry{name: name, mode: filemode.Dir, hash: h}, nil
}

// applyFile writes or deletes one file whose current entry is old (nil
// when absent).
func (r *Repo) applyFile(b *objectBatch, old *treeEntry, name, p string, c *FileChange) (treeEntry, error) {
	if old != nil && !old.isFile() {
		kind := "a directory"
		if old.mode == filemode.Submodule {
			kind = "a submodule"
		}
		return treeEntry{}, fmt.Errorf("change %q: is %s", p, kind)
	}
	if c.Delete {
		if old == nil {
			return treeEntry{}, fmt.Errorf("delete %q: %w", p, fs.ErrNotExist)
		}
		return treeEntry{name: name}, nil
	}
	h, err := r.add(b, plumbing.BlobObject, c.Data)
	if err != nil {
		return treeEntry{}, fmt.Errorf("write %q: %w", p, err)
	}
	mode := filemode.Regular
	if c.Executable {
		mode = filemode.Executable
	}
	return treeEntry{name: name, mode: mode, hash: h}, nil
}
