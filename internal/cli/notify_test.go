package cli

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/notify/notifytest"
)

// TestRunNotifies: run tells the configured webhooks that a proposal was
// created, then updated; a promotion the pipeline policy refuses is
// reported as refused; a webhook that fails is a warning, never an
// error.
func TestRunNotifies(t *testing.T) {
	isolateGitEnv(t)
	hook, slack := notifytest.NewReceiver(t), notifytest.NewReceiver(t)
	slack.Status = http.StatusInternalServerError
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	kust := func(tag string) string { return "images:\n  - name: ghcr.io/acme/web\n    newTag: \"" + tag + "\"\n" }
	commitAll(t, dir, "initial", map[string]string{
		"promote.yaml": `environments:
  - {name: staging, path: envs/staging}
  - {name: prod, path: envs/prod, from: staging}
  - name: qa
    path: envs/qa
    from: staging
    freeze:
      - {from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z", reason: code freeze}
notify:
  - {type: webhook, urlEnv: HOOK_URL}
  - {type: slack, urlEnv: SLACK_URL, events: [created]}
`,
		"envs/staging/kustomization.yaml": kust("1.2"),
		"envs/prod/kustomization.yaml":    kust("1.1"),
		"envs/qa/kustomization.yaml":      kust("1.1"),
	})
	env := map[string]string{"HOOK_URL": hook.URL, "SLACK_URL": slack.URL + "/services/secret"}
	code, _, stderr := runCLI(t, dir, false, env, "run", "--to", "prod", "--forge", "local", "--base", "main", "--skip-validation")
	if code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "warning: notify[1] (slack, $SLACK_URL): created notification not sent: the webhook answered 500") || strings.Contains(stderr, "secret") {
		t.Errorf("stderr lacks the slack warning, or leaks its URL:\n%s", stderr)
	}
	commitAll(t, dir, "staging: web 1.3", map[string]string{"envs/staging/kustomization.yaml": kust("1.3")})
	if code, _, stderr := runCLI(t, dir, false, env, "run", "--to", "prod", "--forge", "local", "--base", "main", "--skip-validation"); code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, stderr)
	}
	if code, _, _ := runCLI(t, dir, false, env, "run", "--to", "qa", "--forge", "local", "--base", "main", "--skip-validation"); code == 0 {
		t.Fatal("a frozen promotion succeeded")
	}
	var got []string
	for _, e := range hook.Events(t) {
		got = append(got, e.Event+" "+e.From+"→"+e.To+" "+e.Title)
	}
	want := []string{"created staging→prod promote(prod): web 1.2", "updated staging→prod promote(prod): web 1.3", "refused staging→qa promote(qa): refused"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ev := hook.Events(t); len(ev) == 3 && !strings.Contains(ev[2].Reason, "code freeze") {
		t.Errorf("refused without the reason: %+v", ev[2])
	}
	if n := len(slack.Requests()); n != 1 {
		t.Errorf("slack got %d requests, want 1 (created only)", n)
	}
}
