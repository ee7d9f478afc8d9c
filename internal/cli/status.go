package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/report"
	"github.com/gitops-promote/promote/promote"
)

type statusOptions struct {
	ref      string
	exitCode bool
	noRender bool
	out      output
}

func newStatusCmd(f *Factory) *cobra.Command {
	o := &statusOptions{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show what every environment runs and which lag their source",
		Long: `Status lists, for every environment (and app, in monorepos), each image it
runs with its tag and digest, then for each pipeline edge whether the
target is behind its source: whether a promotion would change it, and
which images. It reads the working directory, or a commit with --ref.`,
		Example: `  promote status
  promote status --ref origin/main -o json
  promote status -o markdown >> "$GITHUB_STEP_SUMMARY"
  promote status --exit-code   # exit 2 when an environment lags its source`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runStatus(cmd.Context(), f, o)
		},
	}
	cmd.Flags().StringVar(&o.ref, "ref", "", "read the commit `REV` instead of the working directory")
	cmd.Flags().BoolVar(&o.exitCode, "exit-code", false, "exit 2 when an environment lags its source, 0 when none does")
	cmd.Flags().BoolVar(&o.noRender, "no-render", false, "do not compare what environments with nothing to promote render (faster on large monorepos)")
	o.out.register(cmd, "text", "json", "markdown")
	return cmd
}

func runStatus(ctx context.Context, f *Factory, o *statusOptions) error {
	if err := o.out.check(); err != nil {
		return err
	}
	ws, err := f.Workspace()
	if err != nil {
		return err
	}
	cfg, tree, tip, err := ws.TreeWithCommit(o.ref)
	if err != nil {
		return err
	}
	st := promote.NewStatusWith(cfg, tree, promote.StatusOptions{NoRender: o.noRender})
	var behind []string
	for _, e := range st.Pipeline {
		behind = append(behind, e.To)
	}
	if err := planSources(f, cfg, behind...).StatusGates(ctx, cfg, st, tree, tip); err != nil {
		return err
	}
	apps := cfg.Apps != nil
	switch o.out.format {
	case "json":
		if err := writeJSON(f.Stdout, st); err != nil {
			return err
		}
	case "markdown":
		report.StatusMarkdown(f.Stdout, st, apps)
	default:
		report.StatusText(f.Stdout, st, apps)
	}
	if err := st.Err(); err != nil {
		return err
	}
	if o.exitCode && st.Lagging() {
		return &ExitError{Code: ExitChanges}
	}
	return nil
}
