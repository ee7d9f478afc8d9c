package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/proposal"
)

type rollbackOptions struct {
	env   string
	apps  []string
	to    string
	steps int
	proposeFlags
	out output
}

// newRollbackCmd builds rollback; runF, when set, receives the checked
// options instead of running.
func newRollbackCmd(f *Factory, runF func(*rollbackOptions) error) *cobra.Command {
	o := &rollbackOptions{}
	cmd := &cobra.Command{
		Use:   "rollback --env ENV",
		Short: "Propose an environment as it was before its last promotion",
		Long: `Rollback proposes, like run, one commit on the branch promote/rollback-<env>
(promote/<app>/rollback-<env> for one app) that sets the environment's
promotables (images, promoted files and every kind the edge enables) back to their values at an
earlier commit of the base branch: by default the state before the last
change to them (see history), --steps N changes back, or --to REV.

Only promotables roll back. Other files of the environment changed since
(replicas, patches, ...) are kept and listed as "not rolled back". When
the promotables already have those values nothing is proposed, and a
stale rollback branch is removed. An environment that lives on a branch
(branch: in promote.yaml) rolls back along that branch's history, and the
proposal builds on and targets that branch.`,
		Example: `  promote rollback --env prod
  promote rollback --env prod --steps 2
  promote rollback --env prod --to 3f2a1c9
  promote rollback --env prod --app web --dry-run -o markdown`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.steps < 1 {
				return fmt.Errorf("--steps %d: expected 1 or more", o.steps)
			}
			if runF != nil {
				return runF(o)
			}
			return runRollback(cmd, f, o)
		},
	}
	cmd.Flags().StringVar(&o.env, "env", "", "the `ENV`ironment to roll back (required)")
	addAppsFlag(cmd, &o.apps)
	cmd.Flags().StringVar(&o.to, "to", "", "roll back to the state at commit `REV`")
	cmd.Flags().IntVar(&o.steps, "steps", 1, "roll back `N` changes to the promotables")
	o.proposeFlags.register(cmd, f, proposeUsage{forge: forgeUsage, dryRun: dryRunUsage,
		base:           "`BRANCH` to read history from, build on and target (default: the current branch)",
		skipValidation: "propose even when the environment does not build after the rollback (the body says so)"})
	o.out.register(cmd, "text", "json", "markdown")
	o.out.registerShowBody(cmd)
	_ = cmd.MarkFlagRequired("env")
	cmd.MarkFlagsMutuallyExclusive("to", "steps")
	return cmd
}

func runRollback(cmd *cobra.Command, f *Factory, o *rollbackOptions) error {
	if err := o.out.check(); err != nil {
		return err
	}
	opts, err := o.options(f)
	if err != nil {
		return err
	}
	ctx, cancel := o.context(cmd)
	defer cancel()
	req := proposal.RollbackRequest{Env: o.env, Apps: o.apps, To: o.to, Steps: o.steps, Deepen: proposal.Deepener(ctx, opts.Forge)}
	opts.PlanTrees, opts.Reviewers = proposal.Rollback(opts.Workspace, req), []proposal.Reviewer{o.rendered(f)}
	res, err := proposal.Run(ctx, opts)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(f.Stderr, "warning: %s\n", w)
	}
	return writeRunResult(f, o.out, res)
}
