// Package gitlab publishes proposals as GitLab merge requests through
// GitLab's official Go client: it lists the open merge requests into the
// base once (a project GitLab does not know fails there, before anything
// is pushed), pushes the promotion branch to origin, then opens (labels,
// assignees and reviewers set at creation), updates, supersedes or
// closes the merge request. Auto-merge is set once the merge request's
// pipeline exists (GitLab creates it asynchronously), at once where the
// project has no CI, and again after a push, which cancels it. The token
// comes from GITLAB_TOKEN.
package gitlab
