package gitrepo

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/go-git/go-billy/v5"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/gitops-promote/promote/internal/gitrepo/objread"
)

// ErrNotRepository is returned (wrapped) by Open when no repository is found.
var ErrNotRepository = errors.New("not a git repository")

// ErrDetached is returned by CurrentBranch when HEAD does not point at a branch.
var ErrDetached = errors.New("HEAD is detached")

// ErrNoBranch is returned (wrapped with the branch name) when a local branch
// does not exist.
var ErrNoBranch = errors.New("no such branch")

// ErrUnknownRevision is returned (wrapped with the revision) by Resolve when
// a revision cannot be resolved to a commit.
var ErrUnknownRevision = errors.New("unknown revision")

// Repo is an opened Git repository. All methods are safe for concurrent use.
// Objects are read through objread, which needs no lock, when the
// repository's object directory allows it (see objectReader); writes and
// references go through go-git's storage, serialized by one lock.
type Repo struct {
	repo *git.Repository
	root string // working tree root, "" when bare

	// objs reads objects without locking; nil when the repository needs
	// go-git's reader (an object format other than SHA-1, a version 1
	// pack index).
	objs *objread.DB

	mu    sync.Mutex // guards the go-git storer and signing
	trees treeCache

	// sign is how commits are signed; signer is the resolved signer (nil:
	// unsigned) once signerSet, or signerErr.
	sign      SignOptions
	signer    Signer
	signerErr error
	signerSet bool
}

// Open opens the repository containing dir, searching dir and then its
// parent directories for a .git entry (directory, or file as in linked
// worktrees and submodules) or for a bare repository.
func Open(dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open repository at %s: %w", dir, err)
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, git.GitDirName)); err == nil {
			return openAt(dir, d, d)
		}
		if isBareDir(d) {
			return openAt(dir, d, "")
		}
		if filepath.Dir(d) == d {
			return nil, fmt.Errorf("open repository at %s: %w", dir, ErrNotRepository)
		}
	}
}

// openAt opens the repository found at path; root is its working tree root.
func openAt(dir, path, root string) (*Repo, error) {
	opts := &git.PlainOpenOptions{EnableDotGitCommonDir: true}
	gr, err := git.PlainOpenWithOptions(path, opts)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("open repository at %s: %w", dir, ErrNotRepository)
	}
	if err != nil {
		return nil, fmt.Errorf("open repository at %s: %w", dir, err)
	}
	if gr, err = keepDescriptors(gr); err != nil {
		return nil, fmt.Errorf("open repository at %s: %w", dir, err)
	}
	return &Repo{repo: gr, root: root, objs: objectReader(gr)}, nil
}

// objectReader opens objread on the repository's object directory, or
// returns nil when the repository is not on disk or its object directory
// is one objread does not read (objread.ErrUnsupported): go-git's reader
// is used then.
func objectReader(gr *git.Repository) *objread.DB {
	st, ok := gr.Storer.(*filesystem.Storage)
	if !ok {
		return nil
	}
	gitDir, err := commonDir(st.Filesystem().Root())
	if err != nil {
		return nil
	}
	db, err := objread.Open(filepath.Join(gitDir, "objects"), gitDir, objread.Limits{})
	if err != nil {
		return nil
	}
	return db
}

// commonDir returns the directory holding the objects of the git
// directory gitDir: the one its commondir file names (linked worktrees),
// else gitDir itself.
func commonDir(gitDir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(gitDir, "commondir"))
	if errors.Is(err, os.ErrNotExist) {
		return gitDir, nil
	}
	if err != nil {
		return "", err
	}
	d := strings.TrimSpace(string(b))
	if !filepath.IsAbs(d) {
		d = filepath.Join(gitDir, d)
	}
	return d, nil
}

// keepDescriptors reopens a repository's storage so that packfiles stay
// open between object reads: go-git otherwise opens and closes the pack
// for every object, which dominates reading thousands of trees.
func keepDescriptors(gr *git.Repository) (*git.Repository, error) {
	st, ok := gr.Storer.(*filesystem.Storage)
	if !ok {
		return gr, nil
	}
	var wt billy.Filesystem
	if w, err := gr.Worktree(); err == nil {
		wt = w.Filesystem
	}
	kept := filesystem.NewStorageWithOptions(st.Filesystem(), cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true})
	return git.Open(kept, wt)
}

// Close releases the packfiles the repository keeps open.
func (r *Repo) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var errs []error
	if r.objs != nil {
		errs = append(errs, r.objs.Close())
	}
	if st, ok := r.repo.Storer.(*filesystem.Storage); ok {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}

// isBareDir reports whether d looks like a git directory: it has HEAD, an
// objects directory and a refs directory.
func isBareDir(d string) bool {
	if fi, err := os.Stat(filepath.Join(d, "HEAD")); err != nil || fi.IsDir() {
		return false
	}
	for _, sub := range []string{"objects", "refs"} {
		if fi, err := os.Stat(filepath.Join(d, sub)); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// Root returns the absolute working tree root, or "" for a bare repository.
func (r *Repo) Root() string { return r.root }

// Git returns the underlying go-git repository for callers that need more.
// Calls on it are not serialized with the Repo's own.
func (r *Repo) Git() *git.Repository { return r.repo }

// CurrentBranch returns the short name of the checked-out branch ("main"),
// also when the branch has no commit yet; ErrDetached when HEAD is detached.
func (r *Repo) CurrentBranch() (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	head, err := r.repo.Storer.Reference(plumbing.HEAD)
	if err != nil {
		return "", fmt.Errorf("read HEAD: %w", err)
	}
	if head.Type() != plumbing.SymbolicReference || !head.Target().IsBranch() {
		return "", ErrDetached
	}
	return head.Target().Short(), nil
}

// Resolve resolves a revision to a commit hash: a full or abbreviated (at
// least 4 hex digits) commit hash, a local branch, a remote branch
// ("origin/x"), a tag (annotated tags are peeled to their commit), HEAD,
// full reference names, and the suffixes "~N" and "^N". Like git, a
// reference wins over an abbreviated hash with the same spelling.
func (r *Repo) Resolve(rev string) (plumbing.Hash, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, err := r.resolve(rev)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("%w %q: %w", ErrUnknownRevision, rev, err)
	}
	return h, nil
}

// resolve implements Resolve; r.mu must be held.
func (r *Repo) resolve(rev string) (plumbing.Hash, error) {
	cut := strings.IndexAny(rev, "~^")
	if cut < 0 {
		cut = len(rev)
	}
	base, suffix := rev[:cut], rev[cut:]
	ref, isRef := r.expandRef(base)
	if !isRef && len(base) == 2*len(plumbing.ZeroHash) && plumbing.IsHash(base) {
		ref, isRef = plumbing.NewHash(base), true
	}
	if isRef && r.objs != nil {
		if h, ok, err := r.resolveSuffix(ref, suffix); ok {
			return h, err
		}
	}
	if isRef {
		rev = ref.String() + suffix
	} else if len(base) < 4 {
		return plumbing.ZeroHash, plumbing.ErrReferenceNotFound
	}
	h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return *h, nil
}

// resolveSuffix peels h to a commit and applies the suffixes "~N", "~",
// "^N" and "^" through objread; ok is false for other suffixes, which
// go-git resolves.
func (r *Repo) resolveSuffix(h plumbing.Hash, suffix string) (plumbing.Hash, bool, error) {
	type step struct {
		parent bool // ^N: the Nth parent; ~N: N first parents
		n      int
	}
	var steps []step
	for rest := suffix; rest != ""; {
		op := rest[0]
		rest = rest[1:]
		digits := len(rest) - len(strings.TrimLeft(rest, "0123456789"))
		n := 1
		if digits > 0 {
			v, err := strconv.Atoi(rest[:digits])
			if err != nil {
				return plumbing.ZeroHash, false, nil
			}
			n = v
		}
		rest = rest[digits:]
		if op != '~' && op != '^' {
			return plumbing.ZeroHash, false, nil
		}
		steps = append(steps, step{parent: op == '^', n: n})
	}
	c, err := r.peelCommit(h)
	if err != nil {
		return plumbing.ZeroHash, true, err
	}
	for _, s := range steps {
		if s.parent && s.n == 0 {
			continue
		}
		if s.parent {
			if c, err = r.parent(c, s.n-1); err != nil {
				return plumbing.ZeroHash, true, err
			}
			continue
		}
		for range s.n {
			if c, err = r.parent(c, 0); err != nil {
				return plumbing.ZeroHash, true, err
			}
		}
	}
	return c.hash, true, nil
}

// peelCommit reads the commit h names, following annotated tags.
func (r *Repo) peelCommit(h plumbing.Hash) (commitLinks, error) {
	for range 10 {
		t, raw, err := r.objs.Read(h)
		if err != nil {
			return commitLinks{}, err
		}
		switch t {
		case plumbing.CommitObject:
			return parseCommitLinks(h, raw)
		case plumbing.TagObject:
			line, _, _ := bytes.Cut(raw, []byte{'\n'})
			target, ok := bytes.CutPrefix(line, []byte("object "))
			if !ok {
				return commitLinks{}, fmt.Errorf("tag %s: malformed object header", h)
			}
			if h, err = parseHexHash(target); err != nil {
				return commitLinks{}, fmt.Errorf("tag %s: %w", h, err)
			}
		default:
			return commitLinks{}, fmt.Errorf("%s is a %s, not a commit", h, t)
		}
	}
	return commitLinks{}, fmt.Errorf("tag %s: too many nested tags", h)
}

// parent reads the parent at index i of commit c.
func (r *Repo) parent(c commitLinks, i int) (commitLinks, error) {
	if i >= len(c.parents) {
		return commitLinks{}, fmt.Errorf("commit %s has no parent %d", c.hash, i+1)
	}
	return r.links(c.parents[i])
}

// commitLinks reads the tree, parents and time of commit h; r.mu must be
// held unless r.objs is set.
func (r *Repo) commitLinks(h plumbing.Hash) (commitLinks, error) {
	if r.objs != nil {
		return r.links(h)
	}
	c, err := r.commitObject(h)
	if err != nil {
		return commitLinks{}, err
	}
	return commitLinks{hash: h, tree: c.TreeHash, parents: c.ParentHashes, when: c.Committer.When.Unix()}, nil
}

// links reads the tree, parents and time of commit h through objread.
func (r *Repo) links(h plumbing.Hash) (commitLinks, error) {
	raw, err := r.readObject(plumbing.CommitObject, h)
	if err != nil {
		return commitLinks{}, err
	}
	return parseCommitLinks(h, raw)
}

// expandRef resolves name with git's rules (name, refs/name, refs/tags/name,
// refs/heads/name, refs/remotes/name, refs/remotes/name/HEAD) to the hash
// the reference points at; r.mu must be held.
func (r *Repo) expandRef(name string) (plumbing.Hash, bool) {
	if name == "" {
		return plumbing.ZeroHash, false
	}
	for _, rule := range plumbing.RefRevParseRules {
		ref, err := storer.ResolveReference(r.repo.Storer, plumbing.ReferenceName(fmt.Sprintf(rule, name)))
		if err == nil {
			return ref.Hash(), true
		}
	}
	return plumbing.ZeroHash, false
}

// BranchTip returns the commit a local branch points to; ErrNoBranch
// (wrapped with the name) when the branch does not exist.
func (r *Repo) BranchTip(branch string) (plumbing.Hash, error) {
	name := plumbing.NewBranchReferenceName(branch)
	h, ok, err := r.Ref(name.String())
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("branch %q: %w", branch, err)
	}
	if !ok {
		return plumbing.ZeroHash, fmt.Errorf("branch %q: %w", branch, ErrNoBranch)
	}
	return h, nil
}

// TreeOf returns the root tree hash of a commit.
func (r *Repo) TreeOf(commit plumbing.Hash) (plumbing.Hash, error) {
	defer r.lockReads()()
	c, err := r.commitLinks(commit)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return c.tree, nil
}

// ParentsOf returns the parent hashes of a commit (empty for a root commit).
// In a shallow clone the parents may not be present in the repository.
func (r *Repo) ParentsOf(commit plumbing.Hash) ([]plumbing.Hash, error) {
	defer r.lockReads()()
	c, err := r.commitLinks(commit)
	if err != nil {
		return nil, err
	}
	return append([]plumbing.Hash(nil), c.parents...), nil
}

// CommitInfo is what callers show of a commit.
type CommitInfo struct {
	Hash      plumbing.Hash
	Author    Signature
	Committer Signature
	Message   string
	Parents   []plumbing.Hash
}

// Commit returns the metadata of a commit.
func (r *Repo) Commit(hash plumbing.Hash) (CommitInfo, error) {
	defer r.lockReads()()
	c, err := r.commitObject(hash)
	if err != nil {
		return CommitInfo{}, err
	}
	return CommitInfo{
		Hash:      c.Hash,
		Author:    Signature(c.Author),
		Committer: Signature(c.Committer),
		Message:   c.Message,
		Parents:   append([]plumbing.Hash(nil), c.ParentHashes...),
	}, nil
}

// commitObject reads a commit; r.mu must be held unless r.objs is set.
func (r *Repo) commitObject(hash plumbing.Hash) (*object.Commit, error) {
	if r.objs == nil {
		c, err := object.GetCommit(r.repo.Storer, hash)
		if err != nil {
			return nil, fmt.Errorf("read commit %s: %w", hash, err)
		}
		return c, nil
	}
	data, err := r.readObject(plumbing.CommitObject, hash)
	if err != nil {
		return nil, err
	}
	c := &object.Commit{}
	if err := c.Decode(&rawObject{hash: hash, typ: plumbing.CommitObject, data: data}); err != nil {
		return nil, fmt.Errorf("decode commit %s: %w", hash, err)
	}
	return c, nil
}
