package cli

import (
	"fmt"
	"io"

	"github.com/gitops-promote/promote/internal/renderdiff"
	"github.com/gitops-promote/promote/internal/report"
	"github.com/gitops-promote/promote/internal/review"
	"github.com/gitops-promote/promote/promote"
)

// renderedPlan is plan -o json --rendered: the plan's fields and, per
// target directory, the rendered diff.
type renderedPlan struct {
	*promote.Plan
	Rendered []*renderdiff.Report `json:"rendered"`
	// Error is why the target would not build after the change.
	Error string `json:"error,omitempty"`
}

// writeRenderedPlan prints the plan and the per-resource diff of the
// target's kustomize build before and after the plan's edits. It exits 1
// when the target would not build after them (as run would refuse), 2
// with --exit-code when there is something to promote.
func writeRenderedPlan(f *Factory, o *planOptions, cfg *promote.Config, plan *promote.Plan, trees promote.Trees) error {
	edits, err := promote.Apply(plan, trees)
	if err != nil {
		return err
	}
	rs, err := review.Render(cfg, plan, trees, edits)
	if err != nil {
		return err
	}
	reports, gate := review.Reports(rs), review.Gate(plan.To, rs)
	if err := writeRendered(f, o.out.format, plan, reports, gate); err != nil {
		return err
	}
	switch {
	case gate != nil:
		return &ExitError{Code: ExitFailure, Err: gate}
	case o.exitCode && plan.Differs():
		return &ExitError{Code: ExitChanges}
	}
	return nil
}

func writeRendered(f *Factory, format string, plan *promote.Plan, reports []*renderdiff.Report, gate error) error {
	switch format {
	case "json":
		out := renderedPlan{Plan: plan, Rendered: reports}
		if out.Rendered == nil {
			out.Rendered = []*renderdiff.Report{}
		}
		if gate != nil {
			out.Error = gate.Error()
		}
		return writeJSON(f.Stdout, out)
	case "markdown":
		report.PlanMarkdown(f.Stdout, plan)
		if len(reports) > 0 {
			fmt.Fprintf(f.Stdout, "\n%s", renderdiff.Markdown(reports, renderdiff.MarkdownOptions{Budget: 1 << 30}))
		}
	default:
		report.PlanText(f.Stdout, plan, f.color())
		writeRenderedText(f.Stdout, reports, f.color())
	}
	return nil
}

func writeRenderedText(w io.Writer, reports []*renderdiff.Report, color bool) {
	if len(reports) == 0 {
		return
	}
	fmt.Fprintln(w)
	renderdiff.WriteText(w, reports, color)
}
