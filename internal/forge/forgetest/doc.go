// Package forgetest holds the test servers the forge adapters are tried
// against: a real git smart-HTTP server (the git binary's http-backend
// behind net/http/cgi on loopback) and fake GitHub and GitLab APIs on
// httptest with state, scripted faults and a record of every request.
// Every request to the fake GitHub is checked against GitHub's official
// OpenAPI description (the npm package @octokit/openapi).
package forgetest
