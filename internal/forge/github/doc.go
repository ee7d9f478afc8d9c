// Package github publishes proposals as GitHub pull requests: it pushes
// the promotion branch to origin, then finds the open pull request by its
// head branch (or by the hidden marker in its body) and opens, updates,
// supersedes or closes it through the REST API (go-github), enabling
// auto-merge through GraphQL. Tokens come from GITHUB_TOKEN/GH_TOKEN or a
// GitHub App installation.
package github
