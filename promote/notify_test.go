package promote

import (
	"errors"
	"strings"
	"testing"
)

func TestNotifyConfig(t *testing.T) {
	const envs = "environments:\n  - {name: staging, path: s}\n  - {name: prod, path: p, from: staging}\n"
	cfg := mustConfig(t, envs+"notify:\n  - {type: slack, urlEnv: SLACK_WEBHOOK_URL, events: [merged, refused], environments: [prod]}\n  - {type: webhook, urlEnv: HOOK_URL, secretEnv: HOOK_SECRET}\n")
	if len(cfg.Notify) != 2 || cfg.Notify[0].URLEnv != "SLACK_WEBHOOK_URL" || cfg.Notify[1].SecretEnv != "HOOK_SECRET" {
		t.Fatalf("notify = %+v", cfg.Notify)
	}
	for _, tc := range []struct {
		event, env string
		slack      bool
	}{{"merged", "prod", true}, {"created", "prod", false}, {"refused", "staging", false}, {"refused", "", true}} {
		if got := cfg.Notify[0].Wants(tc.event, tc.env); got != tc.slack {
			t.Errorf("slack wants %s into %q = %v", tc.event, tc.env, got)
		}
		if !cfg.Notify[1].Wants(tc.event, tc.env) {
			t.Errorf("webhook without filters does not want %s into %q", tc.event, tc.env)
		}
	}
	for _, tc := range []struct{ yaml, want string }{
		{"  - {type: discord, urlEnv: X}", "promote.yaml:5: notify[0]: type \"discord\": expected slack, teams or webhook"},
		{"  - {type: slack, urlEnv: 'https://hooks.slack.com/services/T/B/x'}", "notify[0]: urlEnv: expected the name of an environment variable holding the URL, not the URL"},
		{"  - {type: slack, urlEnv: 'MY-URL'}", `urlEnv "MY-URL": expected the name of an environment variable`},
		{"  - {type: slack}", `urlEnv "": expected the name`},
		{"  - {type: teams, urlEnv: U, secretEnv: S}", "secretEnv: only a webhook signs its requests"},
		{"  - {type: slack, urlEnv: U, events: [opened]}", `events: "opened": expected created, updated, closed, merged, refused`},
		{"  - {type: slack, urlEnv: U, environments: [qa]}", `environments: "qa" names no environment (have staging, prod)`},
		{"  - {type: slack, urlEnv: U, url: x}", "field url not found"},
	} {
		_, err := ParseConfig("promote.yaml", []byte(envs+"notify:\n"+tc.yaml+"\n"))
		var ce *ConfigError
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.As(err, &ce) {
			t.Errorf("%s: err = %v, want %q", tc.yaml, err, tc.want)
		}
	}
}
