package renderdiff

import (
	"fmt"
	"io"
	"strings"
)

const (
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiCyan  = "\x1b[36m"
	ansiBold  = "\x1b[1m"
	ansiReset = "\x1b[0m"
)

// statusMark prefixes each resource in text output.
var statusMark = map[Status]string{Changed: "~", Replaced: "±", Added: "+", Removed: "-"}

// WriteText prints reports for a terminal, untrimmed: per directory its
// summary and notes, then each resource with its diff indented. With
// color, removed lines are red, added ones green and hunk headers cyan.
func WriteText(w io.Writer, reports []*Report, color bool) {
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return code + s + ansiReset
	}
	for i, r := range reports {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s %s: %s\n", paint(ansiBold, "rendered"), r.Dir, r.Summary)
		for _, n := range r.Notes {
			fmt.Fprintf(w, "note: %s\n", n)
		}
		for _, e := range r.Entries {
			fmt.Fprintf(w, "\n%s %s\n", statusMark[e.Status], textTitle(e))
			for _, l := range strings.SplitAfter(e.Diff, "\n") {
				if l == "" {
					continue
				}
				fmt.Fprint(w, "    "+paintLine(l, paint))
			}
		}
	}
}

func textTitle(e Entry) string {
	if e.Status == Replaced {
		return fmt.Sprintf("%s replaced by %s (generated name changed)", e.OldID, nameOf(e.ID))
	}
	return fmt.Sprintf("%s %s", e.ID, e.Status)
}

func paintLine(l string, paint func(string, string) string) string {
	body := strings.TrimSuffix(l, "\n")
	nl := l[len(body):]
	switch {
	case strings.HasPrefix(body, "@@"):
		return paint(ansiCyan, body) + nl
	case strings.HasPrefix(body, "+"):
		return paint(ansiGreen, body) + nl
	case strings.HasPrefix(body, "-"):
		return paint(ansiRed, body) + nl
	}
	return l
}
