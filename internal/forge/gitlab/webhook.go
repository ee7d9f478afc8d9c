package gitlab

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"

	"github.com/gitops-promote/promote/internal/forge"
)

// Webhook verifies and reads GitLab's deliveries: X-Gitlab-Token compared
// with the secret token in constant time before the body is read.
var Webhook = forge.Webhook{
	EventType:  func(r *http.Request) string { return r.Header.Get("X-Gitlab-Event") },
	Verify:     verify,
	Parse:      ParseEvent,
	Events:     []string{"Note Hook", "Merge Request Hook"},
	SecretEnv:  "PROMOTE_GITLAB_WEBHOOK_TOKEN",
	SecretFlag: "gitlab-token-file",
	SecretName: "GitLab webhook secret token",
}

// verify compares the token, then reads the body.
func verify(r *http.Request, secret []byte) ([]byte, string, error) {
	if !sameSecret(r.Header.Get("X-Gitlab-Token"), secret) {
		return nil, "", fmt.Errorf("X-Gitlab-Token: %w", forge.ErrUnauthorized)
	}
	payload, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, "", err
	}
	h := r.Header
	for _, id := range []string{h.Get("X-Gitlab-Event-UUID"), h.Get("X-Gitlab-Webhook-UUID"), h.Get("Idempotency-Key")} {
		if id != "" {
			return payload, id, nil
		}
	}
	return payload, "", nil
}

// sameSecret compares in constant time, whatever the lengths: the
// SHA-256 sums are compared, not the strings.
func sameSecret(got string, want []byte) bool {
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256(want)
	return got != "" && subtle.ConstantTimeCompare(a[:], b[:]) == 1
}
