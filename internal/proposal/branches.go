package proposal

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// target is the branch a proposal builds on and targets, and its tip.
type target struct {
	branch string
	tip    plumbing.Hash
}

// prepareBranches makes a tree with branch environments read the base
// branch at tip and, for forges with a remote, every other environment
// branch at the remote's tip.
func prepareBranches(ctx context.Context, o Options, tree fs.FS, tip plumbing.Hash) error {
	t, ok := tree.(*workspace.Tree)
	if !ok {
		return nil
	}
	if err := t.Pin(o.Base, tip); err != nil {
		return err
	}
	f, ok := o.Forge.(forge.BaseFetcher)
	if !ok {
		return nil
	}
	t.Fetch = func(branch string) (plumbing.Hash, error) {
		h, err := f.FetchBase(ctx, branch)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("fetch environment branch %s: %w", branch, err)
		}
		return plumbing.NewHash(h), nil
	}
	return nil
}

// branchTarget returns where the plan's proposal goes: the target
// environment's branch at the tip the plan read, for a branch
// environment, else the base branch at tip. The tip of a source
// environment's branch (a rolled-back environment's, for a rollback) is
// the plan's source commit.
func branchTarget(cfg *promote.Config, plan *promote.Plan, tree fs.FS, base string, tip plumbing.Hash) (target, error) {
	if from, ok := cfg.Env(plan.From); ok && !plan.Rollback {
		b, err := workspace.EnvBranchOf(tree, from)
		if err != nil {
			return target{}, err
		}
		if b != nil && plan.SourceCommit == "" {
			plan.SourceCommit = b.Commit.String()
		}
	}
	to, ok := cfg.Env(plan.To)
	if !ok {
		return target{base, tip}, nil
	}
	b, err := workspace.EnvBranchOf(tree, to)
	if err != nil || b == nil {
		return target{base, tip}, err
	}
	if plan.Rollback && plan.SourceCommit == "" {
		plan.SourceCommit = b.Commit.String()
	}
	return target{b.Branch, b.Commit}, nil
}

// localDirs are the plan's directories that the working tree holds: those
// of environments that do not live on a branch of their own.
func localDirs(cfg *promote.Config, plan *promote.Plan) []string {
	from, _ := cfg.Env(plan.From)
	to, _ := cfg.Env(plan.To)
	var out []string
	for i, d := range plan.Dirs {
		env := to
		if !plan.Rollback && i%2 == 0 {
			env = from
		}
		if env.Branch == "" {
			out = append(out, d)
		}
	}
	return out
}
