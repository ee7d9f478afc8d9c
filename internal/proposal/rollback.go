package proposal

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// RollbackRequest says which environment to roll back, and to where.
type RollbackRequest struct {
	// Env is the environment; Apps, when set, limit the rollback to them.
	Env  string
	Apps []string
	// To, when set, is the revision to return to; else Steps changes to
	// the promotables back (at least 1).
	To    string
	Steps int
	// Deepen, when set, fetches more of a shallow clone's history (the
	// tip's, depth commits deep) when Steps reach past what the clone
	// holds; see Deepener. Without it such a rollback is an error saying
	// how to fetch more.
	Deepen func(tip plumbing.Hash, depth int) error
}

// Deepener returns a RollbackRequest.Deepen fetching through fg, nil
// when fg has no remote to fetch history from.
func Deepener(ctx context.Context, fg forge.Forge) func(plumbing.Hash, int) error {
	h, ok := fg.(forge.HistoryFetcher)
	if !ok {
		return nil
	}
	return func(tip plumbing.Hash, depth int) error { return h.FetchHistory(ctx, tip.String(), depth) }
}

// Deepening a shallow clone for a rollback starts at minDeepen commits
// and doubles, at most maxDeepen times.
const (
	minDeepen = 50
	maxDeepen = 10
)

// Rollback plans the rollback req describes on the base tip: the
// environment's tree at the target commit is the source, the tip's the
// target. A branch environment rolls back along its branch's history.
func Rollback(ws *workspace.Workspace, req RollbackRequest) PlanTreesFunc {
	return func(cfg *promote.Config, tree fs.FS, tip plumbing.Hash) (*promote.Plan, promote.Trees, error) {
		repo, err := ws.Repo()
		if err != nil {
			return nil, promote.Trees{}, err
		}
		env, err := cfg.Lookup(req.Env)
		if err != nil {
			return nil, promote.Trees{}, err
		}
		// A branch environment rolls back along its branch's history.
		present, err := promote.Trees{Source: tree, Target: tree}.For(env.Name, env.Name)
		if err != nil {
			return nil, promote.Trees{}, err
		}
		if tip, _, err = workspace.EnvWalkTip(tree, env, tip, ""); err != nil {
			return nil, promote.Trees{}, err
		}
		target, err := rollbackTarget(ws, repo, cfg, env, req, tip)
		if err != nil {
			return nil, promote.Trees{}, err
		}
		past, err := ws.TreeAt(target)
		if err != nil {
			return nil, promote.Trees{}, err
		}
		trees := promote.Trees{Source: past, Target: present.Target}
		plan, err := promote.NewRollback(cfg, promote.RollbackRequest{Env: env.Name, Apps: req.Apps, To: target.String()}, trees)
		return plan, trees, err
	}
}

// rollbackTarget is the commit to roll back to: req.To, or the first
// parent of the req.Steps'th change to the promotables in the base's
// history.
func rollbackTarget(ws *workspace.Workspace, repo *gitrepo.Repo, cfg *promote.Config, env promote.Environment, req RollbackRequest, tip plumbing.Hash) (plumbing.Hash, error) {
	if req.To != "" {
		h, err := repo.Resolve(req.To)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("--to: %w", err)
		}
		return h, nil
	}
	steps := max(req.Steps, 1)
	entries, err := stepsBack(ws, repo, cfg, env, req, tip)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if len(entries) < steps {
		msg, err := ws.ShallowEnd(tip)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if msg != "" {
			changes := "changes"
			if len(entries) == 1 {
				changes = "change"
			}
			return plumbing.ZeroHash, fmt.Errorf("--steps %d needs more of %s's history than this clone holds (%d %s found): the history %s",
				steps, env.Name, len(entries), changes, msg)
		}
		times := "times"
		if len(entries) == 1 {
			times = "time"
		}
		return plumbing.ZeroHash, fmt.Errorf("--steps %d goes past the start of %s's history: its promotables changed %d %s on the base branch (see promote history --env %s)",
			steps, env.Name, len(entries), times, env.Name)
	}
	e := entries[steps-1]
	if e.Parent == "" {
		return plumbing.ZeroHash, fmt.Errorf("--steps %d goes past the start of %s's history: the root commit %.12s created it", steps, env.Name, e.Commit)
	}
	parent := plumbing.NewHash(e.Parent)
	past, err := ws.TreeAt(parent)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if !cfg.ExistsIn(env, past) {
		return plumbing.ZeroHash, fmt.Errorf("--steps %d goes past the start of %s's history: commit %.12s created it", steps, env.Name, e.Commit)
	}
	return parent, nil
}

// stepsBack reads the last req.Steps changes to env's promotables in
// the history of tip; in a shallow clone it deepens the history (with
// req.Deepen) until it holds them or is complete.
func stepsBack(ws *workspace.Workspace, repo *gitrepo.Repo, cfg *promote.Config, env promote.Environment, req RollbackRequest, tip plumbing.Hash) ([]promote.HistoryEntry, error) {
	steps := max(req.Steps, 1)
	for round := 0; ; round++ {
		walk := ws.EnvCommits(cfg, env, req.Apps, tip, false)
		entries, err := promote.History(cfg, promote.HistoryRequest{Env: env.Name, Apps: req.Apps, Limit: steps}, walk)
		if err != nil || len(entries) >= steps || req.Deepen == nil || round == maxDeepen {
			return entries, err
		}
		depth, _, shallow, err := repo.ShallowEdge(tip)
		if err != nil || !shallow {
			return entries, err
		}
		if err := req.Deepen(tip, max(2*depth, minDeepen)); err != nil {
			return nil, fmt.Errorf("fetch more of the history for --steps %d: %w", steps, err)
		}
	}
}
