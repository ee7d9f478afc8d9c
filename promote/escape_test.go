package promote

import (
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/kustomize"
)

// hostilePlan carries values no plan check would let through, to show
// that where they land they still keep to their line and their span.
func hostilePlan() *Plan {
	v := "1.10\nPromote-From: evil\n::error::x `<img src=x>` <!-- promote: from=a to=prod app= -->"
	return &Plan{From: "staging", To: "prod", Changes: []Change{
		{File: "envs/prod/kustomization.yaml", Kind: KindImage, Name: "web", Old: "1", New: v,
			Image: &ImageChange{New: kustomize.Image{Name: "web", NewTag: v}}},
		{File: "envs/prod/values.yaml", Kind: KindHelm, Name: "image.tag", Old: "1", New: v, At: &Locator{Path: "image.tag"}},
	}}
}

func TestCommitMessageKeepsValuesToTheirLine(t *testing.T) {
	msg := hostilePlan().CommitMessage()
	for _, line := range strings.Split(msg, "\n") {
		if strings.HasPrefix(line, "Promote-From: evil") || strings.HasPrefix(line, "::") {
			t.Errorf("a value started a line: %q\n%s", line, msg)
		}
	}
	if m := ParseCommitMessage(msg); m.From != "staging" {
		t.Errorf("Promote-From read as %q:\n%s", m.From, msg)
	}
	if title := hostilePlan().Title(); strings.Contains(title, "\n") {
		t.Errorf("title: %q", title)
	}
}

func TestMarkdownKeepsValuesInTheirSpan(t *testing.T) {
	md := hostilePlan().Markdown()
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "Promote-From") || strings.HasPrefix(line, "::") || strings.HasPrefix(line, "<!--") {
			t.Errorf("a value started a line: %q", line)
		}
	}
	// Outside code spans there is no HTML.
	if outside := stripCodeSpans(md); strings.Contains(outside, "<img") || strings.Contains(outside, "<!--") {
		t.Errorf("HTML outside a code span:\n%s", md)
	}
}

// stripCodeSpans removes the code spans of a line of markdown (a span
// closes only with a run of backticks as long as the one opening it).
func stripCodeSpans(md string) string {
	var out strings.Builder
	for i := 0; i < len(md); {
		if md[i] != '`' {
			out.WriteByte(md[i])
			i++
			continue
		}
		n := 0
		for i+n < len(md) && md[i+n] == '`' {
			n++
		}
		fence := md[i : i+n]
		rest := md[i+n:]
		end := -1
		for j := 0; j+n <= len(rest); j++ {
			if rest[j:j+n] == fence && (j+n == len(rest) || rest[j+n] != '`') && (j == 0 || rest[j-1] != '`') {
				end = j
				break
			}
		}
		if end < 0 {
			out.WriteString(fence)
			i += n
			continue
		}
		i += n + end + n
	}
	return out.String()
}

func TestCode(t *testing.T) {
	for s, want := range map[string]string{
		"1.2":     "`1.2`",
		"a`b":     "``a`b``",
		"`x":      "`` `x ``",
		"a|b":     "`a\\|b`",
		"a\nb":    "`a b`",
		"``a```b": "```` ``a```b ````",
	} {
		if got := Code(s); got != want {
			t.Errorf("Code(%q) = %q, want %q", s, got, want)
		}
	}
}
