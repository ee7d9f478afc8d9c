// Package forgetest holds the test servers the forge adapters are tried
// against: a real git smart-HTTP server (the git binary's http-backend
// behind net/http/cgi on loopback), fake GitHub and GitLab APIs on
// httptest with state, scripted faults and a record of every request,
// and a real Gitea server started from a built binary (StartGitea).
// Every request to the fake GitHub is checked against GitHub's official
// OpenAPI description (the npm package @octokit/openapi), and every
// request to the fake GitLab against testdata/gitlab-api.tsv, the
// endpoints promote calls as GitLab's API documentation describes them.
package forgetest
