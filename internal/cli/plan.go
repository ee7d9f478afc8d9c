package cli

import (
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/promote"
)

type planOptions struct {
	sel      selection
	out      output
	ref      string
	exitCode bool
	rendered bool
}

func newPlanCmd(f *Factory) *cobra.Command {
	o := &planOptions{}
	cmd := &cobra.Command{
		Use:   "plan --to ENV",
		Short: "Show what a promotion would change",
		Long: `Plan computes the changes that make the target environment's promotables
(kustomize images, promoted files) equal to its source's. It reads the
working directory, or a commit with --ref, and writes nothing.`,
		Example: `  promote plan --to prod
  promote plan --to prod --from dev --app web
  promote plan --to prod --ref origin/main -o json
  promote plan --to prod --exit-code   # exit 2 when there is something to promote
  promote plan --to prod --rendered    # and the diff of kustomize build, per resource`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPlan(f, o)
		},
	}
	o.sel.register(cmd)
	o.out.register(cmd, "text", "json", "markdown")
	cmd.Flags().StringVar(&o.ref, "ref", "", "plan from the commit `REV` instead of the working directory")
	cmd.Flags().BoolVar(&o.exitCode, "exit-code", false, "exit 2 when there is something to promote, 0 when not")
	cmd.Flags().BoolVar(&o.rendered, "rendered", false, "also show the per-resource diff of the target's kustomize build before and after")
	return cmd
}

func runPlan(f *Factory, o *planOptions) error {
	if err := o.out.check(); err != nil {
		return err
	}
	cfg, tree, err := loadTree(f, o.ref)
	if err != nil {
		return err
	}
	plan, err := promote.NewPlan(cfg, o.sel.request(), promote.Trees{Source: tree, Target: tree})
	if err != nil {
		return err
	}
	if o.rendered {
		return writeRenderedPlan(f, o, cfg, plan, promote.Trees{Source: tree, Target: tree})
	}
	if err := writePlan(f, o.out.format, plan); err != nil {
		return err
	}
	if o.exitCode && !plan.Empty() {
		return &ExitError{Code: ExitChanges}
	}
	return nil
}

func writePlan(f *Factory, format string, plan *promote.Plan) error {
	switch format {
	case "json":
		return writeJSON(f.Stdout, plan)
	case "markdown":
		writePlanMarkdown(f.Stdout, plan)
	default:
		writePlanText(f.Stdout, plan, f.color())
	}
	return nil
}

// loadTree reads the configuration and tree from the working directory,
// or from the commit rev names.
func loadTree(f *Factory, rev string) (*promote.Config, fs.FS, error) {
	ws, err := f.Workspace()
	if err != nil {
		return nil, nil, err
	}
	if rev == "" {
		return ws.Disk()
	}
	repo, err := ws.Repo()
	if err != nil {
		return nil, nil, err
	}
	commit, err := repo.Resolve(rev)
	if err != nil {
		return nil, nil, err
	}
	return ws.AtCommit(commit)
}
