package forge

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Body limits of the forges, in characters.
const (
	GitHubBodyLimit = 65536
	GitLabBodyLimit = 1000000
)

// Marker is the hidden line a request body carries so that promote
// recognises its requests whatever their branch or title:
// <!-- promote: from=staging to=prod app=web -->.
func Marker(from, to, app string) string {
	return fmt.Sprintf("<!-- promote: from=%s to=%s app=%s -->", from, to, app)
}

var markerRE = regexp.MustCompile(`<!-- promote: from=(\S*) to=(\S*) app=(\S*) -->`)

// ParseMarker returns the promotion a body's marker names; ok is false
// when the body has none.
func ParseMarker(body string) (from, to, app string, ok bool) {
	m := markerRE.FindStringSubmatch(body)
	if m == nil {
		return "", "", "", false
	}
	return m[1], m[2], m[3], true
}

// RequestBody is the body of p's request: p.Body capped so that, with a
// line saying what was cut and the marker, it fits in limit characters.
func RequestBody(p Proposal, limit int) string {
	marker := "\n" + Marker(p.From, p.To, p.App) + "\n"
	body := strings.TrimRight(p.Body, "\n") + "\n"
	if utf8.RuneCountInString(body)+utf8.RuneCountInString(marker) <= limit {
		return body + marker
	}
	return capBody(body, limit-utf8.RuneCountInString(marker), limit) + marker
}

// capBody keeps whole lines of body and a note of how many were cut so
// that the result has at most room characters; limit is the forge's, for
// the note.
func capBody(body string, room, limit int) string {
	lines := strings.SplitAfter(body, "\n")
	total := len(lines)
	const noteLen = 200 // room for the note below
	used, kept := 0, 0
	for kept < total {
		n := utf8.RuneCountInString(lines[kept])
		if used+n > room-noteLen {
			break
		}
		used += n
		kept++
	}
	note := fmt.Sprintf("\n> **%d of %d lines were cut here** to fit the forge's limit of %d characters on a description; the promotion commit lists every change.\n", total-kept, total, limit)
	return strings.Join(lines[:kept], "") + note
}

// SameText reports whether two request texts are equal once line endings
// and trailing white space are normalised, as forges store them.
func SameText(a, b string) bool {
	norm := func(s string) string {
		return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	}
	return norm(a) == norm(b)
}

// Labels are the labels of p's request: promotion, env/<to>, then the
// configured ones, without duplicates.
func Labels(p Proposal) []string {
	out := []string{"promotion", "env/" + p.To}
	for _, l := range p.Request.Labels {
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}
