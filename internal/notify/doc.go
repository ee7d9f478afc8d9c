// Package notify tells chat rooms and webhooks about proposals: Slack and
// Microsoft Teams incoming webhooks and a generic JSON webhook, as listed
// under notify: in promote.yaml. Webhook URLs are read from environment
// variables, values are escaped for each format, and a failure to notify
// is a warning, never an error.
package notify
