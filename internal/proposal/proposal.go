package proposal

import (
	"context"
	"errors"
	"fmt"
	"path"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// maxAttempts bounds re-planning after a lost race for a branch.
const maxAttempts = 3

// Options say what to propose and where.
type Options struct {
	Workspace *workspace.Workspace
	Request   promote.Request
	// Base is the branch the proposal builds on and targets.
	Base  string
	Forge forge.Forge
	// DryRun plans and renders without writing objects or refs.
	DryRun bool
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
// promote/<app>/<from>-to-<to> when exactly one app is selected.
func Branch(p *promote.Plan) string {
	edge := p.From + "-to-" + p.To
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
	for attempt := 1; ; attempt++ {
		res, err := runOnce(ctx, o, repo)
		if err == nil || !errors.Is(err, gitrepo.ErrRefChanged) || attempt == maxAttempts {
			return res, err
		}
	}
}

func runOnce(ctx context.Context, o Options, repo *gitrepo.Repo) (*Result, error) {
	tip, err := repo.BranchTip(o.Base)
	if err != nil {
		return nil, fmt.Errorf("base branch: %w", err)
	}
	cfg, tree, err := o.Workspace.AtCommit(tip)
	if err != nil {
		return nil, err
	}
	trees := promote.Trees{Source: tree, Target: tree}
	plan, err := promote.NewPlan(cfg, o.Request, trees)
	if err != nil {
		return nil, err
	}
	plan.SourceCommit = tip.String()
	res := &Result{Plan: plan, Base: o.Base, Title: plan.Title(), Body: plan.Markdown()}
	res.Warnings, err = uncommitted(o.Workspace, repo, plan)
	if err != nil {
		return nil, err
	}
	res.Branch = Branch(plan)
	prop := forge.Proposal{Branch: res.Branch, Base: o.Base, BaseCommit: tip.String(), Title: res.Title,
		Body: res.Body, From: plan.From, To: plan.To}
	if len(plan.Apps) == 1 {
		prop.App = plan.Apps[0]
	}
	if o.DryRun {
		res.Action = forge.None
		return res, nil
	}
	if plan.Empty() {
		res.Result, err = o.Forge.Withdraw(ctx, prop)
		return res, err
	}
	commit, err := writeCommit(o, repo, plan, trees, tip)
	if err != nil {
		return nil, err
	}
	prop.Commit = commit.String()
	res.Result, err = o.Forge.Propose(ctx, prop)
	return res, err
}

// writeCommit applies the plan and writes the promotion commit on tip.
func writeCommit(o Options, repo *gitrepo.Repo, plan *promote.Plan, trees promote.Trees, tip plumbing.Hash) (plumbing.Hash, error) {
	edits, err := promote.Apply(plan, trees)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	prefix, err := o.Workspace.Prefix()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	changes := make([]gitrepo.FileChange, len(edits))
	for i, e := range edits {
		changes[i] = gitrepo.FileChange{Path: path.Join(prefix, e.Path), Data: e.Data}
	}
	commit, err := repo.CommitFiles(tip, changes, plan.CommitMessage(), repo.Identity())
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write promotion commit: %w", err)
	}
	return commit, nil
}

// uncommitted warns about working-tree edits under the plan's directories:
// a proposal is built from commits, so they are not part of it.
func uncommitted(w *workspace.Workspace, repo *gitrepo.Repo, plan *promote.Plan) ([]string, error) {
	prefix, err := w.Prefix()
	if err != nil {
		return nil, err
	}
	dirs := make([]string, len(plan.Dirs))
	for i, d := range plan.Dirs {
		dirs[i] = path.Join(prefix, d)
	}
	dirty, err := repo.DirtyFiles(dirs)
	if err != nil {
		return nil, fmt.Errorf("check for uncommitted edits: %w", err)
	}
	var out []string
	for _, f := range dirty {
		out = append(out, fmt.Sprintf("%s has uncommitted edits that are not part of the proposal (it is built from %s)", f, "committed files"))
	}
	return out, nil
}
