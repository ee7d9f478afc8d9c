package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/internal/review"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// review adds the pipeline policy and the validation gate with the
// rendered diff to a run's proposal options.
func (o *runOptions) review(ctx context.Context, f *Factory, opts *proposal.Options) error {
	reason := strings.TrimSpace(o.reason)
	switch {
	case o.force && reason == "":
		return errors.New("--force needs --reason TEXT: say why the pipeline policy is overridden (it goes into the proposal)")
	case !o.force && reason != "":
		return errors.New("--reason is only used with --force")
	}
	src := gateSources(f, opts.Workspace, opts.Forge)
	src.Deepen = proposal.Deepener(ctx, opts.Forge)
	if opts.PlanTrees != nil {
		opts.PlanTrees = review.PolicyTrees(ctx, opts.PlanTrees, src, reason)
	} else {
		opts.Plan = review.Policy(ctx, opts.Plan, src, reason)
	}
	opts.Reviewers = append(opts.Reviewers, o.rendered(f))
	return nil
}

// now is the factory's clock: Factory.Now, or time.Now.
func (f *Factory) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// gateSources read what the gates need: the factory's clock, the
// workspace's history and, when the forge reports them, its checks.
func gateSources(f *Factory, ws *workspace.Workspace, fg forge.Forge) review.Sources {
	return review.ForgeSources(f.now, ws, fg)
}

// policyHint adds to a policy refusal how to override it.
func policyHint(err error) error {
	var pe *promote.PolicyError
	if !errors.As(err, &pe) {
		return err
	}
	err = fmt.Errorf("%w\n(pass --force --reason TEXT to propose anyway)", err)
	if pe.Waiting() {
		// Only gates that open by themselves hold it back: a scheduled
		// run tells this apart from a failure.
		return &ExitError{Code: ExitGated, Err: err}
	}
	return err
}
