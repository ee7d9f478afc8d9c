package review

import (
	"context"
	"io/fs"

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
	return func(cfg *promote.Config, tree fs.FS, tip plumbing.Hash) (*promote.Plan, error) {
		p, err := plan(cfg, tree, tip)
		if err != nil {
			return nil, err
		}
		in := src.Input(ctx, cfg, p, tree, tip)
		if err := promote.EnforcePolicy(cfg, p, promote.Trees{Source: tree, Target: tree}, in, reason); err != nil {
			return nil, err
		}
		return p, nil
	}
}
