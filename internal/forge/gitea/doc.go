// Package gitea publishes proposals as pull requests on Gitea and
// Forgejo through Gitea's official Go SDK: it lists the open pull
// requests into the base once and matches the head branch locally, pushes
// the promotion branch to origin, then opens (with the promotion and
// env/<to> labels, resolved to their ids and created when missing,
// assignees and reviewers), updates, supersedes or closes the pull
// request, and schedules "merge when checks succeed" where auto-merge is
// configured. It also answers chat commands: permissions, team
// membership, reactions and replies. The token comes from GITEA_TOKEN.
package gitea
