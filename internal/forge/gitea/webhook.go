package gitea

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	sdk "code.gitea.io/sdk/gitea"

	"github.com/gitops-promote/promote/internal/forge"
)

// Webhook verifies and reads Gitea's and Forgejo's deliveries: the
// HMAC-SHA256 signature of the raw body (X-Gitea-Signature or
// X-Forgejo-Signature) with the webhook secret, compared in constant
// time.
var Webhook = forge.Webhook{
	EventType: func(r *http.Request) string {
		return first(r.Header.Get("X-Gitea-Event"), r.Header.Get("X-Forgejo-Event"))
	},
	Verify:     verify,
	Parse:      ParseEvent,
	Events:     []string{"issue_comment", "pull_request"},
	SecretEnv:  "PROMOTE_GITEA_WEBHOOK_SECRET",
	SecretFlag: "gitea-secret-file",
	SecretName: "Gitea or Forgejo webhook secret",
}

// verify checks the signature, then returns the body and the delivery id.
func verify(r *http.Request, secret []byte) ([]byte, string, error) {
	sig := first(r.Header.Get("X-Gitea-Signature"), r.Header.Get("X-Forgejo-Signature"))
	if sig == "" {
		return nil, "", fmt.Errorf("no X-Gitea-Signature header: %w", forge.ErrUnauthorized)
	}
	payload, err := io.ReadAll(r.Body)
	if err == nil {
		var ok bool
		// hmac.Equal inside: constant time.
		if ok, err = sdk.VerifyWebhookSignature(string(secret), sig, payload); err == nil && !ok {
			err = errors.New("signature mismatch")
		}
	}
	if err != nil {
		return nil, "", err
	}
	return payload, first(r.Header.Get("X-Gitea-Delivery"), r.Header.Get("X-Forgejo-Delivery")), nil
}

// first is the first non-empty value.
func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
