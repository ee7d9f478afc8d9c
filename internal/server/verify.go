package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"

	"code.gitea.io/sdk/gitea"
	gh "github.com/google/go-github/v89/github"

	"github.com/gitops-promote/promote/internal/chatops"
)

// github verifies X-Hub-Signature-256 over the raw body before anything
// is parsed, then queues the event.
func (s *Server) github(w http.ResponseWriter, r *http.Request) {
	event := gh.WebHookType(r)
	if len(s.opts.GitHubSecret) == 0 {
		s.count(w, "github", event, "disabled", http.StatusNotFound)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBody)
	if r.Header.Get(gh.SHA256SignatureHeader) == "" {
		s.count(w, "github", event, "unauthorized", http.StatusUnauthorized)
		return
	}
	// ValidatePayload checks only the SHA-256 signature when one is sent
	// (above, it must be) and compares it in constant time.
	payload, err := gh.ValidatePayload(r, s.opts.GitHubSecret)
	if err != nil {
		s.refuse(w, "github", event, err)
		return
	}
	d := Delivery{ID: gh.DeliveryID(r), Event: event, bodyKey: bodyKey(payload)}
	if d.ID == "" {
		s.count(w, "github", event, "invalid", http.StatusBadRequest)
		return
	}
	if d.Payload, err = chatops.ParseGitHub(event, payload); err != nil {
		s.opts.Log.Warn("unreadable delivery", "forge", "github", "event", event, "delivery", d.ID, "error", err)
		s.count(w, "github", event, "invalid", http.StatusBadRequest)
		return
	}
	s.accept(w, "github", d)
}

// gitlab compares X-Gitlab-Token with the secret token in constant time
// before reading the body, then queues the event.
func (s *Server) gitlab(w http.ResponseWriter, r *http.Request) {
	event := r.Header.Get("X-Gitlab-Event")
	if len(s.opts.GitLabToken) == 0 {
		s.count(w, "gitlab", event, "disabled", http.StatusNotFound)
		return
	}
	if !sameSecret(r.Header.Get("X-Gitlab-Token"), s.opts.GitLabToken) {
		s.count(w, "gitlab", event, "unauthorized", http.StatusUnauthorized)
		return
	}
	payload, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBody))
	if err != nil {
		s.refuse(w, "gitlab", event, err)
		return
	}
	d := Delivery{ID: first(r.Header.Get("X-Gitlab-Event-UUID"), r.Header.Get("X-Gitlab-Webhook-UUID"), r.Header.Get("Idempotency-Key")), Event: event, bodyKey: bodyKey(payload)}
	if d.ID == "" {
		s.count(w, "gitlab", event, "invalid", http.StatusBadRequest)
		return
	}
	if d.Payload, err = chatops.ParseGitLab(event, payload); err != nil {
		s.opts.Log.Warn("unreadable delivery", "forge", "gitlab", "event", event, "delivery", d.ID, "error", err)
		s.count(w, "gitlab", event, "invalid", http.StatusBadRequest)
		return
	}
	s.accept(w, "gitlab", d)
}

// gitea verifies X-Gitea-Signature (X-Forgejo-Signature), the hex
// HMAC-SHA256 of the raw body with the webhook secret, before the body is
// parsed, then queues the event.
func (s *Server) gitea(w http.ResponseWriter, r *http.Request) {
	event := first(r.Header.Get("X-Gitea-Event"), r.Header.Get("X-Forgejo-Event"))
	if len(s.opts.GiteaSecret) == 0 {
		s.count(w, "gitea", event, "disabled", http.StatusNotFound)
		return
	}
	sig := first(r.Header.Get("X-Gitea-Signature"), r.Header.Get("X-Forgejo-Signature"))
	if sig == "" {
		s.count(w, "gitea", event, "unauthorized", http.StatusUnauthorized)
		return
	}
	payload, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBody))
	if err == nil {
		var ok bool
		// hmac.Equal inside: constant time.
		if ok, err = gitea.VerifyWebhookSignature(string(s.opts.GiteaSecret), sig, payload); err == nil && !ok {
			err = errors.New("signature mismatch")
		}
	}
	if err != nil {
		s.refuse(w, "gitea", event, err)
		return
	}
	d := Delivery{ID: first(r.Header.Get("X-Gitea-Delivery"), r.Header.Get("X-Forgejo-Delivery")), Event: event, bodyKey: bodyKey(payload)}
	if d.ID == "" {
		s.count(w, "gitea", event, "invalid", http.StatusBadRequest)
		return
	}
	if d.Payload, err = chatops.ParseGitea(event, payload); err != nil {
		s.opts.Log.Warn("unreadable delivery", "forge", "gitea", "event", event, "delivery", d.ID, "error", err)
		s.count(w, "gitea", event, "invalid", http.StatusBadRequest)
		return
	}
	s.accept(w, "gitea", d)
}

// sameSecret compares in constant time, whatever the lengths: the
// SHA-256 sums are compared, not the strings.
func sameSecret(got string, want []byte) bool {
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256(want)
	return got != "" && subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// refuse answers a body that was too large or did not verify.
func (s *Server) refuse(w http.ResponseWriter, forgeName, event string, err error) {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		s.count(w, forgeName, event, "too_large", http.StatusRequestEntityTooLarge)
		return
	}
	s.opts.Log.Warn("delivery refused: signature does not verify", "forge", forgeName, "event", event)
	s.count(w, forgeName, event, "unauthorized", http.StatusUnauthorized)
}

func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
