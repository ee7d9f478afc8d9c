package gitrepo

import (
	"fmt"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"
)

// Shallow returns the repository's shallow commits (those whose parents
// it lacks, listed in .git/shallow); empty for a complete clone.
func (r *Repo) Shallow() ([]plumbing.Hash, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.repo.Storer.Shallow()
	if err != nil {
		return nil, fmt.Errorf("read the shallow commits: %w", err)
	}
	return s, nil
}

// UpdateShallow records what a fetch into a shallow repository changed:
// the server's shallow lines (commits sent without their parents) are
// added and its unshallow lines (commits whose parents were sent) are
// removed. A commit whose parents are all present is not shallow, so
// it is dropped from the list: a commit fetched on top of one the
// repository holds keeps its history connected for git log and for
// later negotiations.
func (r *Repo) UpdateShallow(shallow, unshallow []plumbing.Hash) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.repo.Storer
	old, err := st.Shallow()
	if err != nil {
		return fmt.Errorf("read the shallow commits: %w", err)
	}
	var out []plumbing.Hash
	for _, h := range append(old, shallow...) {
		if slices.Contains(out, h) || slices.Contains(unshallow, h) || r.parentsPresent(h) {
			continue
		}
		out = append(out, h)
	}
	if slices.Equal(out, old) {
		return nil
	}
	if err := st.SetShallow(out); err != nil {
		return fmt.Errorf("write the shallow commits: %w", err)
	}
	return nil
}

// parentsPresent reports whether commit h and all its parents are in
// the object database; r.mu must be held.
func (r *Repo) parentsPresent(h plumbing.Hash) bool {
	c, err := r.commitLinks(h)
	if err != nil {
		return false
	}
	for _, p := range c.parents {
		if ok, err := r.hasObject(p); !ok || err != nil {
			return false
		}
	}
	return true
}

// ShallowEdge follows first parents from tip to where the repository's
// history of tip ends. When it ends because the repository is shallow
// (a commit's first parent is missing), ok is true, edge is that last
// commit and depth the number of commits from tip to it, tip and edge
// included; when it reaches a root commit, ok is false. In a repository
// that lists no shallow commits the history cannot end early: ok is false
// at once, with no walk (depth 0, edge zero).
func (r *Repo) ShallowEdge(tip plumbing.Hash) (depth int, edge plumbing.Hash, ok bool, err error) {
	shallow, err := r.Shallow()
	if err != nil {
		return 0, plumbing.ZeroHash, false, err
	}
	if len(shallow) == 0 {
		return 0, plumbing.ZeroHash, false, nil
	}
	defer r.lockReads()()
	for h := tip; ; depth++ {
		c, err := r.commitLinks(h)
		if err != nil {
			return 0, plumbing.ZeroHash, false, err
		}
		if len(c.parents) == 0 {
			return depth + 1, h, false, nil
		}
		ok, err := r.hasObject(c.parents[0])
		if err != nil {
			return 0, plumbing.ZeroHash, false, err
		}
		if !ok {
			return depth + 1, h, true, nil
		}
		h = c.parents[0]
	}
}
