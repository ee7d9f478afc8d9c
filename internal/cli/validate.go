package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/report"
	"github.com/gitops-promote/promote/promote"
)

type validateOptions struct {
	out output
	ref string
}

func newValidateCmd(f *Factory) *cobra.Command {
	o := &validateOptions{}
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check promote.yaml and every environment's kustomizations",
		Long: `Validate parses promote.yaml and, for every environment (and app), checks
that its directory exists, its kustomizations parse with one entry per
image, it builds with kustomize (in process: no kustomize binary, no
network; remote bases and Helm charts are reported as not rendered), and
the files: globs of the edge into it match files in its source. It exits
1 when anything is wrong. -o json reports each environment (and app) with
ok, its image and resource counts, and its errors.`,
		Example: `  promote validate
  promote validate -o json
  promote validate --ref main`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runValidate(f, o)
		},
	}
	o.out.register(cmd, "text", "json")
	cmd.Flags().StringVar(&o.ref, "ref", "", "validate the commit `REV` instead of the working directory")
	return cmd
}

func runValidate(f *Factory, o *validateOptions) error {
	if err := o.out.check(); err != nil {
		return err
	}
	cfg, tree, err := loadTree(f, o.ref)
	if err != nil {
		return err
	}
	checks := promote.Validate(cfg, tree)
	failed := 0
	for _, c := range checks {
		if !c.OK {
			failed++
		}
	}
	if o.out.format == "json" {
		if err := writeJSON(f.Stdout, checks); err != nil {
			return err
		}
	} else {
		report.ChecksText(f.Stdout, checks)
	}
	if failed > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d of %d %s failed", failed, len(checks), report.Plural(len(checks), "check"))}
	}
	return nil
}
