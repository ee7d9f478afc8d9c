package chatops_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/notify"
	"github.com/gitops-promote/promote/internal/notify/notifytest"
)

// TestNotifications: a /promote comment's proposal and a merged
// promotion each reach the configured webhook.
func TestNotifications(t *testing.T) {
	hook := notifytest.NewReceiver(t)
	e := newEnv(t, withConfig("", "notify:\n  - {type: webhook, urlEnv: HOOK_URL}\n"))
	e.chat.SetPermission("Codertocat", "write")
	var warnings []string
	sender := &notify.Sender{Getenv: func(k string) string { return map[string]string{"HOOK_URL": hook.URL}[k] },
		Warn: func(w string) { warnings = append(warnings, w) }}
	h := e.handler()
	h.Notify = sender
	h.Runner.(*chatops.Repo).Notify = sender

	if res, err := h.HandleComment(context.Background(), comment(t, "/promote prod").Comment); err != nil || res.Outcome != chatops.Proposed {
		t.Fatalf("%+v, %v", res, err)
	}
	ev := closedPull(t, true, "promote/staging-to-prod", "master", "body")
	if _, err := h.HandleMerged(context.Background(), ev.Repository, ev.Merged); err != nil {
		t.Fatal(err)
	}
	events := hook.Events(t)
	if len(events) != 2 || len(warnings) != 0 {
		t.Fatalf("events %+v, warnings %q", events, warnings)
	}
	created, merged := events[0], events[1]
	if created.Event != "created" || created.From != "staging" || created.To != "prod" || created.Number != 2 || !strings.Contains(created.URL, "/pull/2") || created.Title != "promote(prod): web 1.4.2, worker 2.0.1" {
		t.Errorf("created: %+v", created)
	}
	if merged.Event != "merged" || merged.From != "staging" || merged.To != "prod" || merged.Number != 1 || !strings.HasSuffix(merged.URL, "/pull/1") || merged.Title == "" {
		t.Errorf("merged: %+v", merged)
	}
}
