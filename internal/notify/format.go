package notify

import (
	"fmt"
	"net/url"
	"strings"
)

// headline says what happened, without markup: "prod: promotion from
// staging created (#12)".
func headline(ev Event) string {
	what := "promotion"
	switch {
	case ev.Rollback:
		what = "rollback"
	case ev.From != "":
		what = "promotion from " + ev.From
	}
	s := fmt.Sprintf("%s: %s %s", ev.To, what, ev.Event)
	if ev.Event == "refused" {
		s = fmt.Sprintf("%s: %s refused by a gate", ev.To, what)
	}
	if ev.Number > 0 {
		s += fmt.Sprintf(" (#%d)", ev.Number)
	}
	return s
}

// slackEscape escapes text for Slack's mrkdwn: &, < and > (so a value
// cannot make a link or a mention such as <!channel>).
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// slackMessage is an incoming-webhook message for Slack.
func slackMessage(ev Event) map[string]any {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*\n%s", slackEscape(ev.Title), slackEscape(headline(ev)))
	if safeURL(ev.URL) {
		fmt.Fprintf(&b, " <%s|open>", slackEscape(ev.URL))
	}
	if ev.Reason != "" {
		fmt.Fprintf(&b, "\n>%s", slackEscape(oneLine(ev.Reason)))
	}
	for _, c := range ev.Changes {
		fmt.Fprintf(&b, "\n• %s", slackEscape(c))
	}
	return map[string]any{"text": b.String(), "unfurl_links": false, "unfurl_media": false}
}

// teamsEscape escapes the markdown Teams renders in an Adaptive Card
// TextBlock, and HTML's < and &.
func teamsEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '*', '_', '[', ']', '(', ')', '#', '`', '~', '>', '!', '-', '+', '|', '{', '}':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		case '&':
			b.WriteString("&amp;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// teamsMessage is an incoming-webhook message for Microsoft Teams (a
// Workflows webhook): an Adaptive Card.
func teamsMessage(ev Event) map[string]any {
	body := []map[string]any{
		{"type": "TextBlock", "text": teamsEscape(ev.Title), "weight": "Bolder", "wrap": true},
		{"type": "TextBlock", "text": teamsEscape(headline(ev)), "wrap": true, "isSubtle": true},
	}
	if ev.Reason != "" {
		body = append(body, map[string]any{"type": "TextBlock", "text": teamsEscape(oneLine(ev.Reason)), "wrap": true, "color": "Attention"})
	}
	for _, c := range ev.Changes {
		body = append(body, map[string]any{"type": "TextBlock", "text": teamsEscape(c), "wrap": true, "spacing": "None"})
	}
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard", "version": "1.4", "body": body,
	}
	if safeURL(ev.URL) {
		card["actions"] = []map[string]any{{"type": "Action.OpenUrl", "title": "Open", "url": ev.URL}}
	}
	return map[string]any{
		"type":        "message",
		"attachments": []map[string]any{{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}},
	}
}

// safeURL reports whether u is an http(s) URL that can be a link as it
// is (no spaces, quotes, '|' or angle brackets).
func safeURL(u string) bool {
	parsed, err := url.Parse(u)
	return err == nil && (parsed.Scheme == "https" || parsed.Scheme == "http") && parsed.Host != "" &&
		!strings.ContainsAny(u, " \t\n|<>\"'")
}

// oneLine keeps the first line of s, bounded.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + "…"
	}
	return s
}
