package cli

import (
	"context"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/internal/report"
	"github.com/gitops-promote/promote/internal/review"
	"github.com/gitops-promote/promote/promote"
)

type planOptions struct {
	sel      selection
	out      output
	ref      string
	exitCode bool
	rendered bool
	noRender bool
	fetch    bool
}

func newPlanCmd(f *Factory) *cobra.Command {
	o := &planOptions{}
	cmd := &cobra.Command{
		Use:   "plan --to ENV",
		Short: "Show what a promotion would change",
		Long: `Plan computes the changes that make the target environment's promotables
(kustomize images, promoted files, and the kinds promote.yaml enables:
container images in manifests, Helm values, chart versions, refs,
Terraform values) equal to its source's. It reads the working directory,
or a commit with --ref, and writes nothing. An environment with branch:
is read from its branch (the local one, else origin/<branch>).`,
		Example: `  promote plan --to prod
  promote plan --to prod --from dev --app web
  promote plan --to prod --ref origin/main -o json
  promote plan --to prod --exit-code   # exit 2 when the environments still differ, 3 when gates hold it back
  promote plan --to prod --rendered    # and the diff of kustomize build, per resource
  promote plan --to prod --only images # what a container-only promotion would change
  promote plan --to prod --fetch       # environments on branches: fetch them from origin first`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPlan(cmd.Context(), f, o)
		},
	}
	o.sel.register(cmd)
	o.out.register(cmd, "text", "json", "markdown")
	cmd.Flags().StringVar(&o.ref, "ref", "", "plan from the commit `REV` instead of the working directory")
	cmd.Flags().BoolVar(&o.exitCode, "exit-code", false, "exit 2 when the environments differ (promotable or not), 3 when gates hold it back, 0 when not")
	cmd.Flags().BoolVar(&o.noRender, "no-render", false, "do not render the environments to compare what promote cannot edit (faster on large monorepos)")
	cmd.Flags().BoolVar(&o.rendered, "rendered", false, "also show the per-resource diff of the target's kustomize build before and after")
	addFetchFlag(cmd, &o.fetch)
	return cmd
}

func runPlan(ctx context.Context, f *Factory, o *planOptions) error {
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
	if err := fetchBranches(ctx, f, cfg, o.fetch); err != nil {
		return err
	}
	rev, err := o.sel.sourceRev()
	if err != nil {
		return err
	}
	plan, trees, err := proposal.Preview(ws, o.sel.request(), rev, o.noRender)(cfg, tree, tip)
	if err != nil {
		return err
	}
	if plan.Gates, err = planSources(f, cfg, plan.To).Evaluate(ctx, cfg, plan, trees, tip); err != nil {
		return err
	}
	if o.rendered {
		trees, err := trees.For(plan.From, plan.To)
		if err != nil {
			return err
		}
		return writeRenderedPlan(f, o, cfg, plan, trees)
	}
	if err := writePlan(f, o.out.format, plan); err != nil {
		return err
	}
	switch {
	case !o.exitCode || !plan.Differs():
		return nil
	case promote.GatesHold(plan.Gates):
		return &ExitError{Code: ExitGated}
	}
	return &ExitError{Code: ExitChanges}
}

// planSources read what the gates of plan and status need; the forge
// (for requireChecks) is opened only when an environment in envs asks
// for checks, and a forge that cannot be opened makes the checks gate
// wait with the reason.
func planSources(f *Factory, cfg *promote.Config, envs ...string) review.Sources {
	ws, _ := f.Workspace()
	return review.PlanSources(f.now, ws, cfg, func() (forge.Forge, error) { return f.Forge("auto") }, envs...)
}

func writePlan(f *Factory, format string, plan *promote.Plan) error {
	switch format {
	case "json":
		return writeJSON(f.Stdout, plan)
	case "markdown":
		report.PlanMarkdown(f.Stdout, plan)
	default:
		report.PlanText(f.Stdout, plan, f.color())
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
	return ws.Tree(rev)
}
