package gitrepo

import (
	"github.com/go-git/go-git/v5/plumbing"
)

// Ancestors returns commit and every commit reachable from it (what
// `git log REV..` excludes). Parents missing from a shallow clone end the
// walk there.
func (r *Repo) Ancestors(commit plumbing.Hash) (map[plumbing.Hash]bool, error) {
	defer r.lockReads()()
	if _, err := r.commitLinks(commit); err != nil {
		return nil, err
	}
	seen := map[plumbing.Hash]bool{}
	queue := []plumbing.Hash{commit}
	for len(queue) > 0 {
		h := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if seen[h] {
			continue
		}
		c, err := r.commitLinks(h)
		if err != nil {
			continue // beyond a shallow boundary
		}
		seen[h] = true
		queue = append(queue, c.parents...)
	}
	return seen, nil
}
