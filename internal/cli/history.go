package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/report"
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
	stats  statsOptions
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
(branch: in promote.yaml) is walked from that branch unless --ref is given.

With --stats it reports delivery metrics instead, from the history alone:
deployment frequency, lead time for changes (from the commit that first
put a value into the first environment of the pipeline to the commit that
brought it into ENV; median and 90th percentile), change failure rate
(rollbacks ÷ promotions) and time to restore (a rollback's commit time
minus that of the change it undid), over --since (30d, 2w, 72h; default
the whole history).`,
		Example: `  promote history --env prod
  promote history --env prod -n 5 --ref origin/main
  promote history --env prod --app web -o json
  promote history --env prod --all-parents   # also the commits of merged branches
  promote history --env prod --stats --since 30d -o markdown >> "$GITHUB_STEP_SUMMARY"`,
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
	addAppsFlag(cmd, &o.apps)
	cmd.Flags().IntVarP(&o.limit, "max-count", "n", 20, "list at most `N` changes (0: all)")
	cmd.Flags().StringVar(&o.ref, "ref", "HEAD", "walk the history of `REV`")
	cmd.Flags().BoolVar(&o.allParents, "all-parents", false, "visit every commit reachable, not only the first-parent chain")
	o.out.register(cmd, "text", "json", "markdown")
	o.stats.register(cmd)
	_ = cmd.MarkFlagRequired("env")
	return cmd
}

func runHistory(f *Factory, o *historyOptions) error {
	if err := o.out.check(); err != nil {
		return err
	}
	if err := o.stats.check(); err != nil {
		return err
	}
	if o.stats.on {
		return runStats(f, o)
	}
	ws, err := f.Workspace()
	if err != nil {
		return err
	}
	w, err := ws.Walk(o.env, o.apps, o.ref, o.refSet, o.allParents)
	if err != nil {
		return err
	}
	req := promote.HistoryRequest{Env: w.Env.Name, Apps: o.apps, Limit: o.limit}
	res := &workspace.HistoryResult{Environment: w.Env.Name, Ref: w.Ref, Commit: w.Tip.String()}
	var n int
	switch o.out.format {
	case "json", "markdown":
		if res.Entries, err = promote.History(w.Config, req, w.Commits); err != nil {
			return err
		}
		n = len(res.Entries)
	default:
		// Text is written as the walk finds each entry.
		if n, err = report.HistoryText(f.Stdout, res, promote.HistoryEntries(w.Config, req, w.Commits)); err != nil {
			return err
		}
	}
	if o.limit == 0 || n < o.limit {
		msg, err := ws.ShallowEnd(w.Tip)
		if err != nil {
			return err
		}
		if msg != "" {
			fmt.Fprintf(f.Stderr, "note: the history shown %s\n", msg)
		}
	}
	switch o.out.format {
	case "json":
		return writeJSON(f.Stdout, res)
	case "markdown":
		report.HistoryMarkdown(f.Stdout, res)
	}
	return nil
}
