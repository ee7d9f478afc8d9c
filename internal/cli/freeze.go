package cli

import (
	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/internal/report"
)

type freezeOptions struct {
	env, reason string
	restart     bool
	proposeFlags
	out output
}

func newFreezeCmd(f *Factory) *cobra.Command {
	o := &freezeOptions{}
	cmd := &cobra.Command{
		Use:   "freeze --env ENV --reason TEXT",
		Short: "Propose stopping promotions into an environment (stop the line)",
		Long: `Freeze proposes adding the file .promote/freeze/<env> (or .promote/freeze/all
for every environment) to the base branch, its content being the reason.
While the file is on the base branch, run, chat commands and the server
refuse promotions into the environment unless forced with --force
--reason. The change is a commit on the branch promote/freeze-<env> with
a pull or merge request, reviewed and merged like any other; unfreeze
proposes removing the file.`,
		Example: `  promote freeze --env prod --reason "INC-42: database failover"
  promote freeze --env all --reason "incident review" --forge github
  promote unfreeze --env prod`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runFreeze(cmd, f, o) },
	}
	o.register(cmd, f, false)
	cmd.Flags().StringVar(&o.reason, "reason", "", "why promotions stop (`TEXT`, one line): the file's content and the request's title")
	return cmd
}

func newUnfreezeCmd(f *Factory) *cobra.Command {
	o := &freezeOptions{restart: true}
	cmd := &cobra.Command{
		Use:   "unfreeze --env ENV",
		Short: "Propose restarting promotions into a frozen environment",
		Long: `Unfreeze proposes removing .promote/freeze/<env> (or .promote/freeze/all)
from the base branch, as a commit on the branch promote/unfreeze-<env>
with a pull or merge request. Nothing is proposed when the file is not
there.`,
		Example: `  promote unfreeze --env prod
  promote unfreeze --env all -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runFreeze(cmd, f, o) },
	}
	o.register(cmd, f, true)
	return cmd
}

func (o *freezeOptions) register(cmd *cobra.Command, f *Factory, restart bool) {
	cmd.Flags().StringVar(&o.env, "env", "", "the `ENV`ironment, or all (required)")
	_ = cmd.MarkFlagRequired("env")
	o.proposeFlags.register(cmd, f, proposeUsage{forge: forgeUsage, base: baseUsage, dryRun: dryRunUsage})
	_ = cmd.Flags().MarkHidden("skip-validation")
	o.out.register(cmd, "text", "json", "markdown")
	o.out.registerShowBody(cmd)
}

func runFreeze(cmd *cobra.Command, f *Factory, o *freezeOptions) error {
	if err := o.out.check(); err != nil {
		return err
	}
	opts, err := o.options(f)
	if err != nil {
		return err
	}
	ctx, cancel := o.context(cmd)
	defer cancel()
	res, err := proposal.Stop(ctx, opts, proposal.StopRequest{Env: o.env, Reason: o.reason, Restart: o.restart})
	if err != nil {
		return err
	}
	// The request's URL is in the text summary only.
	return writeProposal(f, o.out, res, res.Title, res.Body, "", report.StopLine(res, o.restart), func() { report.StopText(f.Stdout, res, o.restart) })
}
