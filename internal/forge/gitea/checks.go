package gitea

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	sdk "code.gitea.io/sdk/gitea"

	"github.com/gitops-promote/promote/internal/forge"
)

var _ forge.CheckReader = (*Forge)(nil)

// Checks implements forge.CheckReader: the commit's statuses (Gitea
// Actions jobs and those posted through the API, such as Argo CD's or
// Flux's), every page; Gitea lists every report, so the newest of each
// context is kept.
func (f *Forge) Checks(ctx context.Context, commit string) ([]forge.Check, error) {
	c, err := f.client(ctx)
	if err != nil {
		return nil, err
	}
	var all []*sdk.Status
	for page := 1; page <= forge.MaxCheckPages; page++ {
		statuses, resp, err := c.ListStatuses(f.Owner, f.Repo, commit, sdk.ListStatusesOption{ListOptions: sdk.ListOptions{Page: page, PageSize: listPageSize}})
		err = wrap(resp, err)
		if status(err) == http.StatusNotFound && strings.Contains(err.Error(), "object does not exist") {
			return nil, nil // a commit the server does not have carries no checks
		}
		if err != nil {
			return nil, fmt.Errorf("gitea: statuses of %s: %w", commit, err)
		}
		all = append(all, statuses...)
		if len(statuses) < listPageSize {
			break
		}
	}
	// Newest first, whatever order the server answered in.
	slices.SortStableFunc(all, func(a, b *sdk.Status) int { return int(b.ID - a.ID) })
	var cs forge.Checks
	seen := map[string]bool{}
	for _, s := range all {
		if seen[s.Context] {
			continue
		}
		seen[s.Context] = true
		cs.Add(forge.Check{Name: s.Context, State: statusState(s.State), URL: s.TargetURL})
	}
	list := cs.List()
	slices.SortStableFunc(list, func(a, b forge.Check) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return list, nil
}

// statusState maps a Gitea status as Gitea combines them: success and
// skipped pass; pending is pending; error, failure and warning fail.
func statusState(s sdk.StatusState) forge.CheckState {
	switch s {
	case sdk.StatusSuccess, "skipped":
		return forge.CheckSuccess
	case sdk.StatusPending:
		return forge.CheckPending
	}
	return forge.CheckFailure
}
