package forge

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRequestBodyCarriesTheMarker(t *testing.T) {
	p := Proposal{From: "staging", To: "prod", App: "web", Body: "Promotes **staging** to **prod**.\n"}
	body := RequestBody(p, GitHubBodyLimit)
	from, to, app, ok := ParseMarker(body, "promote/web/staging-to-prod")
	if !ok || from != "staging" || to != "prod" || app != "web" {
		t.Fatalf("marker of %q: %q %q %q %v", body, from, to, app, ok)
	}
	if !strings.HasSuffix(body, "\n\n"+p.Body) || !strings.HasPrefix(body, Marker("staging", "prod", "web")+"\n") {
		t.Errorf("body: %q", body)
	}
}

// TestMarkerIsTrustedOnlyWherePromoteWritesIt: the first line of a
// request from a promote/ branch; never a marker further down (a value
// in a table), nor on someone else's branch.
func TestMarkerIsTrustedOnlyWherePromoteWritesIt(t *testing.T) {
	m := Marker("dev", "staging", "")
	cases := []struct {
		body, branch string
		ok           bool
	}{
		{m + "\n\nbody", "promote/dev-to-staging", true},
		{m, "promote/x", true},
		{m + "\n", "feature", false},
		{"Promotes prod.\n| `web` | `1` | `" + m + "` |\n", "promote/staging-to-prod", false},
		{"\n" + m, "promote/dev-to-staging", false},
		{" " + m, "promote/dev-to-staging", false},
		{"<!-- promote: from=dev to=staging app= --> trailing", "promote/dev-to-staging", false},
		{"<!-- promote: from=$(id) to=prod app= -->", "promote/dev-to-staging", false},
	}
	for _, c := range cases {
		if _, _, _, ok := ParseMarker(c.body, c.branch); ok != c.ok {
			t.Errorf("ParseMarker(%q, %q): %v, want %v", c.body, c.branch, ok, c.ok)
		}
	}
	if !IsRollback(Marker("prod", "prod", ""), "promote/rollback-prod") || !IsRollback("", "promote/web/rollback-prod") {
		t.Error("a rollback is not recognised")
	}
	if IsRollback(Marker("staging", "prod", ""), "promote/staging-to-prod") || IsRollback("", "rollback-prod") {
		t.Error("a promotion is taken for a rollback")
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
		if _, _, _, ok := ParseMarker(body, "promote/staging-to-prod"); !ok {
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
