package gitrepo

import (
	"container/heap"
	"errors"
	"fmt"
	"iter"
	"path"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// LogOptions select the commits PathLog reports.
type LogOptions struct {
	// Patterns are slash paths relative to the repository root whose
	// content is watched; a segment "*" matches any one directory name
	// (apps/*/overlays/prod).
	Patterns []string
	// AllParents visits every commit reachable from the tip, newest
	// committer date first, instead of the first-parent chain. A merge
	// commit is then reported only when its content under the patterns
	// differs from every parent's (a conflict resolution or an edit made
	// in the merge), since its side branch's commits are reported
	// themselves.
	AllParents bool
}

// PathChange is a commit whose content under the watched patterns differs
// from its first parent's.
type PathChange struct {
	CommitInfo
	// Parent is the first parent the commit is compared with; the zero
	// hash for a root commit.
	Parent plumbing.Hash
	// Paths are the paths matching the patterns whose content differs,
	// sorted.
	Paths []string
}

// PathLog returns the commits reachable from tip whose content under
// o.Patterns differs from their first parent's, newest first: by default
// along the first-parent chain (the history of the branch itself, each
// merge, squash or rebase of a pull request as one commit). Only the trees
// on the watched paths are read, and a subtree whose hash equals the
// parent's is not descended into. In a shallow clone the walk ends at the
// shallow boundary, whose commits are not reported (their parents are
// missing, so what they changed is unknown).
func (r *Repo) PathLog(tip plumbing.Hash, o LogOptions) iter.Seq2[PathChange, error] {
	pats := make([][]string, len(o.Patterns))
	for i, p := range o.Patterns {
		pats[i] = splitPattern(p)
	}
	return func(yield func(PathChange, error) bool) {
		w := &logWalk{r: r, pats: pats, cache: map[plumbing.Hash][]byte{}}
		next := w.firstParent
		if o.AllParents {
			next = w.byDate
		}
		if err := next(tip, yield); err != nil {
			yield(PathChange{}, err)
		}
	}
}

// splitPattern splits a cleaned pattern into segments; "." is the root.
func splitPattern(p string) []string {
	p = path.Clean(strings.Trim(p, "/"))
	if p == "." {
		return nil
	}
	return strings.Split(p, "/")
}

// logWalk is one PathLog iteration.
type logWalk struct {
	r    *Repo
	pats [][]string
	// cache holds the raw trees read for the previous step, which the
	// next step reads again (a commit's tree is its child's parent tree);
	// it is swapped with fresh each step so memory stays bounded on long
	// walks. Trees are compared raw, without decoding their entries.
	cache, fresh map[plumbing.Hash][]byte
}

// firstParent follows first parents from tip.
func (w *logWalk) firstParent(tip plumbing.Hash, yield func(PathChange, error) bool) error {
	c, err := w.commit(tip)
	if err != nil {
		return err
	}
	for {
		var parent commitLinks
		parentTree := plumbing.ZeroHash
		if len(c.parents) > 0 {
			if parent, err = w.commit(c.parents[0]); errors.Is(err, plumbing.ErrObjectNotFound) {
				return nil // shallow boundary
			} else if err != nil {
				return err
			}
			parentTree = parent.tree
		}
		paths, err := w.changedPaths(parentTree, c.tree)
		if err != nil {
			return fmt.Errorf("history: commit %s: %w", c.hash, err)
		}
		if len(paths) > 0 {
			pc, err := pathChange(c, paths)
			if !yield(pc, err) || err != nil {
				return nil
			}
		}
		if len(c.parents) == 0 {
			return nil
		}
		c = parent
	}
}

// commit reads the links of commit h.
func (w *logWalk) commit(h plumbing.Hash) (commitLinks, error) {
	raw, err := w.r.readUnlocked(plumbing.CommitObject, h)
	if err != nil {
		return commitLinks{}, fmt.Errorf("history: %w", err)
	}
	return parseCommitLinks(h, raw)
}

// pathChange describes commit cl, which changed paths.
func pathChange(cl commitLinks, paths []string) (PathChange, error) {
	c, err := cl.decode()
	if err != nil {
		return PathChange{}, fmt.Errorf("history: %w", err)
	}
	pc := PathChange{
		CommitInfo: CommitInfo{
			Hash:      c.Hash,
			Author:    Signature(c.Author),
			Committer: Signature(c.Committer),
			Message:   c.Message,
			Parents:   slices.Clone(c.ParentHashes),
		},
		Paths: paths,
	}
	if len(c.ParentHashes) > 0 {
		pc.Parent = c.ParentHashes[0]
	}
	return pc, nil
}

// changedPaths lists the paths matching the patterns whose content differs
// between the root trees a and b (either may be zero: no tree).
func (w *logWalk) changedPaths(a, b plumbing.Hash) ([]string, error) {
	w.fresh = make(map[plumbing.Hash][]byte, len(w.cache))
	var out []string
	for _, segs := range w.pats {
		if err := w.diff(a, b, segs, ".", &out); err != nil {
			return nil, err
		}
	}
	w.cache = w.fresh
	slices.Sort(out)
	return slices.Compact(out), nil
}

// diff compares the subtrees a and b (zero: absent) against the remaining
// pattern segments under dir.
func (w *logWalk) diff(a, b plumbing.Hash, segs []string, dir string, out *[]string) error {
	if a == b {
		return nil
	}
	if len(segs) == 0 {
		*out = append(*out, dir)
		return nil
	}
	ea, err := w.entries(a)
	if err != nil {
		return err
	}
	eb, err := w.entries(b)
	if err != nil {
		return err
	}
	if segs[0] != "*" {
		last := len(segs) == 1
		ha, err := rawLookup(ea, segs[0], last)
		if err != nil {
			return fmt.Errorf("tree %s: %w", a, err)
		}
		hb, err := rawLookup(eb, segs[0], last)
		if err != nil {
			return fmt.Errorf("tree %s: %w", b, err)
		}
		return w.diff(ha, hb, segs[1:], path.Join(dir, segs[0]), out)
	}
	return rawUnionDirs(ea, eb, func(name string, ha, hb plumbing.Hash) error {
		return w.diff(ha, hb, segs[1:], path.Join(dir, name), out)
	})
}

// entries returns the raw tree h (nil for the zero hash), reusing the
// previous step's trees. It must not be modified.
func (w *logWalk) entries(h plumbing.Hash) ([]byte, error) {
	if h.IsZero() || h == emptyTree {
		return nil, nil
	}
	if e, ok := w.fresh[h]; ok {
		return e, nil
	}
	e, ok := w.cache[h]
	if !ok {
		var err error
		if e, err = w.r.readUnlocked(plumbing.TreeObject, h); err != nil {
			return nil, err
		}
	}
	w.fresh[h] = e
	return e, nil
}

// byDate visits every commit reachable from tip, newest committer date
// first (ties: first seen), like git log.
func (w *logWalk) byDate(tip plumbing.Hash, yield func(PathChange, error) bool) error {
	q := &commitQueue{}
	seen := map[plumbing.Hash]bool{tip: true}
	if err := w.push(q, tip); err != nil {
		return err
	}
	for q.Len() > 0 {
		c := heap.Pop(q).(queued).c
		paths, err := w.mergeChanges(c)
		if err != nil {
			return err
		}
		if len(paths) > 0 {
			pc, err := pathChange(c, paths)
			if !yield(pc, err) || err != nil {
				return nil
			}
		}
		for _, p := range c.parents {
			if seen[p] {
				continue
			}
			seen[p] = true
			if err := w.push(q, p); err != nil && !errors.Is(err, plumbing.ErrObjectNotFound) {
				return err
			}
		}
	}
	return nil
}

// push queues commit h.
func (w *logWalk) push(q *commitQueue, h plumbing.Hash) error {
	c, err := w.commit(h)
	if err != nil {
		return err
	}
	heap.Push(q, queued{c: c, seq: q.seq})
	q.seq++
	return nil
}

// mergeChanges compares a commit with its first parent; a merge is
// reported only when it also differs from every other parent. Commits at
// a shallow boundary change nothing known.
func (w *logWalk) mergeChanges(c commitLinks) ([]string, error) {
	trees := make([]plumbing.Hash, 0, len(c.parents))
	for _, h := range c.parents {
		p, err := w.commit(h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		trees = append(trees, p.tree)
	}
	first := plumbing.ZeroHash
	if len(trees) > 0 {
		first = trees[0]
	}
	paths, err := w.changedPaths(first, c.tree)
	if err != nil || len(paths) == 0 || len(trees) < 2 {
		return paths, err
	}
	for _, t := range trees[1:] {
		other, err := w.changedPaths(t, c.tree)
		if err != nil || len(other) == 0 {
			return nil, err
		}
	}
	return paths, nil
}

// queued is a commit waiting in a commitQueue.
type queued struct {
	c   commitLinks
	seq int
}

// commitQueue is a heap of commits, newest committer date first.
type commitQueue struct {
	items []queued
	seq   int
}

// Len implements heap.Interface.
func (q *commitQueue) Len() int { return len(q.items) }

// Less implements heap.Interface: newer committer dates first, then the
// order commits were queued in.
func (q *commitQueue) Less(i, j int) bool {
	a, b := q.items[i].c.when, q.items[j].c.when
	if a != b {
		return a > b
	}
	return q.items[i].seq < q.items[j].seq
}

// Swap implements heap.Interface.
func (q *commitQueue) Swap(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] }

// Push implements heap.Interface.
func (q *commitQueue) Push(x any) { q.items = append(q.items, x.(queued)) }

// Pop implements heap.Interface.
func (q *commitQueue) Pop() any {
	last := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return last
}
