package review

import (
	"context"
	"io/fs"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/promote"
)

// Policy wraps plan so that what it plans is held to the pipeline policy
// (promote.EnforcePolicy): its gates are evaluated with what src reads
// at that moment and recorded in the plan; a plan a gate holds back fails
// with a *promote.PolicyError, unless reason is given, in which case the
// plan is marked forced (body and Promote-Forced trailer).
func Policy(ctx context.Context, plan proposal.PlanFunc, src Sources, reason string) proposal.PlanFunc {
	trees := PolicyTrees(ctx, func(cfg *promote.Config, tree fs.FS, tip plumbing.Hash) (*promote.Plan, promote.Trees, error) {
		p, err := plan(cfg, tree, tip)
		return p, promote.Trees{Source: tree, Target: tree}, err
	}, src, reason)
	return func(cfg *promote.Config, tree fs.FS, tip plumbing.Hash) (*promote.Plan, error) {
		p, _, err := trees(cfg, tree, tip)
		return p, err
	}
}

// PolicyTrees is Policy for a plan that reads its own trees (a release
// set reads the source at an earlier commit): the gates see those trees.
func PolicyTrees(ctx context.Context, plan proposal.PlanTreesFunc, src Sources, reason string) proposal.PlanTreesFunc {
	return func(cfg *promote.Config, tree fs.FS, tip plumbing.Hash) (*promote.Plan, promote.Trees, error) {
		p, trees, err := plan(cfg, tree, tip)
		if err != nil {
			return nil, trees, err
		}
		in := src.Input(ctx, cfg, p, tree, tip)
		if err := promote.EnforcePolicy(cfg, p, trees, in, reason); err != nil {
			return nil, trees, err
		}
		return p, trees, nil
	}
}

// Enforce holds what o plans (its PlanTrees, else its Plan) to the
// pipeline policy, as Policy does, with the gates reading the clock now,
// o's workspace and o's forge (its checks, and more of a shallow clone's
// history).
func Enforce(ctx context.Context, o *proposal.Options, now func() time.Time, reason string) {
	src := ForgeSources(now, o.Workspace, o.Forge)
	src.Deepen = proposal.Deepener(ctx, o.Forge)
	if o.PlanTrees != nil {
		o.PlanTrees = PolicyTrees(ctx, o.PlanTrees, src, reason)
		return
	}
	o.Plan = Policy(ctx, o.Plan, src, reason)
}
