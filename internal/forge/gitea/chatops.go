package gitea

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	sdk "code.gitea.io/sdk/gitea"

	"github.com/gitops-promote/promote/internal/forge"
)

// Permission implements forge.Access: the user's permission on the
// repository as Gitea computes it (owner and admin are admin).
func (f *Forge) Permission(ctx context.Context, user string) (forge.Permission, error) {
	c, err := f.client(ctx)
	if err != nil {
		return "", err
	}
	res, resp, err := c.CollaboratorPermission(f.Owner, f.Repo, user)
	if err = wrap(resp, err); status(err) == http.StatusNotFound || status(err) == http.StatusForbidden {
		return forge.PermNone, nil
	}
	if err != nil {
		return "", fmt.Errorf("permission of %s on %s/%s: %w", user, f.Owner, f.Repo, err)
	}
	switch res.Permission {
	case sdk.AccessModeOwner, sdk.AccessModeAdmin:
		return forge.PermAdmin, nil
	case sdk.AccessModeWrite:
		return forge.PermWrite, nil
	case sdk.AccessModeRead:
		return forge.PermRead, nil
	}
	return forge.PermNone, nil
}

// Member implements forge.Access: whether user is in team, named
// org/team.
func (f *Forge) Member(ctx context.Context, user, team string) (bool, error) {
	org, name, ok := strings.Cut(team, "/")
	if !ok || org == "" || name == "" {
		return false, fmt.Errorf("team %q: expected org/team", team)
	}
	c, err := f.client(ctx)
	if err != nil {
		return false, err
	}
	teams, resp, err := c.SearchOrgTeams(org, &sdk.SearchTeamsOptions{Query: name})
	if err = wrap(resp, err); err != nil {
		return false, fmt.Errorf("look up team %s: %w", team, err)
	}
	for _, t := range teams {
		if !strings.EqualFold(t.Name, name) {
			continue
		}
		_, resp, err := c.GetTeamMember(t.ID, user)
		if err = wrap(resp, err); status(err) == http.StatusNotFound {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("membership of %s in %s: %w", user, team, err)
		}
		return true, nil
	}
	return false, nil
}

// React implements forge.Commenter: a reaction on the comment.
func (f *Forge) React(ctx context.Context, _ forge.Thread, id int64, r forge.Reaction) error {
	c, err := f.client(ctx)
	if err != nil {
		return err
	}
	if _, resp, err := c.PostIssueCommentReaction(f.Owner, f.Repo, id, string(r)); err != nil {
		return fmt.Errorf("react %s to comment %d: %w", r, id, wrap(resp, err))
	}
	return nil
}

// Reply implements forge.Commenter: a comment on the issue or pull request.
func (f *Forge) Reply(ctx context.Context, t forge.Thread, body string) error {
	c, err := f.client(ctx)
	if err != nil {
		return err
	}
	if _, resp, err := c.CreateIssueComment(f.Owner, f.Repo, int64(t.Number), sdk.CreateIssueCommentOption{Body: body}); err != nil {
		return fmt.Errorf("comment on #%d: %w", t.Number, wrap(resp, err))
	}
	return nil
}
