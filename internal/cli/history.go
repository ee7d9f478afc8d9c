package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

type historyOptions struct {
	env        string
	apps       []string
	limit      int
	ref        string
	allParents bool
	out        output
	// refSet is true when --ref was given: a branch environment's history
	// is otherwise walked from its branch.
	refSet bool
}

// newHistoryCmd builds history; runF, when set, receives the checked
// options instead of running.
func newHistoryCmd(f *Factory, runF func(*historyOptions) error) *cobra.Command {
	o := &historyOptions{}
	cmd := &cobra.Command{
		Use:   "history --env ENV",
		Short: "List the changes to an environment's promotables, newest first",
		Long: `History walks the first-parent history of a branch (default: HEAD) and
lists each commit that changed the environment's promotables (images,
promoted files and every kind the edge enables): when, which commit, who, from which environment
and source commit (Promote-* trailers), the pull or merge request, and
each value old → new. It compares the environment's directory at each
commit with its first parent, so it works whatever merge strategy was
used (merge commit, squash, rebase). Commits that changed only other files
of the environment are not listed. An environment that lives on a branch
(branch: in promote.yaml) is walked from that branch unless --ref is given.`,
		Example: `  promote history --env prod
  promote history --env prod -n 5 --ref origin/main
  promote history --env prod --app web -o json
  promote history --env prod --all-parents   # also the commits of merged branches`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.refSet = cmd.Flags().Changed("ref")
			if o.limit < 0 {
				return fmt.Errorf("-n %d: expected 0 (all) or more", o.limit)
			}
			if runF != nil {
				return runF(o)
			}
			return runHistory(f, o)
		},
	}
	cmd.Flags().StringVar(&o.env, "env", "", "the `ENV`ironment (required)")
	cmd.Flags().StringSliceVar(&o.apps, "app", nil, "only these `APP`s (repeatable or comma-separated; monorepos)")
	cmd.Flags().IntVarP(&o.limit, "max-count", "n", 20, "list at most `N` changes (0: all)")
	cmd.Flags().StringVar(&o.ref, "ref", "HEAD", "walk the history of `REV`")
	cmd.Flags().BoolVar(&o.allParents, "all-parents", false, "visit every commit reachable, not only the first-parent chain")
	o.out.register(cmd, "text", "json", "markdown")
	_ = cmd.MarkFlagRequired("env")
	return cmd
}

// historyResult is the JSON of history.
type historyResult = workspace.HistoryResult

func runHistory(f *Factory, o *historyOptions) error {
	if err := o.out.check(); err != nil {
		return err
	}
	ws, err := f.Workspace()
	if err != nil {
		return err
	}
	res, err := ws.History(workspace.HistoryRequest{HistoryRequest: promote.HistoryRequest{Env: o.env, Apps: o.apps, Limit: o.limit},
		Ref: o.ref, RefGiven: o.refSet, AllParents: o.allParents})
	if err != nil {
		return err
	}
	if res.Shallow != "" {
		fmt.Fprintf(f.Stderr, "note: the history shown %s\n", res.Shallow)
	}
	switch o.out.format {
	case "json":
		return writeJSON(f.Stdout, res)
	case "markdown":
		writeHistoryMarkdown(f.Stdout, res)
	default:
		writeHistoryText(f.Stdout, res)
	}
	return nil
}

func writeHistoryText(w io.Writer, res *historyResult) {
	if len(res.Entries) == 0 {
		fmt.Fprintf(w, "%s: no change to its promotables in the history of %s\n", res.Environment, res.Ref)
		return
	}
	for i, e := range res.Entries {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s %s %s  %s\n", short(e.Commit), e.Date.Format("2006-01-02 15:04 -0700"), e.Author, e.Subject)
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
}

// entryProvenance says where a change came from: the source environment
// and commit, the rollback target, the pull request.
func entryProvenance(e promote.HistoryEntry) string {
	var parts []string
	switch {
	case e.RollbackTo != "":
		parts = append(parts, "rollback to "+short(e.RollbackTo))
	case e.From != "" && e.SourceCommit != "":
		parts = append(parts, fmt.Sprintf("from %s at %s", e.From, short(e.SourceCommit)))
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
	return fmt.Sprintf("%s%s %s %s → %s", app, kind, c.Name, orNone(c.Old, "(none)"), orNone(c.New, "(removed)"))
}

func orNone(v, none string) string {
	if v == "" {
		return none
	}
	return v
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func writeHistoryMarkdown(w io.Writer, res *historyResult) {
	fmt.Fprintf(w, "## History of %s\n\n", res.Environment)
	if len(res.Entries) == 0 {
		fmt.Fprintf(w, "No change to its promotables in the history of `%s`.\n", res.Ref)
		return
	}
	fmt.Fprintln(w, "| commit | date | author | from | change |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, e := range res.Entries {
		for _, c := range e.Changes {
			fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s |\n", short(e.Commit), e.Date.Format("2006-01-02 15:04"),
				mdEscape(e.Author), mdEscape(entryProvenance(e)), mdEscape(historyChange(c)))
		}
	}
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
