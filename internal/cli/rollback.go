package cli

import (
	"fmt"
	"io/fs"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

type rollbackOptions struct {
	env   string
	apps  []string
	to    string
	steps int
	proposeFlags
	out output
}

func newRollbackCmd(f *Factory) *cobra.Command {
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
			return runRollback(cmd, f, o)
		},
	}
	cmd.Flags().StringVar(&o.env, "env", "", "the `ENV`ironment to roll back (required)")
	cmd.Flags().StringSliceVar(&o.apps, "app", nil, "only these `APP`s (repeatable or comma-separated; monorepos)")
	cmd.Flags().StringVar(&o.to, "to", "", "roll back to the state at commit `REV`")
	cmd.Flags().IntVar(&o.steps, "steps", 1, "roll back `N` changes to the promotables")
	o.proposeFlags.register(cmd, f, proposeUsage{forge: forgeUsage, dryRun: dryRunUsage,
		base:           "`BRANCH` to read history from, build on and target (default: the current branch)",
		skipValidation: "propose even when the environment does not build after the rollback (the body says so)"})
	o.out.register(cmd, "text", "json", "markdown")
	_ = cmd.MarkFlagRequired("env")
	cmd.MarkFlagsMutuallyExclusive("to", "steps")
	return cmd
}

func runRollback(cmd *cobra.Command, f *Factory, o *rollbackOptions) error {
	if err := o.out.check(); err != nil {
		return err
	}
	if o.steps < 1 {
		return fmt.Errorf("--steps %d: expected 1 or more", o.steps)
	}
	ws, repo, err := openRepo(f)
	if err != nil {
		return err
	}
	opts, err := o.options(f)
	if err != nil {
		return err
	}
	opts.PlanTrees, opts.Reviewers = rollbackPlan(ws, repo, o), []proposal.Reviewer{o.rendered()}
	ctx, cancel := o.context(cmd)
	defer cancel()
	res, err := proposal.Run(ctx, opts)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(f.Stderr, "warning: %s\n", w)
	}
	return writeRollbackResult(f, o.out.format, res)
}

// rollbackPlan plans the rollback on the base tip: the environment's
// tree at the target commit is the source, the tip's the target.
func rollbackPlan(ws *workspace.Workspace, repo *gitrepo.Repo, o *rollbackOptions) proposal.PlanTreesFunc {
	return func(cfg *promote.Config, tree fs.FS, tip plumbing.Hash) (*promote.Plan, promote.Trees, error) {
		env, err := cfg.Lookup(o.env)
		if err != nil {
			return nil, promote.Trees{}, err
		}
		// A branch environment rolls back along its branch's history.
		present, err := promote.Trees{Source: tree, Target: tree}.For(env.Name, env.Name)
		if err != nil {
			return nil, promote.Trees{}, err
		}
		if tip, _, err = envWalkTip(tree, env, tip, ""); err != nil {
			return nil, promote.Trees{}, err
		}
		target, err := rollbackTarget(ws, repo, cfg, env, o, tip)
		if err != nil {
			return nil, promote.Trees{}, err
		}
		prefix, err := ws.Prefix()
		if err != nil {
			return nil, promote.Trees{}, err
		}
		past, err := workspace.SubTree(repo, target, prefix)
		if err != nil {
			return nil, promote.Trees{}, err
		}
		trees := promote.Trees{Source: past, Target: present.Target}
		plan, err := promote.NewRollback(cfg, promote.RollbackRequest{Env: env.Name, Apps: o.apps, To: target.String()}, trees)
		return plan, trees, err
	}
}

// rollbackTarget is the commit to roll back to: --to, or the first parent
// of the --steps'th change to the promotables in the base's history.
func rollbackTarget(ws *workspace.Workspace, repo *gitrepo.Repo, cfg *promote.Config, env promote.Environment, o *rollbackOptions, tip plumbing.Hash) (plumbing.Hash, error) {
	if o.to != "" {
		h, err := repo.Resolve(o.to)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("--to: %w", err)
		}
		return h, nil
	}
	walk := ws.EnvCommits(cfg, env, o.apps, tip, false)
	entries, err := promote.History(cfg, promote.HistoryRequest{Env: env.Name, Apps: o.apps, Limit: o.steps}, walk)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if len(entries) < o.steps {
		return plumbing.ZeroHash, fmt.Errorf("--steps %d goes past the start of %s's history: its promotables changed %d %s on the base branch (see promote history --env %s)",
			o.steps, env.Name, len(entries), plural(len(entries), "time"), env.Name)
	}
	e := entries[o.steps-1]
	if e.Parent == "" {
		return plumbing.ZeroHash, fmt.Errorf("--steps %d goes past the start of %s's history: the root commit %s created it", o.steps, env.Name, short(e.Commit))
	}
	parent := plumbing.NewHash(e.Parent)
	prefix, err := ws.Prefix()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	past, err := workspace.SubTree(repo, parent, prefix)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if !cfg.ExistsIn(env, past) {
		return plumbing.ZeroHash, fmt.Errorf("--steps %d goes past the start of %s's history: commit %s created it", o.steps, env.Name, short(e.Commit))
	}
	return parent, nil
}

func writeRollbackResult(f *Factory, format string, res *proposal.Result) error {
	switch format {
	case "json":
		if err := writeJSON(f.Stdout, res); err != nil {
			return err
		}
	case "markdown":
		fmt.Fprintf(f.Stdout, "## %s\n\n%s", res.Title, res.Body)
	default:
		fmt.Fprintf(f.Stdout, "%s\n\n%s", res.Title, res.Body)
	}
	fmt.Fprintln(f.Stderr, describeRollback(res))
	return nil
}

// describeRollback says what happened to the rollback proposal, for
// stderr.
func describeRollback(res *proposal.Result) string {
	p := res.Plan
	same := fmt.Sprintf("%s already runs what it ran at %s", p.To, short(p.RollbackTo))
	switch {
	case res.Action == forge.Closed:
		return same + ": removed stale " + res.Branch
	case p.Empty():
		return same + ": nothing to roll back"
	}
	return describe(res)
}
