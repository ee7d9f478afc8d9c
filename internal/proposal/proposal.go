package proposal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/internal/notify"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// maxAttempts bounds re-planning after a lost race for a branch.
const maxAttempts = 3

// PlanFunc computes a plan from the configuration and tree at the base
// tip (tip is that commit).
type PlanFunc func(cfg *promote.Config, tree fs.FS, tip plumbing.Hash) (*promote.Plan, error)

// Reviewer vets a non-empty plan and its edits before anything is
// written, and may return a markdown section for the proposal body (a
// rendered diff, for example). An error stops the proposal: nothing is
// written.
type Reviewer func(ctx context.Context, cfg *promote.Config, plan *promote.Plan, trees promote.Trees, edits []promote.Edit) (string, error)

// Options say what to propose and where.
type Options struct {
	Workspace *workspace.Workspace
	// Plan computes the plan; Promotion(req) promotes along an edge.
	Plan PlanFunc
	// PlanTrees, when set, is used instead of Plan: it also returns the
	// trees the plan reads (a rollback's source is the environment's past
	// tree, not the tip's), which applying the plan and the reviewers use.
	PlanTrees PlanTreesFunc
	// Base is the branch the proposal builds on and targets.
	Base  string
	Forge forge.Forge
	// Reviewers run, in order, on every non-empty plan.
	Reviewers []Reviewer
	// DryRun plans and renders without writing objects or refs.
	DryRun bool
	// Notify sends the notifications promote.yaml lists (notify:) when
	// the proposal is created, updated or closed or a reviewer refuses
	// it; nil sends none.
	Notify *notify.Sender
}

// PlanTreesFunc computes a plan and the trees it reads from the
// configuration and tree at the base tip.
type PlanTreesFunc func(cfg *promote.Config, tree fs.FS, tip plumbing.Hash) (*promote.Plan, promote.Trees, error)

// plan runs PlanTrees, or Plan on the tip's tree.
func (o Options) plan(cfg *promote.Config, tree fs.FS, tip plumbing.Hash) (*promote.Plan, promote.Trees, error) {
	if o.PlanTrees != nil {
		return o.PlanTrees(cfg, tree, tip)
	}
	p, err := o.Plan(cfg, tree, tip)
	return p, promote.Trees{Source: tree, Target: tree}, err
}

// Promotion plans the promotion req describes.
func Promotion(req promote.Request) PlanFunc {
	return func(cfg *promote.Config, tree fs.FS, _ plumbing.Hash) (*promote.Plan, error) {
		return promote.NewPlan(cfg, req, promote.Trees{Source: tree, Target: tree})
	}
}

// Result is the outcome of a proposal.
type Result struct {
	forge.Result
	Plan  *promote.Plan `json:"plan"`
	Base  string        `json:"base"`
	Title string        `json:"title"`
	Body  string        `json:"body"`
	// Warnings are things the user should know (uncommitted edits that are
	// not part of the proposal, for example).
	Warnings []string `json:"warnings,omitempty"`
}

// Branch names the promotion branch: promote/<from>-to-<to>, or
// promote/<app>/<from>-to-<to> when exactly one app is selected; for a
// rollback promote/rollback-<env> (promote/<app>/rollback-<env>).
func Branch(p *promote.Plan) string {
	edge := p.From + "-to-" + p.To
	if p.Rollback {
		edge = "rollback-" + p.To
	}
	if len(p.Apps) == 1 {
		return path.Join("promote", p.Apps[0], edge)
	}
	return "promote/" + edge
}

// Run plans on the base tip and publishes the proposal through the forge.
func Run(ctx context.Context, o Options) (*Result, error) {
	repo, err := o.Workspace.Repo()
	if err != nil {
		return nil, err
	}
	return retryRace(func() (*Result, error) { return runOnce(ctx, o, repo) })
}

// retryRace runs once again, up to maxAttempts times in all, while it
// loses a race for a branch (gitrepo.ErrRefChanged): each attempt plans
// on the tip it reads.
func retryRace(once func() (*Result, error)) (*Result, error) {
	for attempt := 1; ; attempt++ {
		res, err := once()
		if err == nil || !errors.Is(err, gitrepo.ErrRefChanged) || attempt == maxAttempts {
			return res, err
		}
	}
}

// atBase reads the base tip and the configuration and tree there.
func atBase(ctx context.Context, o Options, repo *gitrepo.Repo) (plumbing.Hash, *promote.Config, fs.FS, error) {
	tip, err := BaseTip(ctx, o.Forge, repo, o.Base)
	if err != nil {
		return tip, nil, nil, err
	}
	cfg, tree, err := o.Workspace.AtCommit(tip)
	return tip, cfg, tree, err
}

func runOnce(ctx context.Context, o Options, repo *gitrepo.Repo) (*Result, error) {
	tip, cfg, tree, err := atBase(ctx, o, repo)
	if err != nil {
		return nil, err
	}
	if err := prepareBranches(ctx, o, tree, tip); err != nil {
		return nil, err
	}
	plan, trees, err := o.plan(cfg, tree, tip)
	if pe := (*promote.PolicyError)(nil); errors.As(err, &pe) {
		notifyRefused(ctx, o, cfg, notify.Event{From: pe.From, To: pe.To, Title: fmt.Sprintf("promote(%s): refused", pe.To)}, err)
	}
	if err != nil {
		return nil, err
	}
	if trees, err = trees.For(plan.From, plan.To); err != nil {
		return nil, err
	}
	// A branch environment's proposal builds on and targets its branch.
	tgt, err := branchTarget(cfg, plan, tree, o.Base, tip)
	if err != nil {
		return nil, err
	}
	if plan.SourceCommit == "" {
		plan.SourceCommit = tip.String()
	}
	res := &Result{Plan: plan, Base: tgt.branch, Title: plan.Title(), Body: plan.Markdown()}
	res.Branch = Branch(plan)
	if res.Warnings, err = uncommitted(o.Workspace, repo, cfg, plan); err != nil {
		return nil, err
	}
	prop := forge.Proposal{Branch: res.Branch, Base: tgt.branch, BaseCommit: tgt.tip.String(), Title: res.Title, From: plan.From, To: plan.To, Request: requestOptions(cfg, plan.To)}
	prop.Request.Labels = slices.Concat(prop.Request.Labels, plan.Labels()) // "rollback" for rollbacks
	if len(plan.Apps) == 1 {
		prop.App = plan.Apps[0]
	}
	if plan.Empty() {
		prop.Body = res.Body
		if o.DryRun {
			res.Action = forge.None
			return res, nil
		}
		res.Result, err = o.Forge.Withdraw(ctx, prop)
		notifyResult(ctx, o, cfg, res, err)
		return res, err
	}
	res, err = propose(ctx, o, repo, cfg, trees, res, prop)
	notifyResult(ctx, o, cfg, res, err)
	return res, err
}

// notifyRefused tells the configured notifications that a gate (the
// pipeline policy, a reviewer) refused the proposal, and why.
func notifyRefused(ctx context.Context, o Options, cfg *promote.Config, ev notify.Event, why error) {
	if o.DryRun || len(cfg.Notify) == 0 {
		return
	}
	ev.Event, ev.Reason = promote.NotifyRefused, why.Error()
	o.Notify.Send(ctx, cfg.Notify, ev)
}

// notifyResult tells the configured notifications what publishing did:
// created, updated or closed.
func notifyResult(ctx context.Context, o Options, cfg *promote.Config, res *Result, err error) {
	if err != nil || res == nil || len(cfg.Notify) == 0 {
		return
	}
	switch res.Action {
	case forge.Created, forge.Updated, forge.Closed:
		ev := notify.FromPlan(string(res.Action), res.Plan)
		ev.Title, ev.URL, ev.Number, ev.Branch = res.Title, res.URL, res.Number, res.Branch
		o.Notify.Send(ctx, cfg.Notify, ev)
	}
}

// propose applies the plan, lets the reviewers vet it, writes the commit
// and publishes it.
func propose(ctx context.Context, o Options, repo *gitrepo.Repo, cfg *promote.Config, trees promote.Trees, res *Result, prop forge.Proposal) (*Result, error) {
	edits, err := promote.Apply(res.Plan, trees)
	if err != nil {
		return nil, err
	}
	sections := []string{res.Body}
	for _, review := range o.Reviewers {
		s, err := review(ctx, cfg, res.Plan, trees, edits)
		if err != nil {
			ev := notify.FromPlan(promote.NotifyRefused, res.Plan)
			ev.Branch = res.Branch
			notifyRefused(ctx, o, cfg, ev, err)
			return nil, err
		}
		if s != "" {
			sections = append(sections, s)
		}
	}
	res.Body = strings.Join(sections, "\n")
	prop.Body = res.Body
	if o.DryRun {
		res.Action = forge.None
		return res, nil
	}
	commit, err := WriteCommit(o.Workspace, repo, res.Plan, edits, plumbing.NewHash(prop.BaseCommit), "promotion commit")
	if err != nil {
		return nil, err
	}
	prop.Commit = commit.String()
	res.Result, err = o.Forge.Propose(ctx, prop)
	return res, err
}

// BaseTip is the commit proposals and direct commits build on: the
// remote base's tip for forges with a remote (fetched into the local
// object database), the local branch's otherwise.
func BaseTip(ctx context.Context, f forge.Forge, repo *gitrepo.Repo, base string) (plumbing.Hash, error) {
	if f, ok := f.(forge.BaseFetcher); ok {
		h, err := f.FetchBase(ctx, base)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("fetch base branch %s: %w", base, err)
		}
		return plumbing.NewHash(h), nil
	}
	tip, err := repo.BranchTip(base)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("base branch: %w", err)
	}
	return tip, nil
}

// WriteCommit writes the plan's commit with the edits (paths in the
// workspace) on tip; what names the commit in the error of writing it.
func WriteCommit(w *workspace.Workspace, repo *gitrepo.Repo, plan *promote.Plan, edits []promote.Edit, tip plumbing.Hash, what string) (plumbing.Hash, error) {
	prefix, err := w.Prefix()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	changes := make([]gitrepo.FileChange, len(edits))
	for i, e := range edits {
		changes[i] = gitrepo.FileChange{Path: path.Join(prefix, e.Path), Data: e.Data}
	}
	commit, err := repo.CommitFiles(tip, changes, plan.CommitMessage(), repo.Identity())
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write %s: %w", what, err)
	}
	return commit, nil
}

// uncommitted warns about working-tree edits under the plan's directories:
// a proposal is built from commits, so they are not part of it.
func uncommitted(w *workspace.Workspace, repo *gitrepo.Repo, cfg *promote.Config, plan *promote.Plan) ([]string, error) {
	prefix, err := w.Prefix()
	if err != nil {
		return nil, err
	}
	local := localDirs(cfg, plan)
	if len(local) == 0 {
		return nil, nil
	}
	dirs := make([]string, len(local))
	for i, d := range local {
		dirs[i] = path.Join(prefix, d)
	}
	dirty, err := repo.DirtyFiles(dirs)
	if err != nil {
		return nil, fmt.Errorf("check for uncommitted edits: %w", err)
	}
	var out []string
	for _, f := range dirty {
		out = append(out, f+" has uncommitted edits that are not part of the proposal (it is built from commits)")
	}
	return out, nil
}

// requestOptions are the target environment's pullRequest settings.
func requestOptions(cfg *promote.Config, to string) forge.RequestOptions {
	env, ok := cfg.Env(to)
	if !ok || env.PullRequest == nil {
		return forge.RequestOptions{}
	}
	pr := env.PullRequest
	return forge.RequestOptions{
		Labels: pr.Labels, Reviewers: pr.Reviewers, TeamReviewers: pr.TeamReviewers,
		Assignees: pr.Assignees, Draft: pr.Draft, AutoMerge: pr.AutoMerge,
	}
}
