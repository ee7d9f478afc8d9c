package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/gitops-promote/promote/internal/forge"
)

var _ forge.Commenter = (*Forge)(nil)

// userID looks a user up by name; ok is false when there is none.
func (f *Forge) userID(ctx context.Context, name string) (int64, bool, error) {
	users, _, err := f.API.Users.ListUsers(&gl.ListUsersOptions{Username: &name}, gl.WithContext(ctx))
	if err != nil {
		return 0, false, fmt.Errorf("look up user %s: %w", name, err)
	}
	if len(users) == 0 {
		return 0, false, nil
	}
	return users[0].ID, true, nil
}

// level maps GitLab's access levels onto permissions: developer is
// write, maintainer maintain, owner admin, guest and reporter read.
func level(l gl.AccessLevelValue) forge.Permission {
	switch {
	case l >= gl.OwnerPermissions:
		return forge.PermAdmin
	case l >= gl.MaintainerPermissions:
		return forge.PermMaintain
	case l >= gl.DeveloperPermissions:
		return forge.PermWrite
	case l > 0:
		return forge.PermRead
	}
	return forge.PermNone
}

// Permission implements forge.Access: the user's access level on the
// project, inherited memberships included.
func (f *Forge) Permission(ctx context.Context, user string) (forge.Permission, error) {
	id, ok, err := f.userID(ctx, user)
	if err != nil || !ok {
		return forge.PermNone, err
	}
	m, _, err := f.API.ProjectMembers.GetInheritedProjectMember(f.Project, id, gl.WithContext(ctx))
	if notFound(err) {
		return forge.PermNone, nil
	}
	if err != nil {
		return "", fmt.Errorf("membership of %s in %s: %w", user, f.Project, err)
	}
	return level(m.AccessLevel), nil
}

// Member implements forge.Access: whether user is a member of the
// group (a path, group/subgroup), inherited memberships included.
func (f *Forge) Member(ctx context.Context, user, group string) (bool, error) {
	id, ok, err := f.userID(ctx, user)
	if err != nil || !ok {
		return false, err
	}
	m, _, err := f.API.GroupMembers.GetInheritedGroupMember(group, id, gl.WithContext(ctx))
	if notFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("membership of %s in group %s: %w", user, group, err)
	}
	return m.State == "" || m.State == "active", nil
}

// React implements forge.Commenter: an emoji reaction on the note.
func (f *Forge) React(ctx context.Context, t forge.Thread, id int64, r forge.Reaction) error {
	opt := &gl.CreateAwardEmojiOptions{Name: string(r)}
	var err error
	if t.Kind == forge.ThreadMergeRequest {
		_, _, err = f.API.AwardEmoji.CreateMergeRequestAwardEmojiOnNote(f.Project, int64(t.Number), id, opt, gl.WithContext(ctx))
	} else {
		_, _, err = f.API.AwardEmoji.CreateIssuesAwardEmojiOnNote(f.Project, int64(t.Number), id, opt, gl.WithContext(ctx))
	}
	if err != nil {
		return fmt.Errorf("react %s to note %d: %w", r, id, err)
	}
	return nil
}

// Reply implements forge.Commenter: a note on the merge request or issue.
func (f *Forge) Reply(ctx context.Context, t forge.Thread, body string) error {
	var err error
	if t.Kind == forge.ThreadMergeRequest {
		_, _, err = f.API.Notes.CreateMergeRequestNote(f.Project, int64(t.Number), &gl.CreateMergeRequestNoteOptions{Body: &body}, gl.WithContext(ctx))
	} else {
		_, _, err = f.API.Notes.CreateIssueNote(f.Project, int64(t.Number), &gl.CreateIssueNoteOptions{Body: &body}, gl.WithContext(ctx))
	}
	if err != nil {
		return fmt.Errorf("note on %s %d: %w", t.Kind, t.Number, err)
	}
	return nil
}

// notFound reports a 404, which client-go returns as ErrNotFound or an
// ErrorResponse.
func notFound(err error) bool {
	return errors.Is(err, gl.ErrNotFound) || status(err) == http.StatusNotFound
}
