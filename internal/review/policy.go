package review

import (
	"io/fs"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/promote"
)

// Policy wraps plan so that what it plans is held to the pipeline policy
// (promote.EnforcePolicy) at the time now returns: a plan that breaks a
// rule fails with a *promote.PolicyError, unless reason is given, in
// which case the plan is marked forced (body and Promote-Forced trailer).
func Policy(plan proposal.PlanFunc, now func() time.Time, reason string) proposal.PlanFunc {
	return func(cfg *promote.Config, tree fs.FS, tip plumbing.Hash) (*promote.Plan, error) {
		p, err := plan(cfg, tree, tip)
		if err != nil {
			return nil, err
		}
		if err := promote.EnforcePolicy(cfg, p, promote.Trees{Source: tree, Target: tree}, now(), reason); err != nil {
			return nil, err
		}
		return p, nil
	}
}
