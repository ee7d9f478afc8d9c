// Package gitlab publishes proposals as GitLab merge requests: it pushes
// the promotion branch to origin, then finds the open merge request by
// its source branch (or by the hidden marker in its description) and
// opens, updates, supersedes or closes it through GitLab's official Go
// client, setting auto-merge (merge when the pipeline succeeds) where
// configured. The token comes from GITLAB_TOKEN.
package gitlab
