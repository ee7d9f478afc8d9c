package forge

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRequestBodyCarriesTheMarker(t *testing.T) {
	p := Proposal{From: "staging", To: "prod", App: "web", Body: "Promotes **staging** to **prod**.\n"}
	body := RequestBody(p, GitHubBodyLimit)
	from, to, app, ok := ParseMarker(body)
	if !ok || from != "staging" || to != "prod" || app != "web" {
		t.Fatalf("marker of %q: %q %q %q %v", body, from, to, app, ok)
	}
	if !strings.HasPrefix(body, p.Body) {
		t.Errorf("body changed: %q", body)
	}
}

func TestRequestBodyIsCappedWithANote(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 200_000; i++ {
		b.WriteString("| `ghcr.io/acme/app-é") // multi-byte: the limit counts characters
		b.WriteString(strings.Repeat("x", 40))
		b.WriteString("` | `1.0.0` | `1.0.1` |\n")
	}
	p := Proposal{From: "staging", To: "prod", Body: b.String()}
	for _, limit := range []int{GitHubBodyLimit, 10_000} {
		body := RequestBody(p, limit)
		if n := utf8.RuneCountInString(body); n > limit {
			t.Errorf("limit %d: body has %d characters", limit, n)
		}
		if !strings.Contains(body, "lines were cut here") || !strings.Contains(body, "limit of ") {
			t.Errorf("limit %d: no note of what was cut", limit)
		}
		if _, _, _, ok := ParseMarker(body); !ok {
			t.Errorf("limit %d: the marker was cut", limit)
		}
		if lines := strings.Split(body, "\n"); !strings.HasSuffix(lines[len(lines)/2], "|") {
			t.Errorf("limit %d: a line was cut in the middle", limit)
		}
	}
	if body := RequestBody(p, GitLabBodyLimit); strings.Contains(body, "were cut") {
		t.Errorf("a body below GitLab's limit was cut")
	}
}

func TestLabels(t *testing.T) {
	got := Labels(Proposal{To: "prod", Request: RequestOptions{Labels: []string{"needs-ticket", "promotion"}}})
	if strings.Join(got, ",") != "promotion,env/prod,needs-ticket" {
		t.Errorf("Labels = %v", got)
	}
}
