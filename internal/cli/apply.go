package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/report"
	"github.com/gitops-promote/promote/promote"
)

type applyOptions struct {
	sel   selection
	out   output
	fetch bool
}

func newApplyCmd(f *Factory) *cobra.Command {
	o := &applyOptions{}
	cmd := &cobra.Command{
		Use:   "apply --to ENV",
		Short: "Write a promotion into the working directory",
		Long: `Apply plans like plan does and writes the changes into the working
directory: only the bytes of changed values are edited, comments and
formatting are kept. Nothing is committed. When any change cannot be
made, no file is written. For an environment that lives on a branch
(branch: in promote.yaml), check that branch out first: the source is
read from its own branch, the edits go into the working directory.`,
		Example: `  promote apply --to prod
  promote apply --to prod --app web && git diff
  git switch env/prod && promote apply --to prod --fetch   # prod lives on branch env/prod`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runApply(cmd.Context(), f, o)
		},
	}
	o.sel.register(cmd)
	o.out.register(cmd, "text", "json", "markdown")
	addFetchFlag(cmd, &o.fetch)
	return cmd
}

func runApply(ctx context.Context, f *Factory, o *applyOptions) error {
	if err := o.out.check(); err != nil {
		return err
	}
	ws, err := f.Workspace()
	if err != nil {
		return err
	}
	if err := o.sel.noRev("apply"); err != nil {
		return err
	}
	plan, edits, err := ws.Apply(o.sel.request(), func(cfg *promote.Config) error { return fetchBranches(ctx, f, cfg, o.fetch) })
	if err != nil {
		return err
	}
	if err := writePlan(f, o.out.format, plan); err != nil {
		return err
	}
	fmt.Fprintf(f.Stderr, "wrote %d %s\n", len(edits), report.Plural(len(edits), "file"))
	return nil
}
