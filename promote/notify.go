package promote

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Notification events.
const (
	NotifyCreated = "created"
	NotifyUpdated = "updated"
	NotifyClosed  = "closed"
	NotifyMerged  = "merged"
	NotifyRefused = "refused"
)

// NotifyEvents lists every notification event.
var NotifyEvents = []string{NotifyCreated, NotifyUpdated, NotifyClosed, NotifyMerged, NotifyRefused}

// Notification types.
const (
	NotifySlack   = "slack"
	NotifyTeams   = "teams"
	NotifyWebhook = "webhook"
)

// Notification is one entry of notify: in promote.yaml: where to tell
// about proposals. The webhook URL is a secret, so the file names the
// environment variable holding it, never the URL itself.
type Notification struct {
	// Type is slack, teams (Microsoft Teams) or webhook (a generic JSON
	// POST).
	Type string `yaml:"type" json:"type"`
	// URLEnv names the environment variable holding the webhook URL.
	URLEnv string `yaml:"urlEnv" json:"urlEnv"`
	// SecretEnv (webhook only) names the environment variable holding a
	// key: each request then carries X-Promote-Signature-256, the
	// HMAC-SHA256 of the body.
	SecretEnv string `yaml:"secretEnv,omitempty" json:"secretEnv,omitempty"`
	// Events are the events sent (created, updated, closed, merged,
	// refused); default all.
	Events []string `yaml:"events,omitempty" json:"events,omitempty"`
	// Environments are the target environments notified about; default
	// all.
	Environments []string `yaml:"environments,omitempty" json:"environments,omitempty"`

	line int
}

// Wants reports whether the notification is sent for event about a
// proposal into env.
func (n Notification) Wants(event, env string) bool {
	return (len(n.Events) == 0 || slices.Contains(n.Events, event)) &&
		(len(n.Environments) == 0 || env == "" || slices.Contains(n.Environments, env))
}

var envVarName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// validateNotify checks notify: entries.
func (c *Config) validateNotify() error {
	for i, n := range c.Notify {
		where := fmt.Sprintf("notify[%d]", i)
		switch {
		case !slices.Contains([]string{NotifySlack, NotifyTeams, NotifyWebhook}, n.Type):
			return c.errorf(n.line, "%s: type %q: expected slack, teams or webhook", where, n.Type)
		case strings.Contains(n.URLEnv, "://"):
			return c.errorf(n.line, "%s: urlEnv: expected the name of an environment variable holding the URL, not the URL (a webhook URL is a secret: keep it out of the repository)", where)
		case !envVarName.MatchString(n.URLEnv):
			return c.errorf(n.line, "%s: urlEnv %q: expected the name of an environment variable (letters, digits, _)", where, n.URLEnv)
		case n.SecretEnv != "" && n.Type != NotifyWebhook:
			return c.errorf(n.line, "%s: secretEnv: only a webhook signs its requests", where)
		case n.SecretEnv != "" && !envVarName.MatchString(n.SecretEnv):
			return c.errorf(n.line, "%s: secretEnv %q: expected the name of an environment variable (letters, digits, _)", where, n.SecretEnv)
		}
		for _, e := range n.Events {
			if !slices.Contains(NotifyEvents, e) {
				return c.errorf(n.line, "%s: events: %q: expected %s", where, e, strings.Join(NotifyEvents, ", "))
			}
		}
		for _, e := range n.Environments {
			if _, ok := c.Env(e); !ok {
				return c.errorf(n.line, "%s: environments: %q names no environment (have %s)", where, e, strings.Join(c.names(), ", "))
			}
		}
	}
	return nil
}
