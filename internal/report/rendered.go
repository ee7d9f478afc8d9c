package report

import (
	"fmt"
	"io"

	"github.com/gitops-promote/promote/internal/renderdiff"
	"github.com/gitops-promote/promote/promote"
)

// RenderedText prints a plan, then the per-resource diff of its
// target's renders (plan --rendered).
func RenderedText(w io.Writer, p *promote.Plan, reports []*renderdiff.Report, color bool) {
	PlanText(w, p, color)
	if len(reports) > 0 {
		fmt.Fprintln(w)
		renderdiff.WriteText(w, reports, color)
	}
}

// RenderedMarkdown is RenderedText in markdown, the diff whole.
func RenderedMarkdown(w io.Writer, p *promote.Plan, reports []*renderdiff.Report) {
	PlanMarkdown(w, p)
	if len(reports) > 0 {
		fmt.Fprintf(w, "\n%s", renderdiff.Markdown(reports, renderdiff.MarkdownOptions{Budget: 1 << 30}))
	}
}
