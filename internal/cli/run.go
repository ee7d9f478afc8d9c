package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/actions"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/internal/report"
	"github.com/gitops-promote/promote/promote"
)

type runOptions struct {
	sel selection
	out output
	// proposeFlags: the timeout bounds the whole run (pushes, API calls
	// and their retries); skipValidation, force and reason override the
	// validation gate and the pipeline policy.
	proposeFlags
	force  bool
	reason string
	// fetch fetches the environment branches from origin first.
	fetch bool
}

// newRunCmd builds run; runF, when set, receives the parsed options
// instead of running (tests of flag handling).
func newRunCmd(f *Factory, runF func(*runOptions) error) *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run --to ENV",
		Short: "Propose a promotion as a commit on a promotion branch",
		Long: `Run plans from the tip of the base branch, writes the promotion as one
commit on top of it and proposes it. With --forge local the proposal is
the branch promote/<from>-to-<to> (promote/<app>/<from>-to-<to> for one
app) in this repository; the working tree, index and HEAD are untouched.
Running it again with nothing new changes nothing. When the target
already matches, a stale promotion branch is removed. When the target
environment lives on a branch (branch: in promote.yaml), the proposal
builds on that branch's tip and targets it.

With --forge github, gitlab or gitea (auto picks them from the origin remote or
CI, and local when there is no remote) the plan is made on origin's base
branch, the branch is pushed to origin and one pull or merge request is
opened, or updated when it exists; when the target already matches, the
open request is closed with a comment. Tokens: GITHUB_TOKEN or GH_TOKEN
(or a GitHub App), GITLAB_TOKEN, GITEA_TOKEN.`,
		Example: `  promote run --to prod --forge local
  GITHUB_TOKEN=... promote run --to prod -o json
  GITLAB_TOKEN=... promote run --to prod --forge gitlab --gitlab-url https://gitlab.example.com
  GITEA_TOKEN=... promote run --to prod --gitea-url https://code.example.com/gitea
  promote run --to prod --github-app-id 12345 --github-app-key app.pem
  promote run --to prod --app web --base main -o json
  promote run --to prod --dry-run -o markdown
  promote run --from dev --to prod --force --reason "hotfix for INC-42"
  promote run --to prod --from staging@v2026.11.30      # what staging ran at a tag (a release set)
  promote run --to prod --from 'staging@{2026-11-30T10:00Z}'
  promote run --to prod --skip-validation
  promote run --to prod --only images          # container images only
  promote run --to prod --only files,helm      # configuration only
  promote run --to prod --forge local --fetch   # prod on branch env/prod: proposes against env/prod`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(o)
			}
			return runRun(cmd, f, o)
		},
	}
	o.sel.register(cmd)
	o.out.register(cmd, "text", "json", "markdown")
	o.out.registerShowBody(cmd)
	o.proposeFlags.register(cmd, f, proposeUsage{forge: forgeUsage, base: baseUsage, dryRun: dryRunUsage,
		skipValidation: "propose even when the target does not build after the change (the body says so)"})
	cmd.Flags().BoolVar(&o.force, "force", false, "propose despite the pipeline policy (an edge not configured, a freeze window, an unclean source); needs --reason")
	addFetchFlag(cmd, &o.fetch)
	cmd.Flags().StringVar(&o.reason, "reason", "", "why the promotion is forced (`TEXT`, one line): goes into the body and a Promote-Forced trailer")
	return cmd
}

func runRun(cmd *cobra.Command, f *Factory, o *runOptions) error {
	if err := o.out.check(); err != nil {
		return err
	}
	opts, err := o.options(f)
	if err != nil {
		return err
	}
	rev, err := o.sel.sourceRev()
	if err != nil {
		return err
	}
	opts.SetPromotion(o.sel.request(), rev, o.noRender)
	ctx, cancel := o.context(cmd)
	defer cancel()
	if err := o.review(ctx, f, &opts); err != nil {
		return err
	}
	if o.fetch {
		cfg, err := opts.Workspace.FetchConfig(opts.Base)
		if err == nil {
			err = fetchBranches(ctx, f, cfg, o.fetch)
		}
		if err != nil {
			return err
		}
	}
	res, err := proposal.Run(ctx, opts)
	if pe := (*promote.PolicyError)(nil); errors.As(err, &pe) {
		if rerr := actions.ReportGated(f.Getenv, f.Stderr, pe); rerr != nil {
			return rerr
		}
	}
	if err != nil {
		return policyHint(err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(f.Stderr, "warning: %s\n", w)
	}
	if err := actions.ReportProposal(f.Getenv, f.commands(), res); err != nil {
		return err
	}
	return writeRunResult(f, o.out, res)
}

func baseBranch(f *Factory, flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	ws, err := f.Workspace()
	if err != nil {
		return "", err
	}
	return ws.CurrentBranch()
}

// writeRunResult prints what a proposing command did: see writeProposal.
func writeRunResult(f *Factory, out output, res *proposal.Result) error {
	return writeProposal(f, out, res, res.Title, res.Body, res.URL, report.ProposalLine(res), func() { report.ProposalText(f.Stdout, res, f.color()) })
}

// writeProposal prints a proposal res (title and body, and url when it
// has a request): in text a short summary on stdout (text), or
// with --show-body the whole title and body (and url); -o markdown and
// -o json for scripts and job summaries, with line, what happened, on
// stderr.
func writeProposal(f *Factory, out output, res any, title, body, url, line string, text func()) error {
	switch {
	case out.format == "json":
		if err := writeJSON(f.Stdout, res); err != nil {
			return err
		}
	case out.format == "markdown":
		fmt.Fprintf(f.Stdout, "## %s\n\n%s", title, body)
	case out.showBody:
		fmt.Fprintf(f.Stdout, "%s\n\n%s", title, body)
		if url != "" {
			fmt.Fprintf(f.Stdout, "\n%s\n", url)
		}
	default:
		text()
		return nil
	}
	fmt.Fprintln(f.Stderr, line)
	return nil
}
