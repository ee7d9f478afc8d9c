package report

import (
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// writeHistoryText writes each entry as it comes and returns how many
// there were.
// HistoryText prints an environment's history as the walk finds each
// entry, newest first, and returns how many it printed.
func HistoryText(w io.Writer, res *workspace.HistoryResult, entries iter.Seq2[promote.HistoryEntry, error]) (int, error) {
	n := 0
	for e, err := range entries {
		if err != nil {
			return n, err
		}
		if n > 0 {
			fmt.Fprintln(w)
		}
		n++
		fmt.Fprintf(w, "%s %s %s  %s\n", Short(e.Commit), e.Date.Format("2006-01-02 15:04 -0700"), e.Author, e.Subject)
		if about := entryProvenance(e); about != "" {
			fmt.Fprintf(w, "  %s\n", about)
		}
		for _, c := range e.Changes {
			fmt.Fprintf(w, "  %s\n", historyChange(c))
		}
		for _, n := range e.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
	}
	if n == 0 {
		fmt.Fprintf(w, "%s: no change to its promotables in the history of %s\n", res.Environment, res.Ref)
	}
	return n, nil
}

// entryProvenance says where a change came from: the source environment
// and commit, the rollback target, the pull request.
func entryProvenance(e promote.HistoryEntry) string {
	var parts []string
	switch {
	case e.RollbackTo != "":
		parts = append(parts, "rollback to "+Short(e.RollbackTo))
	case e.From != "" && e.SourceCommit != "":
		parts = append(parts, fmt.Sprintf("from %s at %s", e.From, Short(e.SourceCommit)))
	case e.From != "":
		parts = append(parts, "from "+e.From)
	}
	if e.PR != nil {
		parts = append(parts, "PR "+e.PR.Ref)
	}
	if e.Forced != "" {
		parts = append(parts, "forced: "+e.Forced)
	}
	return strings.Join(parts, ", ")
}

// historyChange renders a change as "image NAME OLD → NEW".
func historyChange(c promote.Change) string {
	app := ""
	if c.App != "" {
		app = "[" + c.App + "] "
	}
	kind := fmt.Sprintf("%-5s", c.Kind)
	return fmt.Sprintf("%s%s %s %s → %s", app, kind, c.Name, OrNone(c.Old, "(none)"), OrNone(c.New, "(removed)"))
}

// OrNone is v, or none when v is empty.
func OrNone(v, none string) string {
	if v == "" {
		return none
	}
	return v
}

// Short is the first 12 characters of a commit hash.
func Short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// HistoryMarkdown prints an environment's history as a markdown table.
func HistoryMarkdown(w io.Writer, res *workspace.HistoryResult) {
	fmt.Fprintf(w, "## History of %s\n\n", res.Environment)
	if len(res.Entries) == 0 {
		fmt.Fprintf(w, "No change to its promotables in the history of `%s`.\n", res.Ref)
		return
	}
	fmt.Fprintln(w, "| commit | date | author | from | change |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, e := range res.Entries {
		for _, c := range e.Changes {
			fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s |\n", Short(e.Commit), e.Date.Format("2006-01-02 15:04"),
				MdEscape(e.Author), MdEscape(entryProvenance(e)), MdEscape(historyChange(c)))
		}
	}
}

// MdEscape escapes | for a markdown table cell.
func MdEscape(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
