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

// Marker is the hidden line a request body starts with so that promote
// recognises its requests whatever their title:
// <!-- promote: from=staging to=prod app=web -->. A rollback's marker
// has from equal to to.
func Marker(from, to, app string) string {
	return fmt.Sprintf("<!-- promote: from=%s to=%s app=%s -->", from, to, app)
}

// BranchPrefix starts the name of every branch promote proposes from.
const BranchPrefix = "promote/"

var markerRE = regexp.MustCompile(`^<!-- promote: from=([A-Za-z0-9._-]*) to=([A-Za-z0-9._-]+) app=([A-Za-z0-9._/-]*) -->\r?(?:\n|$)`)

// ParseMarker returns the promotion the marker of a request names. The
// marker is trusted only where promote writes it: the first line of the
// body of a request from a promote/ branch. Text further down the body
// (a value quoted in a table, a comment someone added) is never read as
// a marker; ok is false when there is none.
func ParseMarker(body, branch string) (from, to, app string, ok bool) {
	if !strings.HasPrefix(branch, BranchPrefix) {
		return "", "", "", false
	}
	m := markerRE.FindStringSubmatch(body)
	if m == nil {
		return "", "", "", false
	}
	return m[1], m[2], m[3], true
}

// IsRollback reports whether a request from branch with body is a
// rollback: its marker names one environment as from and to, or else its
// branch is promote/rollback-<env> (promote/<app>/rollback-<env>).
func IsRollback(body, branch string) bool {
	if from, to, _, ok := ParseMarker(body, branch); ok {
		return from == to
	}
	return strings.HasPrefix(branch[strings.LastIndex(branch, "/")+1:], "rollback-") && strings.HasPrefix(branch, BranchPrefix)
}

// SameTarget reports whether a request from branch with body proposes to
// p's target and app, other than p's own branch.
func SameTarget(body, branch string, p Proposal) bool {
	_, to, app, ok := ParseMarker(body, branch)
	return ok && to == p.To && app == p.App && branch != p.Branch
}

// RequestBody is the body of p's request: the marker on the first line,
// then p.Body capped so that, with a line saying what was cut, it fits
// in limit characters.
func RequestBody(p Proposal, limit int) string {
	marker := Marker(p.From, p.To, p.App) + "\n\n"
	body := strings.TrimRight(p.Body, "\n") + "\n"
	if utf8.RuneCountInString(body)+utf8.RuneCountInString(marker) <= limit {
		return marker + body
	}
	return marker + capBody(body, limit-utf8.RuneCountInString(marker), limit)
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
