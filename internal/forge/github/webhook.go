package github

import (
	"fmt"
	"net/http"

	gh "github.com/google/go-github/v89/github"

	"github.com/gitops-promote/promote/internal/forge"
)

// Webhook verifies and reads GitHub's deliveries: X-Hub-Signature-256
// over the raw body with the webhook secret.
var Webhook = forge.Webhook{
	EventType:  gh.WebHookType,
	Verify:     verify,
	Parse:      ParseEvent,
	Events:     []string{"issue_comment", "pull_request"},
	SecretEnv:  "PROMOTE_GITHUB_WEBHOOK_SECRET",
	SecretFlag: "github-secret-file",
	SecretName: "GitHub webhook secret",
}

// verify checks X-Hub-Signature-256 before anything is parsed.
func verify(r *http.Request, secret []byte) ([]byte, string, error) {
	if r.Header.Get(gh.SHA256SignatureHeader) == "" {
		return nil, "", fmt.Errorf("no %s header: %w", gh.SHA256SignatureHeader, forge.ErrUnauthorized)
	}
	// ValidatePayload checks only the SHA-256 signature when one is sent
	// (above, it must be) and compares it in constant time.
	payload, err := gh.ValidatePayload(r, secret)
	if err != nil {
		return nil, "", err
	}
	return payload, gh.DeliveryID(r), nil
}
