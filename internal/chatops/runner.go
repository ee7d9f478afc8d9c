package chatops

import (
	"context"
	"io/fs"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/retry"
	"github.com/gitops-promote/promote/internal/notify"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// Repo is a Runner over a workspace and a forge: every command plans on
// the tip of Base (the default branch) as fetched from the forge, so
// the configuration and manifests are the default branch's, whatever is
// checked out.
type Repo struct {
	Workspace *workspace.Workspace
	Forge     forge.Forge
	// Base is the default branch.
	Base string
	// Plan wraps the promotion plan (with the pipeline policy and its
	// gates, forced with the reason force when not empty); nil uses
	// proposal.Promotion.
	Plan func(req promote.Request, force string) proposal.PlanFunc
	// Reviewers vet every proposal (the validation gate).
	Reviewers []proposal.Reviewer
	// StatusMarkdown renders /promote status; nil uses a short table.
	StatusMarkdown func(*promote.Status) string
	// Notify sends the notifications promote.yaml lists; nil sends none.
	Notify *notify.Sender
	// Retry paces re-planning after lost races; Progress is told about
	// each re-plan (nil says nothing).
	Retry    retry.Policy
	Progress func(string)
}

// tip is the default branch's tip: fetched for forges with a remote, the
// local branch otherwise.
func (r *Repo) tip(ctx context.Context) (plumbing.Hash, error) {
	repo, err := r.Workspace.Repo()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return proposal.BaseTip(ctx, r.Forge, repo, r.Base)
}

func (r *Repo) atTip(ctx context.Context) (*promote.Config, fs.FS, error) {
	tip, err := r.tip(ctx)
	if err != nil {
		return nil, nil, err
	}
	return r.Workspace.AtCommit(tip)
}

// Config implements Runner.
func (r *Repo) Config(ctx context.Context) (*promote.Config, error) {
	cfg, _, err := r.atTip(ctx)
	return cfg, err
}

// Promote implements Runner.
func (r *Repo) Promote(ctx context.Context, req promote.Request, force string) (*proposal.Result, error) {
	plan := proposal.Promotion(req)
	if r.Plan != nil {
		plan = r.Plan(req, force)
	}
	return proposal.Run(ctx, r.options(proposal.Options{Plan: plan}))
}

// Rollback implements Runner.
func (r *Repo) Rollback(ctx context.Context, req RollbackRequest) (*proposal.Result, error) {
	plan := proposal.Rollback(r.Workspace, proposal.RollbackRequest{Env: req.Env, To: req.Commit, Steps: req.Steps, Deepen: proposal.Deepener(ctx, r.Forge)})
	return proposal.Run(ctx, r.options(proposal.Options{PlanTrees: plan}))
}

// options fills o's workspace, base, forge, reviewers and pacing.
func (r *Repo) options(o proposal.Options) proposal.Options {
	o.Workspace, o.Base, o.Forge, o.Reviewers = r.Workspace, r.Base, r.Forge, r.Reviewers
	o.Retry, o.Progress, o.Notify = r.Retry, r.Progress, r.Notify
	return o
}

// Status implements Runner.
func (r *Repo) Status(ctx context.Context) (string, error) {
	cfg, tree, err := r.atTip(ctx)
	if err != nil {
		return "", err
	}
	st := promote.NewStatus(cfg, tree)
	if r.StatusMarkdown != nil {
		return r.StatusMarkdown(st), nil
	}
	return StatusMarkdown(st), nil
}
