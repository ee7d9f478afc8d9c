package forge

import "context"

// Permission is a user's role on a repository, as the forge reports it.
type Permission string

// Permissions, weakest first. GitLab's access levels map onto them:
// guest and reporter are read, developer write, maintainer maintain,
// owner admin.
const (
	PermNone     Permission = "none"
	PermRead     Permission = "read"
	PermTriage   Permission = "triage"
	PermWrite    Permission = "write"
	PermMaintain Permission = "maintain"
	PermAdmin    Permission = "admin"
)

// CanWrite reports whether p allows pushing: write, maintain or admin.
func (p Permission) CanWrite() bool {
	return p == PermWrite || p == PermMaintain || p == PermAdmin
}

// Access answers the questions authorization asks of the forge.
type Access interface {
	// Permission is user's role on the repository; PermNone when the
	// user has no access.
	Permission(ctx context.Context, user string) (Permission, error)
	// Member reports whether user is an active member of team: org/team
	// on GitHub, a group path on GitLab.
	Member(ctx context.Context, user, team string) (bool, error)
}

// Thread kinds.
const (
	// ThreadIssue is a GitHub issue or pull request (comments on both go
	// through the issues API) or a GitLab issue.
	ThreadIssue = "issue"
	// ThreadMergeRequest is a GitLab merge request.
	ThreadMergeRequest = "merge_request"
)

// Thread is where comments are posted: a GitHub issue or pull request,
// a GitLab issue or merge request.
type Thread struct {
	Kind   string `json:"kind"`
	Number int    `json:"number"`
}

// Reaction is an emoji reaction on a comment.
type Reaction string

// Reactions chat commands leave: eyes when a command is seen, then
// rocket when it ran or confused when it could not.
const (
	ReactEyes     Reaction = "eyes"
	ReactRocket   Reaction = "rocket"
	ReactConfused Reaction = "confused"
)

// Commenter is what chat commands need of a forge besides proposing:
// permissions, reactions and replies.
type Commenter interface {
	Access
	// React adds a reaction to the comment id on thread.
	React(ctx context.Context, thread Thread, id int64, r Reaction) error
	// Reply posts a comment on thread.
	Reply(ctx context.Context, thread Thread, body string) error
}
