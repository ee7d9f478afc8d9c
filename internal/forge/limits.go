package forge

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Title limits of the forges, in characters. GitLab's counts the
// "Draft: " prefix of a draft merge request.
const (
	GitHubTitleLimit = 256
	GitLabTitleLimit = 255
	GiteaTitleLimit  = 255
)

// FitTitle returns title cut to at most limit characters: whole words
// are kept where possible and "..." marks the cut.
func FitTitle(title string, limit int) (string, error) {
	if limit < 8 {
		return "", fmt.Errorf("title limit %d leaves no room for a title", limit)
	}
	if utf8.RuneCountInString(title) <= limit {
		return title, nil
	}
	r := []rune(title)[:limit-3]
	s := string(r)
	if i := strings.LastIndexAny(s, " ,"); i > len(s)/2 {
		s = s[:i]
	}
	return strings.TrimRight(s, ", ") + "...", nil
}
