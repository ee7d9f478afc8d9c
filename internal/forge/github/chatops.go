package github

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v89/github"

	"github.com/gitops-promote/promote/internal/forge"
)

var _ forge.Commenter = (*Forge)(nil)

// Permission implements forge.Access: the user's role on the
// repository (maintain is reported by role_name), none when GitHub does
// not know the user as a collaborator.
func (f *Forge) Permission(ctx context.Context, user string) (forge.Permission, error) {
	lvl, _, err := f.API.Repositories.GetPermissionLevel(ctx, f.Owner, f.Repo, user)
	if status(err) == http.StatusNotFound {
		return forge.PermNone, nil
	}
	if err != nil {
		return "", fmt.Errorf("permission of %s on %s/%s: %w", user, f.Owner, f.Repo, err)
	}
	switch strings.ToLower(lvl.GetRoleName()) {
	case "maintain":
		return forge.PermMaintain, nil
	case "triage":
		return forge.PermTriage, nil
	}
	return forge.Permission(strings.ToLower(lvl.GetPermission())), nil
}

// Member implements forge.Access: whether user is an active member of
// team, given as org/team-slug.
func (f *Forge) Member(ctx context.Context, user, team string) (bool, error) {
	org, slug, ok := strings.Cut(team, "/")
	if !ok || org == "" || slug == "" {
		return false, fmt.Errorf("team %q: expected org/team", team)
	}
	m, _, err := f.API.Teams.GetTeamMembershipBySlug(ctx, org, slug, user)
	if status(err) == http.StatusNotFound {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("membership of %s in %s: %w (the token needs read access to the organization's members)", user, team, err)
	}
	return m.GetState() == "active", nil
}

// React implements forge.Commenter: a reaction on an issue or pull request
// comment.
func (f *Forge) React(ctx context.Context, _ forge.Thread, id int64, r forge.Reaction) error {
	if _, _, err := f.API.Reactions.CreateIssueCommentReaction(ctx, f.Owner, f.Repo, id, string(r)); err != nil {
		return fmt.Errorf("react %s to comment %d: %w", r, id, err)
	}
	return nil
}

// Reply implements forge.Commenter: a comment on the issue or pull request.
func (f *Forge) Reply(ctx context.Context, t forge.Thread, body string) error {
	if _, _, err := f.API.Issues.CreateComment(ctx, f.Owner, f.Repo, t.Number, &gh.IssueComment{Body: &body}); err != nil {
		return fmt.Errorf("comment on #%d: %w", t.Number, err)
	}
	return nil
}
