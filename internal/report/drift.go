package report

import (
	"fmt"
	"io"

	"github.com/gitops-promote/promote/promote"
)

// driftState says which side has a file.
func driftState(d *promote.Drift, f promote.DriftFile) string {
	switch f.State {
	case promote.DriftSourceOnly:
		return "only in " + d.From
	case promote.DriftTargetOnly:
		return "only in " + d.To
	}
	return "differs"
}

func driftName(f promote.DriftFile) string {
	name := f.Target
	if name == "" {
		name = f.Source
	}
	if f.App != "" {
		return "[" + f.App + "] " + name
	}
	return name
}

// DriftText prints a drift: the plan, then the other files that differ
// and their patches.
func DriftText(w io.Writer, d *promote.Drift, color bool) {
	PlanText(w, d.Plan, color)
	fmt.Fprintln(w)
	if len(d.Files) == 0 {
		fmt.Fprintf(w, "no other file differs between %s and %s\n", d.From, d.To)
		return
	}
	if len(d.Files) == 1 {
		fmt.Fprintln(w, "1 other file differs (a promotion leaves it as it is):")
	} else {
		fmt.Fprintf(w, "%d other files differ (a promotion leaves them as they are):\n", len(d.Files))
	}
	for _, f := range d.Files {
		fmt.Fprintf(w, "  %-*s  %s\n", len("only in ")+max(len(d.From), len(d.To)), driftState(d, f), driftName(f))
	}
	for _, f := range d.Files {
		if f.Patch != "" {
			fmt.Fprintf(w, "\n%s", f.Patch)
		}
	}
}

// DriftMarkdown prints a drift as markdown.
func DriftMarkdown(w io.Writer, d *promote.Drift) {
	PlanMarkdown(w, d.Plan)
	fmt.Fprintf(w, "\n### Other files that differ\n\n")
	if len(d.Files) == 0 {
		fmt.Fprintf(w, "No other file differs between %s and %s.\n", d.From, d.To)
		return
	}
	for _, f := range d.Files {
		fmt.Fprintf(w, "- `%s`: %s\n", driftName(f), driftState(d, f))
	}
	for _, f := range d.Files {
		if f.Patch != "" {
			fmt.Fprintf(w, "\n```diff\n%s```\n", f.Patch)
		}
	}
}
