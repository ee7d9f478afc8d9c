package proposal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/retry"
	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/internal/notify"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// maxAttempts bounds retrying a direct commit after a lost race.
const maxAttempts = 3

// maxPlans bounds re-planning after lost races when the context has no
// deadline; with one (--timeout) re-planning goes on until it ends.
const maxPlans = 100

// Pace of re-planning where Options.Retry leaves it unset: a lost race
// is retried soon, with jitter so that racing runs spread out.
const (
	replanBase = 250 * time.Millisecond
	replanMax  = 5 * time.Second
)

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
	// Retry paces re-planning when the base or the promotion branch moved
	// meanwhile (jittered backoff, never past ctx's deadline).
	Retry retry.Policy
	// Progress is told about each re-plan; nil says nothing.
	Progress func(string)
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
		trees := promote.Trees{Source: tree, Target: tree}
		p, err := promote.NewPlan(cfg, req, trees)
		if err != nil {
			return nil, err
		}
		return p, promote.CheckRenders(p, trees)
	}
}

// CheckRenders runs the safety net (promote.CheckRenders) on the plans of
// pt, over the trees they read.
func CheckRenders(pt PlanTreesFunc) PlanTreesFunc {
	return func(cfg *promote.Config, tree fs.FS, tip plumbing.Hash) (*promote.Plan, promote.Trees, error) {
		p, trees, err := pt(cfg, tree, tip)
		if err != nil {
			return p, trees, err
		}
		return p, trees, promote.CheckRenders(p, trees)
	}
}

// PromotionNotRendered plans the promotion req describes without the
// safety net (--no-render, for very large promotions): a note says the
// renders were not compared.
func PromotionNotRendered(req promote.Request) PlanFunc {
	return func(cfg *promote.Config, tree fs.FS, _ plumbing.Hash) (*promote.Plan, error) {
		p, err := promote.NewPlan(cfg, req, promote.Trees{Source: tree, Target: tree})
		if err != nil {
			return nil, err
		}
		notRendered(p)
		return p, nil
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
	// Plans counts the plans made: more than one when the base or the
	// promotion branch moved meanwhile and the run re-planned.
	Plans int `json:"plans,omitempty"`

	// baseCommit is the base tip the plan was made on.
	baseCommit string
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

// Run plans on the base tip and publishes the proposal through the
// forge. It converges while the base moves: when the base or the
// promotion branch moved since the plan was made (a lost race), or the
// base moved while the proposal was being published, it plans again on
// the new tip after a jittered wait, until the proposal sits on the
// newest base or ctx ends. Each re-plan is told to Progress.
func Run(ctx context.Context, o Options) (*Result, error) {
	repo, err := o.Workspace.Repo()
	if err != nil {
		return nil, err
	}
	pace := o.Retry
	if pace.Base <= 0 {
		pace.Base, pace.Max = replanBase, replanMax
	}
	var created bool
	var lost error // the last lost race
	for n := 1; ; n++ {
		res, err := runOnce(ctx, o, repo)
		if err == nil {
			err = settled(ctx, o, res)
		}
		if res != nil {
			res.Plans = n
			created = created || res.Action == forge.Created
			if created && (res.Action == forge.Updated || res.Action == forge.Unchanged) {
				res.Action = forge.Created // by an earlier plan of this run
			}
		}
		if err != nil && lost != nil && ctx.Err() != nil {
			return res, gaveUp(fmt.Errorf("%w; then %w", lost, err), n, res)
		}
		if err == nil || !errors.Is(err, gitrepo.ErrRefChanged) || ctx.Err() != nil {
			return res, err
		}
		lost = err
		wait := pace.Backoff(n)
		if n >= maxPlans || !pace.Fits(ctx, wait) {
			return res, gaveUp(err, n, res)
		}
		if o.Progress != nil {
			o.Progress(fmt.Sprintf("%v; planning again on the new tip in %s (plan %d)", err, wait.Round(time.Millisecond), n+1))
		}
		if err := pace.Wait(ctx, wait); err != nil {
			return res, gaveUp(err, n, res)
		}
	}
}

// settled checks, after a proposal was published (or withdrawn), that
// the base did not move meanwhile: the check before the push is not
// atomic with it, so a base that moved makes the run plan again rather
// than leave a proposal planned on a stale base. The error wraps
// gitrepo.ErrRefChanged.
func settled(ctx context.Context, o Options, res *Result) error {
	f, ok := o.Forge.(forge.BaseFetcher)
	if !ok || o.DryRun || res == nil || res.baseCommit == "" {
		return nil
	}
	now, err := f.FetchBase(ctx, res.Base)
	if err != nil {
		return fmt.Errorf("read base branch %s again after publishing: %w", res.Base, err)
	}
	if now != res.baseCommit {
		return fmt.Errorf("base branch %s moved from %.12s to %.12s while the proposal was published: %w", res.Base, res.baseCommit, now, gitrepo.ErrRefChanged)
	}
	return nil
}

// gaveUp says why re-planning stopped and what a run that gave up left
// behind.
func gaveUp(err error, plans int, res *Result) error {
	left := "nothing was published"
	if res != nil && res.Branch != "" {
		left = fmt.Sprintf("branch %s on origin, if it exists, may hold a plan made on an older tip of %s", res.Branch, res.Base)
	}
	return fmt.Errorf("gave up after %d plans, each overtaken by a change on the remote: %w (left behind: %s; run promote again to bring it up to date)", plans, err, left)
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
	res := &Result{Plan: plan, Base: tgt.branch, Title: plan.Title(), Body: plan.Markdown(), baseCommit: tgt.tip.String()}
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
