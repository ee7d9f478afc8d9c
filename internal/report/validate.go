package report

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/gitops-promote/promote/promote"
)

// ChecksText prints validate's checks as a table: ok or FAIL, the
// environment (and app), its directory and counts, then its errors and
// notes.
func ChecksText(w io.Writer, checks []promote.Check) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range checks {
		status, name := "ok", c.Env
		if !c.OK {
			status = "FAIL"
		}
		if c.App != "" {
			name += "/" + c.App
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d %s\t%d %s\n", status, name, c.Dir, c.Images, Plural(c.Images, "image"), c.Resources, Plural(c.Resources, "resource"))
		for _, e := range c.Errors {
			fmt.Fprintf(tw, "\t  %s\n", e)
		}
		for _, n := range c.Notes {
			fmt.Fprintf(tw, "\t  note: %s\n", n)
		}
	}
	tw.Flush()
}
