package remote

import (
	"context"
	"fmt"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/forge"
)

// Publication is what publishing did to the promotion branch.
type Publication = forge.Publication

// FetchBase fetches the base branch and returns its tip: the commit a
// proposal is planned on.
func (r *Remote) FetchBase(ctx context.Context, base string) (string, error) {
	h, err := r.Fetch(ctx, base)
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

// FetchHistory implements forge.HistoryFetcher with Deepen.
func (r *Remote) FetchHistory(ctx context.Context, commit string, depth int) error {
	return r.Deepen(ctx, plumbing.NewHash(commit), depth)
}

// Publish makes the remote's promotion branch hold p's change. When the
// branch already holds a commit with the same tree on the same base
// nothing is pushed; otherwise the branch is created or force-updated
// with a lease on its current value and on the base's. A lost race is an
// error wrapping gitrepo.ErrRefChanged.
func (r *Remote) Publish(ctx context.Context, p forge.Proposal) (Publication, error) {
	refs, err := r.List(ctx)
	if err != nil {
		return Publication{}, err
	}
	base := plumbing.NewHash(p.BaseCommit)
	commit := plumbing.NewHash(p.Commit)
	u := Update{Branch: p.Branch, Old: refs.Branch(p.Branch), New: commit, Base: p.Base, BaseCommit: base}
	if err := checkLease(refs, Update{Branch: p.Branch, Old: u.Old, Base: p.Base, BaseCommit: base}); err != nil {
		return Publication{}, err
	}
	pub := Publication{Existed: !u.Old.IsZero(), Commit: p.Commit}
	if pub.Existed {
		same, err := r.sameChange(ctx, p.Branch, u.Old, commit)
		if err != nil {
			return pub, err
		}
		if same {
			pub.Commit = u.Old.String()
			return pub, nil
		}
	}
	if r.Writer != nil {
		h, err := r.Writer.WriteBranch(ctx, u)
		if err != nil {
			return pub, err
		}
		pub.Commit, pub.Pushed = h.String(), true
		return pub, nil
	}
	if err := r.Push(ctx, u); err != nil {
		return pub, err
	}
	pub.Pushed = true
	return pub, nil
}

// sameChange reports whether the remote branch tip old has the same tree
// and parents as commit, fetching it first when it is not local.
func (r *Remote) sameChange(ctx context.Context, branch string, old, commit plumbing.Hash) (bool, error) {
	if !r.has(old) {
		if _, err := r.Fetch(ctx, branch); err != nil {
			return false, err
		}
	}
	if !r.has(old) {
		return false, nil
	}
	ta, err := r.Repo.TreeOf(old)
	if err != nil {
		return false, err
	}
	tb, err := r.Repo.TreeOf(commit)
	if err != nil {
		return false, err
	}
	pa, err := r.Repo.ParentsOf(old)
	if err != nil {
		return false, err
	}
	pb, err := r.Repo.ParentsOf(commit)
	if err != nil {
		return false, err
	}
	return ta == tb && slices.Equal(pa, pb), nil
}

// Tip returns the branch's commit on the remote, "" when it has none.
func (r *Remote) Tip(ctx context.Context, branch string) (string, error) {
	refs, err := r.List(ctx)
	if err != nil {
		return "", err
	}
	if h := refs.Branch(branch); !h.IsZero() {
		return h.String(), nil
	}
	return "", nil
}

// Remove deletes the remote promotion branch if it exists, with a lease
// on the value it was seen at. It reports whether a branch was deleted.
func (r *Remote) Remove(ctx context.Context, branch string) (bool, error) {
	refs, err := r.List(ctx)
	if err != nil {
		return false, err
	}
	old := refs.Branch(branch)
	if old.IsZero() {
		return false, nil
	}
	if err := r.Push(ctx, Update{Branch: branch, Old: old}); err != nil {
		return false, fmt.Errorf("delete stale branch: %w", err)
	}
	return true, nil
}
