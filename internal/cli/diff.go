package cli

import (
	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/report"
	"github.com/gitops-promote/promote/promote"
)

type diffOptions struct {
	sel      selection
	ref      string
	patch    bool
	exitCode bool
	out      output
}

func newDiffCmd(f *Factory) *cobra.Command {
	o := &diffOptions{}
	cmd := &cobra.Command{
		Use:   "diff --to ENV",
		Short: "Show how two environments differ: promotables, then drift",
		Long: `Diff compares two environments. It first lists the promotable differences
(what plan would change: images, promoted files), then every other file
that differs between the two directories and would still differ after a
promotion: configuration drift that promotion does not fix. --patch adds
a unified diff of each such file, from the source's file to the target's
(as the target would be after the promotion). It reads the working
directory, or a commit with --ref, and writes nothing.`,
		Example: `  promote diff --from staging --to prod
  promote diff --to prod --patch
  promote diff --to prod --app web -o json
  promote diff --to prod --exit-code   # exit 2 when the environments differ`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDiff(f, o)
		},
	}
	o.sel.register(cmd)
	cmd.Flags().StringVar(&o.ref, "ref", "", "read the commit `REV` instead of the working directory")
	cmd.Flags().BoolVar(&o.patch, "patch", false, "show a unified diff of each file that differs")
	cmd.Flags().BoolVar(&o.exitCode, "exit-code", false, "exit 2 when the environments differ, 0 when not")
	o.out.register(cmd, "text", "json", "markdown")
	return cmd
}

func runDiff(f *Factory, o *diffOptions) error {
	if err := o.out.check(); err != nil {
		return err
	}
	if err := o.sel.noRev("diff"); err != nil {
		return err
	}
	cfg, tree, err := loadTree(f, o.ref)
	if err != nil {
		return err
	}
	d, err := promote.NewDrift(cfg, o.sel.request(), promote.Trees{Source: tree, Target: tree}, o.patch)
	if err != nil {
		return err
	}
	switch o.out.format {
	case "json":
		if err := writeJSON(f.Stdout, d); err != nil {
			return err
		}
	case "markdown":
		report.DriftMarkdown(f.Stdout, d)
	default:
		report.DriftText(f.Stdout, d, f.color())
	}
	if o.exitCode && (!d.Plan.Empty() || len(d.Files) > 0) {
		return &ExitError{Code: ExitChanges}
	}
	return nil
}
