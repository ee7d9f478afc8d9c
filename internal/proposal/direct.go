package proposal

import (
	"context"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/promote"
)

// Direct commits o's plan straight onto the base branch's tip instead of
// proposing it, and moves the branch there through the forge (a
// compare-and-swap fast-forward: forge.BaseMover); when the branch moved
// meanwhile it plans again on the new tip. The result names the base
// branch; its action is updated, or none when there was nothing to do
// or o.DryRun.
func Direct(ctx context.Context, o Options) (*Result, error) {
	if err := checkDirect(o); err != nil {
		return nil, err
	}
	return retryRace(func() (*Result, error) { return directOnce(ctx, o) })
}

func directOnce(ctx context.Context, o Options) (*Result, error) {
	repo, err := o.Workspace.Repo()
	if err != nil {
		return nil, err
	}
	tip, cfg, tree, err := atBase(ctx, o, repo)
	if err != nil {
		return nil, err
	}
	plan, err := o.Plan(cfg, tree, tip)
	if err != nil {
		return nil, err
	}
	plan.SourceCommit = tip.String()
	res := &Result{Plan: plan, Base: o.Base, Title: plan.Title(), Body: plan.Markdown()}
	res.Branch, res.Action = o.Base, forge.None
	if plan.Empty() {
		return res, nil
	}
	trees := promote.Trees{Source: tree, Target: tree}
	edits, err := promote.Apply(plan, trees)
	if err != nil {
		return nil, err
	}
	for _, review := range o.Reviewers {
		if _, err := review(ctx, cfg, plan, trees, edits); err != nil {
			return nil, err
		}
	}
	if o.DryRun {
		return res, nil
	}
	commit, err := WriteCommit(o.Workspace, repo, plan, edits, tip, "commit")
	if err != nil {
		return nil, err
	}
	if err := moveBase(ctx, o, tip, commit); err != nil {
		return nil, err
	}
	res.Action, res.Commit = forge.Updated, commit.String()
	return res, nil
}

// moveBase sets the base branch from tip to commit through the forge: a
// compare-and-swap of the local branch, or a fast-forward push that the
// remote accepts only while the branch is still at tip.
func moveBase(ctx context.Context, o Options, tip, commit plumbing.Hash) error {
	m, ok := o.Forge.(forge.BaseMover)
	if !ok {
		return fmt.Errorf("forge %s cannot commit onto %s directly", o.Forge.Name(), o.Base)
	}
	return m.MoveBase(ctx, o.Base, tip.String(), commit.String())
}

// checkDirect refuses to move the checked-out branch of a working tree
// (a forge without a remote has no remote branch to move instead).
func checkDirect(o Options) error {
	if _, remote := o.Forge.(forge.BaseFetcher); remote || o.DryRun {
		return nil
	}
	repo, err := o.Workspace.Repo()
	if err != nil {
		return err
	}
	if cur, err := repo.CurrentBranch(); err == nil && cur == o.Base && repo.Root() != "" {
		return fmt.Errorf("--direct with --forge %s would move the checked-out branch %s under the working tree: use a forge (github, gitlab: the remote branch moves), --base another branch, or a bare clone", o.Forge.Name(), o.Base)
	}
	return nil
}
