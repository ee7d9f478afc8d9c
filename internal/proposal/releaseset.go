package proposal

import (
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// maxDateWalk bounds the commits walked back to find the state of an
// environment at a date.
const maxDateWalk = 100000

// Selection plans req on the tree it is given, or, when rev is set
// (--from ENV@REV), with the source as it was at rev (ReleaseSet).
func Selection(ws *workspace.Workspace, req promote.Request, rev string) PlanTreesFunc {
	if rev != "" {
		return ReleaseSet(ws, req, rev)
	}
	return func(cfg *promote.Config, tree fs.FS, _ plumbing.Hash) (*promote.Plan, promote.Trees, error) {
		trees := promote.Trees{Source: tree, Target: tree}
		p, err := promote.NewPlan(cfg, req, trees)
		return p, trees, err
	}
}

// ReleaseSet plans req with the source as it was at rev (a release set:
// exactly what the source ran then, tested together): a commit, a tag or
// a branch, or {DATE} for the last commit of the source's branch (its
// own for a branch environment, else the base branch) at or before DATE
// (2026-11-30T10:00Z, an RFC 3339 time or a day). The plan records the
// commit in SourceCommit and rev in SourceRev; the target is read at the
// base tip as usual.
func ReleaseSet(ws *workspace.Workspace, req promote.Request, rev string) PlanTreesFunc {
	return func(cfg *promote.Config, tree fs.FS, tip plumbing.Hash) (*promote.Plan, promote.Trees, error) {
		from, _, err := cfg.Edge(req.From, req.To)
		if err != nil {
			return nil, promote.Trees{}, err
		}
		commit, err := resolveSourceRev(ws, tree, from, tip, rev)
		if err != nil {
			return nil, promote.Trees{}, err
		}
		src, err := sourceTreeAt(ws, from, commit)
		if err != nil {
			return nil, promote.Trees{}, err
		}
		trees := promote.Trees{Source: src, Target: tree}
		p, err := promote.NewPlan(cfg, req, trees)
		if err != nil {
			return nil, promote.Trees{}, err
		}
		p.SourceCommit, p.SourceRev = commit.String(), from.Name+"@"+rev
		return p, trees, nil
	}
}

// resolveSourceRev finds the commit rev names for the source env.
func resolveSourceRev(ws *workspace.Workspace, tree fs.FS, from promote.Environment, tip plumbing.Hash, rev string) (plumbing.Hash, error) {
	repo, err := ws.Repo()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	date, ok := strings.CutPrefix(rev, "{")
	if !ok {
		h, err := repo.Resolve(rev)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("--from %s@%s: %w", from.Name, rev, err)
		}
		return h, nil
	}
	at, err := parseRevDate(strings.TrimSuffix(date, "}"))
	if err != nil || !strings.HasSuffix(date, "}") {
		return plumbing.ZeroHash, fmt.Errorf("--from %s@%s: expected {DATE} with an RFC 3339 time such as {2026-11-30T10:00:00Z}, {2026-11-30T10:00Z} or a day {2026-11-30}", from.Name, rev)
	}
	start := tip
	if b, err := workspace.EnvBranchOf(tree, from); err != nil {
		return plumbing.ZeroHash, err
	} else if b != nil {
		start = b.Commit
	}
	return commitAt(repo, start, at, from.Name, rev)
}

// parseRevDate reads the date of an @{DATE} revision.
func parseRevDate(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date", s)
}

// commitAt walks first parents from start to the first commit whose
// committer date is at or before at: the branch's state then.
func commitAt(repo *gitrepo.Repo, start plumbing.Hash, at time.Time, env, rev string) (plumbing.Hash, error) {
	h := start
	for range maxDateWalk {
		c, err := repo.Commit(h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if !c.Committer.When.After(at) {
			return h, nil
		}
		parents, err := repo.ParentsOf(h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if len(parents) == 0 {
			break
		}
		h = parents[0]
	}
	return plumbing.ZeroHash, fmt.Errorf("--from %s@%s: no commit of the branch is that old", env, rev)
}

// sourceTreeAt is the tree the source environment is read from at
// commit: the commit's tree at the workspace's prefix, which is also what
// a branch environment is read from at its branch's commit.
func sourceTreeAt(ws *workspace.Workspace, from promote.Environment, commit plumbing.Hash) (fs.FS, error) {
	tree, err := ws.TreeAt(commit)
	if err != nil {
		return nil, fmt.Errorf("the state of %s at %s: %w", from.Name, commit.String()[:12], err)
	}
	return tree, nil
}
