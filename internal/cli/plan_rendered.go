package cli

import (
	"github.com/gitops-promote/promote/internal/report"
	"github.com/gitops-promote/promote/internal/review"
	"github.com/gitops-promote/promote/promote"
)

// writeRenderedPlan prints the plan and the per-resource diff of the
// target's kustomize build before and after the plan's edits. It exits 1
// when the target would not build after them (as run would refuse), 2
// with --exit-code when there is something to promote.
func writeRenderedPlan(f *Factory, o *planOptions, cfg *promote.Config, plan *promote.Plan, trees promote.Trees) error {
	rp, err := review.RenderPlan(cfg, plan, trees)
	if err != nil {
		return err
	}
	switch o.out.format {
	case "json":
		if err := writeJSON(f.Stdout, rp); err != nil {
			return err
		}
	case "markdown":
		report.RenderedMarkdown(f.Stdout, plan, rp.Rendered)
	default:
		report.RenderedText(f.Stdout, plan, rp.Rendered, f.color())
	}
	switch {
	case rp.Gate != nil:
		return &ExitError{Code: ExitFailure, Err: rp.Gate}
	case o.exitCode && plan.Differs():
		return &ExitError{Code: ExitChanges}
	}
	return nil
}
