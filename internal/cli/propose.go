package cli

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/progress"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/internal/review"
)

// Usage lines of the proposing commands' flags, where they agree.
const (
	baseUsage   = "`BRANCH` to build on and target (default: the current branch)"
	dryRunUsage = "plan and print the proposal without writing anything"
)

// forgesUsage lists the forges --forge accepts, from connect.Kinds.
var (
	forgesUsage = "where to propose: " + strings.Join(connect.Forges(), ", ")
	forgeUsage  = forgesUsage + " (auto: the forge of the origin remote or CI, local without a remote)"
)

// proposeFlags are the flags the proposing commands (run, rollback,
// set-image) share: where to propose, on which base branch, how long to
// try, whether to write anything and whether the target must build.
type proposeFlags struct {
	forgeName      string
	timeout        time.Duration
	base           string
	dryRun         bool
	skipValidation bool
	// noRender skips building the target: no validation, no rendered diff.
	noRender bool
	// quiet hides the progress shown on a terminal.
	quiet bool
}

// proposeUsage words the shared flags for one command.
type proposeUsage struct {
	forge, base, dryRun, skipValidation string
}

// register adds --forge, the forge flags, --base, --dry-run,
// --skip-validation and --no-render to cmd.
func (p *proposeFlags) register(cmd *cobra.Command, f *Factory, u proposeUsage) {
	fl := cmd.Flags()
	fl.StringVar(&p.forgeName, "forge", "auto", u.forge)
	addForgeFlags(cmd, f, &p.timeout)
	fl.StringVar(&p.base, "base", "", u.base)
	fl.BoolVar(&p.dryRun, "dry-run", false, u.dryRun)
	fl.BoolVar(&p.skipValidation, "skip-validation", false, u.skipValidation)
	fl.BoolVar(&p.noRender, "no-render", false, "do not build the target: no validation, no rendered diff (for very large changes; the body says so)")
	fl.BoolVarP(&p.quiet, "quiet", "q", false, "print no progress on stderr (progress is shown only on a terminal, for work over a second)")
}

// options opens what the flags name: the workspace, the forge and the
// base branch, as proposal options without a plan or reviewers.
func (p *proposeFlags) options(f *Factory) (proposal.Options, error) {
	ws, err := f.Workspace()
	if err != nil {
		return proposal.Options{}, err
	}
	fg, err := f.Forge(p.forgeName)
	if err != nil {
		return proposal.Options{}, err
	}
	base, err := baseBranch(f, p.base)
	if err != nil {
		return proposal.Options{}, err
	}
	return proposal.Options{Workspace: ws, Base: base, Forge: fg, DryRun: p.dryRun, Retry: f.ForgeOptions.Retry, Progress: f.note, Notify: f.Notifier()}, nil
}

// rendered is the reviewer that builds the target after the change,
// validating it unless --skip-validation.
// On a terminal, unless --quiet, it shows how many directories are built.
func (p *proposeFlags) rendered(f *Factory) proposal.Reviewer {
	if p.noRender {
		return review.NotRendered
	}
	o := review.Options{SkipValidation: p.skipValidation}
	if f.StderrTerminal && !p.quiet {
		o.Progress = progress.New(f.Stderr, "rendering", f.Now).Report
	}
	return review.Rendered(o)
}

// context bounds cmd's context by --timeout.
func (p *proposeFlags) context(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	return context.WithTimeout(cmd.Context(), p.timeout)
}
