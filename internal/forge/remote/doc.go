// Package remote is promote's side of the origin repository: it reads the
// origin remote's URL (https and ssh forms: host, owner/repo or project
// path), and it fetches the base branch and pushes promotion branches
// with go-git over HTTPS (token) or SSH (agent or key file). Pushes are
// compare-and-swap: only promote/... branches are ever force-updated, and
// only when the remote still holds the value the push expects. The one
// exception is MoveBase, for direct commits: a compare-and-swap
// fast-forward of the base branch, which the remote accepts only while
// the branch still holds the commit the change was built on, and never
// as a force push.
package remote
