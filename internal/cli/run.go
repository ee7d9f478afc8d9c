package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/internal/proposal"
)

type runOptions struct {
	sel       selection
	out       output
	forgeName string
	base      string
	dryRun    bool
}

func newRunCmd(f *Factory) *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run --to ENV",
		Short: "Propose a promotion as a commit on a promotion branch",
		Long: `Run plans from the tip of the base branch, writes the promotion as one
commit on top of it and proposes it. With --forge local the proposal is
the branch promote/<from>-to-<to> (promote/<app>/<from>-to-<to> for one
app) in this repository; the working tree, index and HEAD are untouched.
Running it again with nothing new changes nothing. When the target
already matches, a stale promotion branch is removed.`,
		Example: `  promote run --to prod --forge local
  promote run --to prod --app web --base main -o json
  promote run --to prod --dry-run -o markdown`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRun(cmd, f, o)
		},
	}
	o.sel.register(cmd)
	o.out.register(cmd, "text", "json", "markdown")
	cmd.Flags().StringVar(&o.forgeName, "forge", "local", "where to propose: local")
	cmd.Flags().StringVar(&o.base, "base", "", "`BRANCH` to build on and target (default: the current branch)")
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "plan and print the proposal without writing anything")
	return cmd
}

func runRun(cmd *cobra.Command, f *Factory, o *runOptions) error {
	if err := o.out.check(); err != nil {
		return err
	}
	ws, err := f.Workspace()
	if err != nil {
		return err
	}
	fg, err := f.Forge(o.forgeName)
	if err != nil {
		return err
	}
	base, err := baseBranch(f, o.base)
	if err != nil {
		return err
	}
	res, err := proposal.Run(cmd.Context(), proposal.Options{Workspace: ws, Plan: proposal.Promotion(o.sel.request()), Base: base, Forge: fg, DryRun: o.dryRun})
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(f.Stderr, "warning: %s\n", w)
	}
	return writeRunResult(f, o.out.format, res)
}

func baseBranch(f *Factory, flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	ws, err := f.Workspace()
	if err != nil {
		return "", err
	}
	repo, err := ws.Repo()
	if err != nil {
		return "", err
	}
	b, err := repo.CurrentBranch()
	if errors.Is(err, gitrepo.ErrDetached) {
		return "", errors.New("HEAD is detached, so there is no branch to build on: pass --base BRANCH")
	}
	return b, err
}

func writeRunResult(f *Factory, format string, res *proposal.Result) error {
	switch format {
	case "json":
		return writeJSON(f.Stdout, res)
	case "markdown":
		fmt.Fprintf(f.Stdout, "## %s\n\n%s", res.Title, res.Body)
	default:
		fmt.Fprintf(f.Stdout, "%s\n\n%s", res.Title, res.Body)
	}
	fmt.Fprintln(f.Stderr, describe(res))
	return nil
}

// describe says what happened to the proposal, for stderr.
func describe(res *proposal.Result) string {
	short := res.Commit
	if len(short) > 12 {
		short = short[:12]
	}
	switch res.Action {
	case forge.Created:
		return fmt.Sprintf("created %s at %s (base %s)", res.Branch, short, res.Base)
	case forge.Updated:
		return fmt.Sprintf("updated %s to %s (base %s)", res.Branch, short, res.Base)
	case forge.Unchanged:
		return fmt.Sprintf("%s is up to date at %s: nothing changed", res.Branch, short)
	case forge.Closed:
		return fmt.Sprintf("%s already matches %s: removed stale %s", res.Plan.To, res.Plan.From, res.Branch)
	}
	if res.Plan.Empty() {
		return fmt.Sprintf("%s already matches %s: nothing to propose", res.Plan.To, res.Plan.From)
	}
	return fmt.Sprintf("dry run: would propose %s on %s", res.Branch, res.Base)
}
