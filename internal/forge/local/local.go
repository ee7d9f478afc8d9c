package local

import (
	"context"
	"fmt"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/gitrepo"
)

// Forge keeps proposals as local branches.
type Forge struct {
	Repo *gitrepo.Repo
}

// New returns the local forge over repo.
func New(repo *gitrepo.Repo) *Forge { return &Forge{Repo: repo} }

// Name implements forge.Forge.
func (f *Forge) Name() string { return "local" }

// Propose points refs/heads/<branch> at the proposal's commit unless the
// branch already holds the same change on the same base.
func (f *Forge) Propose(_ context.Context, p forge.Proposal) (forge.Result, error) {
	ref := plumbing.NewBranchReferenceName(p.Branch).String()
	res := forge.Result{Branch: p.Branch, Commit: p.Commit}
	old, exists, err := f.Repo.Ref(ref)
	if err != nil {
		return res, err
	}
	commit := plumbing.NewHash(p.Commit)
	if exists {
		same, err := f.sameChange(old, commit)
		if err != nil {
			return res, err
		}
		if same {
			res.Action, res.Commit = forge.Unchanged, old.String()
			return res, nil
		}
	}
	if err := f.Repo.SetRef(ref, commit, old); err != nil {
		return res, fmt.Errorf("set branch %s: %w", p.Branch, err)
	}
	res.Action = forge.Created
	if exists {
		res.Action = forge.Updated
	}
	return res, nil
}

// sameChange reports whether two commits have the same tree and parents.
func (f *Forge) sameChange(a, b plumbing.Hash) (bool, error) {
	ta, err := f.Repo.TreeOf(a)
	if err != nil {
		return false, err
	}
	tb, err := f.Repo.TreeOf(b)
	if err != nil {
		return false, err
	}
	pa, err := f.Repo.ParentsOf(a)
	if err != nil {
		return false, err
	}
	pb, err := f.Repo.ParentsOf(b)
	if err != nil {
		return false, err
	}
	return ta == tb && slices.Equal(pa, pb), nil
}

// Withdraw deletes the proposal branch when it exists.
func (f *Forge) Withdraw(_ context.Context, p forge.Proposal) (forge.Result, error) {
	ref := plumbing.NewBranchReferenceName(p.Branch).String()
	res := forge.Result{Branch: p.Branch, Action: forge.None}
	old, exists, err := f.Repo.Ref(ref)
	if err != nil || !exists {
		return res, err
	}
	if err := f.Repo.DeleteRef(ref, old); err != nil {
		return res, fmt.Errorf("delete stale branch %s: %w", p.Branch, err)
	}
	res.Action = forge.Closed
	return res, nil
}

var _ forge.BaseMover = (*Forge)(nil)

// MoveBase implements forge.BaseMover: a compare-and-swap of the local
// branch base from old to new.
func (f *Forge) MoveBase(_ context.Context, base, old, new string) error {
	ref := plumbing.NewBranchReferenceName(base).String()
	if err := f.Repo.SetRef(ref, plumbing.NewHash(new), plumbing.NewHash(old)); err != nil {
		return fmt.Errorf("move %s: %w", base, err)
	}
	return nil
}
