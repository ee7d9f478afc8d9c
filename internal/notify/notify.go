package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/gitops-promote/promote/promote"
)

// Event is what a notification says about a proposal.
type Event struct {
	// Event is created, updated, closed, merged or refused.
	Event string `json:"event"`
	// Repository is owner/name or group/project, when known.
	Repository string   `json:"repository,omitempty"`
	From       string   `json:"from,omitempty"`
	To         string   `json:"to"`
	Apps       []string `json:"apps,omitempty"`
	Rollback   bool     `json:"rollback,omitempty"`
	// Title is the proposal's title; Summary the plan's one-line summary.
	Title   string `json:"title"`
	Summary string `json:"summary,omitempty"`
	// URL and Number link the pull or merge request, when there is one.
	URL    string `json:"url,omitempty"`
	Number int    `json:"number,omitempty"`
	Branch string `json:"branch,omitempty"`
	// Reason is why a gate refused the proposal.
	Reason string `json:"reason,omitempty"`
	// Changes are the plan's changes, one line each (at most MaxChanges).
	Changes []string `json:"changes,omitempty"`
}

// MaxChanges bounds the changes listed in a notification.
const MaxChanges = 20

// FromPlan fills an event's environments, title, summary and changes
// from a plan.
func FromPlan(event string, p *promote.Plan) Event {
	ev := Event{Event: event, From: p.From, To: p.To, Apps: p.Apps, Rollback: p.Rollback, Title: p.Title(), Summary: p.Summary()}
	if p.Rollback {
		ev.From = ""
	}
	for i, c := range p.Changes {
		if i == MaxChanges {
			ev.Changes = append(ev.Changes, fmt.Sprintf("... and %d more", len(p.Changes)-MaxChanges))
			break
		}
		ev.Changes = append(ev.Changes, fmt.Sprintf("%s %s: %s → %s", c.Kind, c.Name, orNone(c.Old), orNone(c.New)))
	}
	return ev
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// Sender sends notifications.
type Sender struct {
	// Getenv reads the variables the configuration names.
	Getenv func(string) string
	// Client sends the requests; nil uses a client with a 10 second
	// timeout.
	Client *http.Client
	// Warn receives each failure to notify; nil drops them.
	Warn func(string)
}

// Send posts ev to every notification of targets that wants it. It never
// fails: each problem is passed to Warn, without the webhook URL (a
// secret).
func (s *Sender) Send(ctx context.Context, targets []promote.Notification, ev Event) {
	if s == nil {
		return
	}
	for i, n := range targets {
		if !n.Wants(ev.Event, ev.To) {
			continue
		}
		if err := s.send(ctx, n, ev); err != nil && s.Warn != nil {
			s.Warn(fmt.Sprintf("notify[%d] (%s, $%s): %s notification not sent: %v", i, n.Type, n.URLEnv, ev.Event, err))
		}
	}
}

// send posts one notification.
func (s *Sender) send(ctx context.Context, n promote.Notification, ev Event) error {
	raw := s.Getenv(n.URLEnv)
	if raw == "" {
		return fmt.Errorf("$%s is not set", n.URLEnv)
	}
	if u, err := url.Parse(raw); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("$%s is not an http(s) URL", n.URLEnv)
	}
	body, err := payload(n.Type, ev)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, raw, bytes.NewReader(body))
	if err != nil {
		return errors.New("cannot build the request")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "promote")
	if n.SecretEnv != "" {
		key := s.Getenv(n.SecretEnv)
		if key == "" {
			return fmt.Errorf("$%s is not set", n.SecretEnv)
		}
		req.Header.Set("X-Promote-Event", ev.Event)
		req.Header.Set("X-Promote-Signature-256", "sha256="+Sign([]byte(key), body))
	}
	return s.do(req)
}

// do sends the request; errors never carry the URL.
func (s *Sender) do(req *http.Request) error {
	client := s.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("the webhook answered %s", resp.Status)
	}
	return nil
}

// Sign is the hex HMAC-SHA256 of body with key, as sent in
// X-Promote-Signature-256 (after "sha256=").
func Sign(key, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// payload encodes ev for a notification type.
func payload(typ string, ev Event) ([]byte, error) {
	var v any
	switch typ {
	case promote.NotifySlack:
		v = slackMessage(ev)
	case promote.NotifyTeams:
		v = teamsMessage(ev)
	default:
		v = struct {
			Version int `json:"version"`
			Event
		}{1, ev}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return buf.Bytes(), nil
}
