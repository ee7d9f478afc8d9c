package github

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v89/github"

	"github.com/gitops-promote/promote/internal/forge"
)

// Checks implements forge.CheckReader: the commit's statuses (the
// combined status, by context) and its check runs (the latest of each
// name), every page.
func (f *Forge) Checks(ctx context.Context, commit string) ([]forge.Check, error) {
	var cs forge.Checks
	if err := f.statuses(ctx, commit, &cs); err != nil {
		return nil, err
	}
	if err := f.checkRuns(ctx, commit, &cs); err != nil {
		return nil, err
	}
	return cs.List(), nil
}

func (f *Forge) statuses(ctx context.Context, commit string, cs *forge.Checks) error {
	opts := &gh.ListOptions{PerPage: 100}
	for page := 0; page < forge.MaxCheckPages; page++ {
		combined, resp, err := f.API.Repositories.GetCombinedStatus(ctx, f.Owner, f.Repo, commit, opts)
		if err != nil {
			return fmt.Errorf("github: statuses of %s: %w", commit, err)
		}
		for _, s := range combined.Statuses {
			cs.Add(forge.Check{Name: s.GetContext(), State: statusState(s.GetState()), URL: s.GetTargetURL()})
		}
		if resp.NextPage == 0 {
			return nil
		}
		opts.Page = resp.NextPage
	}
	return nil
}

func (f *Forge) checkRuns(ctx context.Context, commit string, cs *forge.Checks) error {
	opts := &gh.ListCheckRunsOptions{Filter: gh.Ptr("latest"), ListOptions: gh.ListOptions{PerPage: 100}}
	for page := 0; page < forge.MaxCheckPages; page++ {
		runs, resp, err := f.API.Checks.ListCheckRunsForRef(ctx, f.Owner, f.Repo, commit, opts)
		if err != nil {
			return fmt.Errorf("github: check runs of %s: %w", commit, err)
		}
		for _, r := range runs.CheckRuns {
			cs.Add(forge.Check{Name: r.GetName(), State: runState(r.GetStatus(), r.GetConclusion()), URL: r.GetHTMLURL()})
		}
		if resp.NextPage == 0 {
			return nil
		}
		opts.Page = resp.NextPage
	}
	return nil
}

// statusState maps a commit status: success, pending, else (failure,
// error) failure.
func statusState(s string) forge.CheckState {
	switch s {
	case "success":
		return forge.CheckSuccess
	case "pending":
		return forge.CheckPending
	}
	return forge.CheckFailure
}

// runState maps a check run: pending until completed; then success,
// neutral and skipped pass (as branch protection has it) and every
// other conclusion fails.
func runState(status, conclusion string) forge.CheckState {
	if status != "completed" {
		return forge.CheckPending
	}
	switch conclusion {
	case "success", "neutral", "skipped":
		return forge.CheckSuccess
	}
	return forge.CheckFailure
}
