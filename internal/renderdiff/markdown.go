package renderdiff

import (
	"fmt"
	"html"
	"strings"

	"github.com/gitops-promote/promote/promote"
)

// DefaultBudget is the markdown size Markdown aims for by default: the
// rendered diff shares a pull request body with the plan, and GitHub
// refuses bodies over 65,536 characters.
const DefaultBudget = 50_000

// noteReserve is kept free for the note saying what was cut.
const noteReserve = 400

// MarkdownOptions tune Markdown.
type MarkdownOptions struct {
	// Budget is the most bytes to write; 0 means DefaultBudget.
	Budget int
	// Hint is appended to the note when something was cut (for example
	// "run `promote plan --to prod --rendered` to see everything").
	Hint string
}

// Markdown renders reports for a proposal body: a heading, then per
// directory its summary line ("3 resources changed, 1 added"), its notes
// and one collapsed <details> block per resource. Blocks that do not fit
// the budget are shortened or left out, and a note says what was cut.
func Markdown(reports []*Report, o MarkdownOptions) string {
	w := NewMarkdownWriter(o, len(reports))
	for _, r := range reports {
		w.Add(r)
	}
	return w.String()
}

// MarkdownWriter writes the markdown of Markdown one report at a time, so
// a caller can stop comparing directories once the body is full (Full)
// and keep no report it has written.
type MarkdownWriter struct {
	b        strings.Builder
	limit    int
	perEntry int
	hint     string
	// named is true when there are several directories.
	named bool
	// reports written, those that rendered the same, directories not
	// shown for lack of room.
	added, same, skipped int
	// left are entries not shown; shortened diffs that were cut.
	left, shortened int
}

// NewMarkdownWriter starts the markdown of dirs directories' reports.
func NewMarkdownWriter(o MarkdownOptions, dirs int) *MarkdownWriter {
	if o.Budget <= 0 {
		o.Budget = DefaultBudget
	}
	w := &MarkdownWriter{limit: o.Budget - noteReserve, perEntry: max(o.Budget/4, 1000), hint: o.Hint, named: dirs > 1}
	w.b.WriteString("### Rendered manifests\n\n")
	return w
}

// minShown is the room a directory's summary and one resource need.
const minShown = 512

// Full reports whether the body has no room left for another resource:
// what is added from now on is only counted in the closing note.
func (w *MarkdownWriter) Full() bool {
	return w.left > 0 || w.skipped > 0 || w.room() < minShown
}

// Add writes one directory's report, or counts it when the body is full.
func (w *MarkdownWriter) Add(r *Report) {
	w.added++
	switch {
	case w.named && len(r.Entries) == 0 && len(r.Notes) == 0:
		w.same++
	case w.Full():
		w.skipped++
	default:
		w.report(r, w.named)
	}
}

// Skip counts a directory that was not compared because the body is full.
func (w *MarkdownWriter) Skip() {
	w.added++
	w.skipped++
}

// String finishes the markdown: what rendered the same, what was cut.
func (w *MarkdownWriter) String() string {
	out := w.b.String()
	if w.added == 0 {
		out += "Nothing was rendered: the target does not build.\n"
	}
	out += sameNote(w.same, w.added-w.skipped)
	return out + w.note()
}

func (w *MarkdownWriter) room() int { return w.limit - w.b.Len() }

func (w *MarkdownWriter) report(r *Report, named bool) {
	if named {
		fmt.Fprintf(&w.b, "**`%s`**: %s\n\n", r.Dir, r.Summary)
	} else {
		fmt.Fprintf(&w.b, "%s\n\n", capitalize(r.Summary))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&w.b, "> %s\n", n)
	}
	if len(r.Notes) > 0 {
		w.b.WriteString("\n")
	}
	for _, e := range r.Entries {
		w.entry(e)
	}
}

func (w *MarkdownWriter) entry(e Entry) {
	head := fmt.Sprintf("<details><summary>%s</summary>\n\n", entryTitle(e))
	fence := fenceFor(e.Diff)
	open, end := fence+"diff\n", fence+"\n\n</details>\n\n"
	overhead := len(head) + len(open) + len(end)
	if w.left > 0 || w.room() < overhead+200 {
		w.left++
		return
	}
	diff, cut := trimLines(e.Diff, min(w.room(), w.perEntry)-overhead-60)
	if cut > 0 {
		w.shortened++
		diff += fmt.Sprintf("... %d more %s not shown\n", cut, plural(cut, "line"))
	}
	w.b.WriteString(head + open + diff + end)
}

// note says what was cut, if anything.
func (w *MarkdownWriter) note() string {
	if w.left == 0 && w.shortened == 0 && w.skipped == 0 {
		return ""
	}
	var parts []string
	if w.skipped > 0 {
		parts = append(parts, directories(w.skipped)+" not shown")
	}
	if w.left > 0 {
		parts = append(parts, count(w.left, "resource")+" not shown")
	}
	if w.shortened > 0 {
		parts = append(parts, count(w.shortened, "diff")+" shortened")
	}
	s := fmt.Sprintf("> **Trimmed to fit the pull request body:** %s.", strings.Join(parts, ", "))
	if w.hint != "" {
		s += " " + w.hint
	}
	return s + "\n"
}

// directories renders "1 directory", "3 directories".
func directories(n int) string {
	if n == 1 {
		return "1 directory"
	}
	return fmt.Sprintf("%d directories", n)
}

// entryTitle is the <summary> of an entry.
func entryTitle(e Entry) string {
	if e.Status == Replaced {
		return fmt.Sprintf("<code>%s</code> replaced by <code>%s</code> (generated name changed)",
			html.EscapeString(e.OldID), html.EscapeString(nameOf(e.ID)))
	}
	return fmt.Sprintf("<code>%s</code> %s", html.EscapeString(e.ID), e.Status)
}

// nameOf is the namespace/name part of an ID.
func nameOf(id string) string {
	if _, n, ok := strings.Cut(id, " "); ok {
		return n
	}
	return id
}

// fenceFor is a code fence longer than any run of backticks in s.
func fenceFor(s string) string { return promote.Fence(s) }

// trimLines keeps the whole lines of s that fit in n bytes and returns
// how many lines were cut.
func trimLines(s string, n int) (string, int) {
	if len(s) <= n {
		return s, 0
	}
	n = max(n, 0)
	i := strings.LastIndexByte(s[:n], '\n') + 1
	return s[:i], strings.Count(s[i:], "\n") + boolInt(!strings.HasSuffix(s, "\n"))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// sameNote sums up the directories whose render did not change.
func sameNote(same, total int) string {
	switch {
	case same == 0:
		return ""
	case same == total:
		return fmt.Sprintf("No resources changed in the %d directories.\n\n", total)
	case same == 1:
		return "1 other directory renders the same before and after.\n\n"
	}
	return fmt.Sprintf("%d other directories render the same before and after.\n\n", same)
}
