package workspace

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sync"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/gitops-promote/promote/promote"
)

// Remote is the remote whose branches stand in for missing local ones.
const Remote = "origin"

// ErrNoEnvBranch is returned (wrapped) when a branch environment's branch
// exists neither locally nor as origin/<branch>.
var ErrNoEnvBranch = errors.New("branch not found")

// EnvBranch is where a branch environment was read from.
type EnvBranch struct {
	// Branch is the environment's branch; Ref the reference read
	// (refs/heads/env/prod, or refs/remotes/origin/env/prod when there is
	// no local branch), empty when the commit was pinned.
	Branch, Ref string
	// Commit is the branch's tip as read.
	Commit plumbing.Hash
	// FS is the commit's tree at the workspace prefix.
	FS fs.FS
}

// Tree is the workspace's tree (the working directory or a commit, at the
// directory of promote.yaml) for a configuration with branch
// environments: it implements promote.EnvTrees, so that planning reads a
// branch environment from its branch. Each branch is read once, at the
// tip it had then.
type Tree struct {
	fs.FS
	ws  *Workspace
	cfg *promote.Config
	// current is the branch the tree is a checkout of: environments on it
	// are read from the tree itself (the working directory, with its
	// uncommitted edits, for apply).
	current string

	// Fetch, when set, finds a branch's tip instead of the local branch
	// or origin/<branch> (a forge fetching it from its remote).
	Fetch func(branch string) (plumbing.Hash, error)

	mu       sync.Mutex
	branches map[string]*EnvBranch
}

// wrap returns fsys as a Tree when cfg has branch environments.
func (w *Workspace) wrap(cfg *promote.Config, fsys fs.FS, current string) fs.FS {
	if cfg == nil || !cfg.HasBranches() {
		return fsys
	}
	return &Tree{FS: fsys, ws: w, cfg: cfg, current: current, branches: map[string]*EnvBranch{}}
}

// EnvTree implements promote.EnvTrees.
func (t *Tree) EnvTree(name string) (fs.FS, error) {
	env, ok := t.cfg.Env(name)
	if !ok || env.Branch == "" || env.Branch == t.current {
		return t, nil
	}
	b, err := t.Branch(env.Branch)
	if err != nil {
		return nil, err
	}
	return b.FS, nil
}

// Current is the branch the tree itself is of, "" when none.
func (t *Tree) Current() string { return t.current }

// Branch reads branch: the local branch, or origin/<branch> when there is
// no local one, unless the branch was pinned.
func (t *Tree) Branch(branch string) (*EnvBranch, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if b, ok := t.branches[branch]; ok {
		return b, nil
	}
	repo, err := t.ws.Repo()
	if err != nil {
		return nil, err
	}
	if t.Fetch != nil {
		h, err := t.Fetch(branch)
		if err != nil {
			return nil, err
		}
		return t.pinLocked(branch, h)
	}
	b := &EnvBranch{Branch: branch}
	for _, ref := range []string{plumbing.NewBranchReferenceName(branch).String(), plumbing.NewRemoteReferenceName(Remote, branch).String()} {
		h, ok, err := repo.Ref(ref)
		if err != nil {
			return nil, err
		}
		if ok {
			b.Ref, b.Commit = ref, h
			break
		}
	}
	if b.Ref == "" {
		return nil, fmt.Errorf("%w: %s (no local branch and no %s/%s): create it, or fetch it with --fetch", ErrNoEnvBranch, branch, Remote, branch)
	}
	if b.FS, err = t.ws.TreeAt(b.Commit); err != nil {
		return nil, fmt.Errorf("branch %s: %w", branch, err)
	}
	t.branches[branch] = b
	return b, nil
}

// Pin makes the tree read branch at commit (a remote tip a forge fetched,
// for example) instead of looking the branch up.
func (t *Tree) Pin(branch string, commit plumbing.Hash) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, err := t.pinLocked(branch, commit)
	return err
}

func (t *Tree) pinLocked(branch string, commit plumbing.Hash) (*EnvBranch, error) {
	sub, err := t.ws.TreeAt(commit)
	if err != nil {
		return nil, fmt.Errorf("branch %s: %w", branch, err)
	}
	b := &EnvBranch{Branch: branch, Commit: commit, FS: sub}
	t.branches[branch] = b
	return b, nil
}

// ReadFile implements fs.ReadFileFS.
func (t *Tree) ReadFile(name string) ([]byte, error) { return fs.ReadFile(t.FS, name) }

// Stat implements fs.StatFS.
func (t *Tree) Stat(name string) (fs.FileInfo, error) { return fs.Stat(t.FS, name) }

// Lstat implements fs.ReadLinkFS.
func (t *Tree) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(t.FS, name) }

// ReadLink implements fs.ReadLinkFS.
func (t *Tree) ReadLink(name string) (string, error) { return fs.ReadLink(t.FS, name) }

// ReadDir implements fs.ReadDirFS.
func (t *Tree) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(t.FS, name) }

// TreeAt is the tree of commit at the workspace prefix.
func (w *Workspace) TreeAt(commit plumbing.Hash) (fs.FS, error) {
	repo, err := w.Repo()
	if err != nil {
		return nil, err
	}
	prefix, err := w.Prefix()
	if err != nil {
		return nil, err
	}
	return subTree(repo, commit, prefix)
}

// EnvBranchOf returns where env was read from in fsys: its branch and tip
// for a branch environment read from its branch, nil otherwise (a
// directory environment, or one on the branch fsys itself is of).
func EnvBranchOf(fsys fs.FS, env promote.Environment) (*EnvBranch, error) {
	t, ok := fsys.(*Tree)
	if !ok || env.Branch == "" || env.Branch == t.current {
		return nil, nil
	}
	return t.Branch(env.Branch)
}

// Branches lists the branches of cfg's branch environments, in
// configuration order, once each.
func Branches(cfg *promote.Config) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range cfg.Environments {
		if e.Branch != "" && !seen[e.Branch] {
			seen[e.Branch] = true
			out = append(out, e.Branch)
		}
	}
	return out
}

// Fetch updates origin/<branch> for each branch from the origin remote
// (go-git; auth may be nil for anonymous, local or agent-authenticated
// ssh remotes). A branch origin does not have is skipped; local branches
// are not touched.
func (w *Workspace) Fetch(ctx context.Context, branches []string, auth transport.AuthMethod) error {
	if len(branches) == 0 {
		return nil
	}
	repo, err := w.Repo()
	if err != nil {
		return err
	}
	shallow, err := repo.Shallow()
	if err != nil {
		return err
	}
	depth := 0
	if len(shallow) > 0 {
		// A shallow clone (a CI checkout) gets each tip alone: the
		// request then carries the clone's shallow commits, without
		// which the remote would leave out objects it thinks are here.
		depth = 1
	}
	for _, b := range branches {
		spec := config.RefSpec(fmt.Sprintf("+%s:%s", plumbing.NewBranchReferenceName(b), plumbing.NewRemoteReferenceName(Remote, b)))
		err := repo.Git().FetchContext(ctx, &git.FetchOptions{RemoteName: Remote, RefSpecs: []config.RefSpec{spec}, Auth: auth, Tags: git.NoTags, Depth: depth})
		var missing git.NoMatchingRefSpecError
		switch {
		case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate), errors.As(err, &missing):
		default:
			return fmt.Errorf("fetch %s from %s: %w", b, Remote, err)
		}
	}
	if depth == 0 {
		return nil
	}
	return repo.UpdateShallow(nil, nil)
}
