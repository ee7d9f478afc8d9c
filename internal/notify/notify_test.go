package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/notify/notifytest"
	"github.com/gitops-promote/promote/promote"
)

// newReceiver starts a loopback webhook answering status.
func newReceiver(t *testing.T, status int) *notifytest.Receiver {
	r := notifytest.NewReceiver(t)
	r.Status = status
	return r
}

// only returns the one request r received.
func only(t *testing.T, r *notifytest.Receiver) ([]byte, http.Header) {
	t.Helper()
	reqs := r.Requests()
	if len(reqs) != 1 {
		t.Fatalf("received %d requests, want 1", len(reqs))
	}
	return reqs[0].Body, reqs[0].Header
}

// hostile is an event whose values try to inject markup.
var hostile = Event{
	Event: promote.NotifyCreated, From: "staging", To: "prod",
	Title:   "promote(prod): web <!channel> *1.2* [x](https://evil.example) & more",
	URL:     "https://github.com/acme/gitops/pull/12",
	Number:  12,
	Changes: []string{"image web: 1.1 → 1.2_<b>"},
}

func send(t *testing.T, n promote.Notification, env map[string]string, ev Event) []string {
	t.Helper()
	var warnings []string
	s := &Sender{Getenv: func(k string) string { return env[k] }, Warn: func(w string) { warnings = append(warnings, w) }}
	s.Send(context.Background(), []promote.Notification{n}, ev)
	return warnings
}

func TestSlack(t *testing.T) {
	r := newReceiver(t, http.StatusOK)
	if w := send(t, promote.Notification{Type: "slack", URLEnv: "SLACK_URL"}, map[string]string{"SLACK_URL": r.URL + "/services/T0/B0/x"}, hostile); len(w) > 0 {
		t.Fatal(w)
	}
	body, _ := only(t, r)
	var msg struct{ Text string }
	if err := json.Unmarshal(body, &msg); err != nil {
		t.Fatal(err)
	}
	want := "*promote(prod): web &lt;!channel&gt; *1.2* [x](https://evil.example) &amp; more*\n" +
		"prod: promotion from staging created (#12) <https://github.com/acme/gitops/pull/12|open>\n" +
		"• image web: 1.1 → 1.2_&lt;b&gt;"
	if msg.Text != want {
		t.Errorf("text\n%s\nwant\n%s", msg.Text, want)
	}
}

func TestTeams(t *testing.T) {
	r := newReceiver(t, http.StatusAccepted)
	ev := hostile
	ev.Event, ev.Reason = promote.NotifyRefused, "freeze window \"release\" until Monday\nsecond line"
	if w := send(t, promote.Notification{Type: "teams", URLEnv: "TEAMS_URL"}, map[string]string{"TEAMS_URL": r.URL}, ev); len(w) > 0 {
		t.Fatal(w)
	}
	body, _ := only(t, r)
	var msg struct {
		Type        string
		Attachments []struct {
			ContentType string
			Content     struct {
				Type    string
				Body    []struct{ Text string }
				Actions []struct{ Type, URL string }
			}
		}
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		t.Fatal(err)
	}
	if msg.Type != "message" || len(msg.Attachments) != 1 || msg.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" || msg.Attachments[0].Content.Type != "AdaptiveCard" {
		t.Fatalf("not an Adaptive Card message: %s", body)
	}
	card := msg.Attachments[0].Content
	var texts []string
	for _, b := range card.Body {
		texts = append(texts, b.Text)
	}
	want := []string{
		`promote\(prod\): web &lt;\!channel\> \*1.2\* \[x\]\(https://evil.example\) &amp; more`,
		`prod: promotion from staging refused by a gate \(\#12\)`,
		`freeze window "release" until Monday`,
		`image web: 1.1 → 1.2\_&lt;b\>`,
	}
	if strings.Join(texts, "\n") != strings.Join(want, "\n") {
		t.Errorf("texts\n%s\nwant\n%s", strings.Join(texts, "\n"), strings.Join(want, "\n"))
	}
	if len(card.Actions) != 1 || card.Actions[0].Type != "Action.OpenUrl" || card.Actions[0].URL != hostile.URL {
		t.Errorf("actions %+v", card.Actions)
	}
}

func TestWebhookSignsItsBody(t *testing.T) {
	r := newReceiver(t, http.StatusNoContent)
	env := map[string]string{"HOOK_URL": r.URL, "HOOK_KEY": "s3cret"}
	if w := send(t, promote.Notification{Type: "webhook", URLEnv: "HOOK_URL", SecretEnv: "HOOK_KEY"}, env, hostile); len(w) > 0 {
		t.Fatal(w)
	}
	body, h := only(t, r)
	var got struct {
		Version int
		Event
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Version != 1 || got.Event.Event != "created" || got.Title != hostile.Title || got.URL != hostile.URL || got.Number != 12 || got.Changes[0] != hostile.Changes[0] {
		t.Errorf("payload %s", body)
	}
	if h.Get("X-Promote-Signature-256") != "sha256="+Sign([]byte("s3cret"), body) || h.Get("X-Promote-Event") != "created" {
		t.Errorf("headers %v", h)
	}
}

func TestFailuresAreWarningsWithoutTheURL(t *testing.T) {
	down := newReceiver(t, http.StatusInternalServerError)
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL + "/hooks/secret-token"
	closed.Close()
	for name, tc := range map[string]struct {
		env  map[string]string
		want string
	}{
		"unset":        {map[string]string{}, "$HOOK_URL is not set"},
		"not a URL":    {map[string]string{"HOOK_URL": "hooks.example/secret-token"}, "$HOOK_URL is not an http(s) URL"},
		"server error": {map[string]string{"HOOK_URL": down.URL + "/secret-token"}, "the webhook answered 500 Internal Server Error"},
		"unreachable":  {map[string]string{"HOOK_URL": closedURL}, "post: "},
	} {
		t.Run(name, func(t *testing.T) {
			w := send(t, promote.Notification{Type: "slack", URLEnv: "HOOK_URL"}, tc.env, hostile)
			if len(w) != 1 || !strings.Contains(w[0], tc.want) || !strings.HasPrefix(w[0], "notify[0] (slack, $HOOK_URL): created notification not sent: ") {
				t.Fatalf("warnings %q, want one with %q", w, tc.want)
			}
			if strings.Contains(w[0], "secret-token") {
				t.Errorf("the URL leaked into the warning: %s", w[0])
			}
		})
	}
}

func TestSendFilters(t *testing.T) {
	r := newReceiver(t, http.StatusOK)
	env := map[string]string{"U": r.URL}
	n := promote.Notification{Type: "webhook", URLEnv: "U", Events: []string{"merged"}, Environments: []string{"prod"}}
	send(t, n, env, Event{Event: "created", To: "prod"})
	send(t, n, env, Event{Event: "merged", To: "staging"})
	send(t, n, env, Event{Event: "merged", To: "prod", Title: "x"})
	body, _ := only(t, r)
	if !strings.Contains(string(body), `"event":"merged"`) {
		t.Errorf("sent %s", body)
	}
	var nilSender *Sender
	nilSender.Send(context.Background(), []promote.Notification{n}, Event{Event: "merged", To: "prod"})
}

func TestFromPlan(t *testing.T) {
	p := &promote.Plan{From: "staging", To: "prod", Changes: []promote.Change{{Kind: "image", Name: "web", Old: "1.1", New: "1.2"}, {Kind: "file", Name: "a.properties", New: "abc"}}}
	ev := FromPlan(promote.NotifyUpdated, p)
	if ev.To != "prod" || ev.From != "staging" || ev.Title != p.Title() || ev.Summary != p.Summary() ||
		strings.Join(ev.Changes, "; ") != "image web: 1.1 → 1.2; file a.properties: (none) → abc" {
		t.Errorf("event %+v", ev)
	}
}
