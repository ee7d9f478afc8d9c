package gitlab

import (
	"context"
	"fmt"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/gitops-promote/promote/internal/forge"
)

// Checks implements forge.CheckReader: the commit's statuses (external
// ones posted through the API and the jobs of its pipelines, by name;
// GitLab returns the latest of each), every page.
func (f *Forge) Checks(ctx context.Context, commit string) ([]forge.Check, error) {
	var cs forge.Checks
	opts := &gl.GetCommitStatusesOptions{ListOptions: gl.ListOptions{PerPage: 100}}
	for page := 0; page < forge.MaxCheckPages; page++ {
		statuses, resp, err := f.API.Commits.GetCommitStatuses(f.Project, commit, opts, gl.WithContext(ctx))
		if err != nil {
			return nil, fmt.Errorf("gitlab: statuses of %s: %w", commit, err)
		}
		for _, s := range statuses {
			cs.Add(forge.Check{Name: s.Name, State: statusState(s.Status, s.AllowFailure), URL: s.TargetURL})
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return cs.List(), nil
}

// statusState maps a GitLab status: success (and a failure allowed to
// fail) passes; created, waiting, preparing, pending, running, manual
// and scheduled are pending; failed, canceled and skipped fail.
func statusState(s string, allowFailure bool) forge.CheckState {
	switch s {
	case "success":
		return forge.CheckSuccess
	case "failed":
		if allowFailure {
			return forge.CheckSuccess
		}
		return forge.CheckFailure
	case "canceled", "canceling", "skipped":
		return forge.CheckFailure
	}
	return forge.CheckPending
}
