package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/internal/review"
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
	review.Enforce(ctx, opts, f.now, reason)
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
