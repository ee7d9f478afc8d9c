package report

import (
	"bufio"
	"fmt"
	"io"

	"github.com/gitops-promote/promote/promote"
)

const (
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiReset = "\x1b[0m"
)

// PlanText prints a plan grouped by file.
func PlanText(w io.Writer, p *promote.Plan, color bool) {
	// One write per line of 20,000 changes would cost a system call each.
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	w = bw
	paint := func(code, s string) string {
		if !color || s == "" {
			return s
		}
		return code + s + ansiReset
	}
	switch {
	case !p.Differs() && p.NotCompared:
		fmt.Fprintf(w, "%s: nothing to promote\n", p.Matches())
	case !p.Differs():
		fmt.Fprintf(w, "%s already matches %s: nothing to promote\n", p.To, p.From)
	case p.Empty():
		n := len(p.Unpromotable)
		verb := "differ"
		if n == 1 {
			verb = "differs"
		}
		fmt.Fprintf(w, "%s → %s: nothing promote can edit, but %d %s still %s\n", p.From, p.To, n, Plural(n, "version"), verb)
	case p.Rollback:
		fmt.Fprintf(w, "%s back to %s: %d %s\n", p.To, Short(p.RollbackTo), len(p.Changes), Plural(len(p.Changes), "change"))
	default:
		fmt.Fprintf(w, "%s → %s: %d %s\n", p.From, p.To, len(p.Changes), Plural(len(p.Changes), "change"))
	}
	file := ""
	for _, c := range p.Changes {
		if c.File != file {
			file = c.File
			fmt.Fprintf(w, "\n%s\n", file)
		}
		app := ""
		if c.App != "" {
			app = "[" + c.App + "] "
		}
		switch {
		case c.Kind == promote.KindFile:
			verb := "replaced"
			if c.Old == "" {
				verb = "added"
			}
			fmt.Fprintf(w, "  %sfile  %s %s from %s\n", app, c.Name, paint(ansiGreen, verb), c.Source)
		case c.Old == "":
			fmt.Fprintf(w, "  %s%-5s %s %s %s\n", app, c.Kind, c.Name, paint(ansiGreen, "+"), paint(ansiGreen, promote.ShortValue(c.New)))
		default:
			down := ""
			if c.Downgrade {
				down = " " + paint(ansiRed, "(downgrade)")
			}
			fmt.Fprintf(w, "  %s%-5s %s %s → %s%s\n", app, c.Kind, c.Name, paint(ansiRed, promote.ShortValue(c.Old)), paint(ansiGreen, promote.ShortValue(c.New)), down)
		}
	}
	writeUnpromotable(w, p, paint)
	for _, n := range p.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	if promote.ShowGates(p.Gates) {
		fmt.Fprintf(w, "\ngates\n")
		for _, l := range promote.GateLines(p.Gates) {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
}

// writeUnpromotable lists what still differs where promote cannot edit.
func writeUnpromotable(w io.Writer, p *promote.Plan, paint func(code, s string) string) {
	if len(p.Unpromotable) == 0 {
		return
	}
	fmt.Fprintln(w)
	for _, u := range p.Unpromotable {
		app := ""
		if u.App != "" {
			app = "[" + u.App + "] "
		}
		fmt.Fprintf(w, "%s: %s%s\n", paint(ansiRed, "differs"), app, u)
	}
}

// PlanMarkdown prints a plan as a markdown section: its title and body.
func PlanMarkdown(w io.Writer, p *promote.Plan) {
	fmt.Fprintf(w, "## %s\n\n%s", p.Title(), p.Markdown())
}

// Plural is word for n things: "file", "files".
func Plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
