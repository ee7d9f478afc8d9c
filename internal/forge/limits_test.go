package forge

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFitTitle(t *testing.T) {
	long := "promote(prod): " + strings.Repeat("wörker 1.2.3, ", 40)
	for _, tc := range []struct {
		title string
		limit int
		want  string
	}{
		{"promote(prod): web 1.4.2", 256, "promote(prod): web 1.4.2"},
		{"promote(prod): web 1.4.2, worker 2.0.1", 30, "promote(prod): web 1.4.2..."},
	} {
		got, err := FitTitle(tc.title, tc.limit)
		if err != nil || got != tc.want {
			t.Errorf("FitTitle(%q, %d) = %q, %v; want %q", tc.title, tc.limit, got, err, tc.want)
		}
	}
	for _, limit := range []int{GitHubTitleLimit, GitLabTitleLimit - len("Draft: ")} {
		got, err := FitTitle(long, limit)
		if err != nil || utf8.RuneCountInString(got) > limit || !strings.HasSuffix(got, "...") || !utf8.ValidString(got) {
			t.Errorf("limit %d: %d characters %q, %v", limit, utf8.RuneCountInString(got), got, err)
		}
	}
	if _, err := FitTitle("x", 3); err == nil {
		t.Error("a limit of 3 accepted")
	}
}
