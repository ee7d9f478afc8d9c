package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

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
		writeDriftMarkdown(f.Stdout, d)
	default:
		writeDriftText(f.Stdout, d, f.color())
	}
	if o.exitCode && (!d.Plan.Empty() || len(d.Files) > 0) {
		return &ExitError{Code: ExitChanges}
	}
	return nil
}

// driftState says which side has a file.
func driftState(d *promote.Drift, f promote.DriftFile) string {
	switch f.State {
	case promote.DriftSourceOnly:
		return "only in " + d.From
	case promote.DriftTargetOnly:
		return "only in " + d.To
	}
	return "differs"
}

func driftName(f promote.DriftFile) string {
	name := f.Target
	if name == "" {
		name = f.Source
	}
	if f.App != "" {
		return "[" + f.App + "] " + name
	}
	return name
}

func writeDriftText(w io.Writer, d *promote.Drift, color bool) {
	writePlanText(w, d.Plan, color)
	fmt.Fprintln(w)
	if len(d.Files) == 0 {
		fmt.Fprintf(w, "no other file differs between %s and %s\n", d.From, d.To)
		return
	}
	if len(d.Files) == 1 {
		fmt.Fprintln(w, "1 other file differs (a promotion leaves it as it is):")
	} else {
		fmt.Fprintf(w, "%d other files differ (a promotion leaves them as they are):\n", len(d.Files))
	}
	for _, f := range d.Files {
		fmt.Fprintf(w, "  %-*s  %s\n", len("only in ")+max(len(d.From), len(d.To)), driftState(d, f), driftName(f))
	}
	for _, f := range d.Files {
		if f.Patch != "" {
			fmt.Fprintf(w, "\n%s", f.Patch)
		}
	}
}

func writeDriftMarkdown(w io.Writer, d *promote.Drift) {
	writePlanMarkdown(w, d.Plan)
	fmt.Fprintf(w, "\n### Other files that differ\n\n")
	if len(d.Files) == 0 {
		fmt.Fprintf(w, "No other file differs between %s and %s.\n", d.From, d.To)
		return
	}
	for _, f := range d.Files {
		fmt.Fprintf(w, "- `%s`: %s\n", driftName(f), driftState(d, f))
	}
	for _, f := range d.Files {
		if f.Patch != "" {
			fmt.Fprintf(w, "\n```diff\n%s```\n", f.Patch)
		}
	}
}
