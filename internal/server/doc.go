// Package server is promote's webhook server (promote serve): it receives
// the webhooks of every forge with a row in connect.Kinds on
// /webhook/<name>, verifies them with the row's webhook before reading
// them (GitHub's X-Hub-Signature-256 HMAC, GitLab's X-Gitlab-Token, both
// in constant time), drops redelivered events, and hands chat commands
// and merged promotions to a processor, one event at a time per
// repository and several repositories at once. It serves /healthz,
// /readyz and Prometheus /metrics, and on shutdown finishes the work it
// accepted. Run is all of promote serve: it reads each forge row's
// webhook secret, handles events on a bare clone per repository (Repos),
// in job processes of their own when asked, and shuts down on a signal.
package server
