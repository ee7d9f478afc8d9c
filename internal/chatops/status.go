package chatops

import (
	"fmt"
	"strings"

	"github.com/gitops-promote/promote/promote"
)

// StatusMarkdown renders a status as the reply to /promote status: one
// line per pipeline edge saying whether the target lags its source, and
// what it would get.
func StatusMarkdown(st *promote.Status) string {
	var b strings.Builder
	b.WriteString("| edge | state |\n|---|---|\n")
	for _, e := range st.Pipeline {
		state := "up to date"
		switch {
		case e.Error != "":
			state = "error: " + cell(e.Error)
		case e.Behind:
			var parts []string
			for _, c := range e.Changes {
				parts = append(parts, fmt.Sprintf("%s %s → %s", c.Name, orDash(c.Old), orDash(c.New)))
			}
			state = fmt.Sprintf("behind by %d: %s", len(e.Changes), cell(strings.Join(parts, ", ")))
		}
		fmt.Fprintf(&b, "| %s → %s | %s |\n", e.From, e.To, state)
	}
	if len(st.Pipeline) == 0 {
		b.WriteString("| (no edges) | |\n")
	}
	return b.String()
}

func cell(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", "\\|"), "\n", " ") }

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
