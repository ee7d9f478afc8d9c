package doclinks

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// root is the repository's top directory, seen from this package.
const root = "../.."

var (
	linkRe    = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	headingRe = regexp.MustCompile(`^#{1,6}\s+(.*?)\s*#*\s*$`)
	dropRe    = regexp.MustCompile(`[^\p{L}\p{N}\s_-]`)
)

// page is one markdown file: its lines outside fenced code blocks.
type page struct {
	lines []string
}

func readPage(t *testing.T, path string) page {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var p page
	fence := ""
	for _, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimSpace(line)
		if fence == "" && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")) {
			fence = trimmed[:3]
			p.lines = append(p.lines, "")
			continue
		}
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			p.lines = append(p.lines, "")
			continue
		}
		p.lines = append(p.lines, line)
	}
	return p
}

// anchors returns the heading anchors of a page the way GitHub derives
// them: lower case, punctuation dropped, spaces turned into hyphens, and
// -1, -2... appended to repeated ones.
func (p page) anchors() map[string]bool {
	seen := map[string]int{}
	out := map[string]bool{}
	for _, line := range p.lines {
		m := headingRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		text := regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`).ReplaceAllString(m[1], "$1")
		slug := strings.ReplaceAll(dropRe.ReplaceAllString(strings.ToLower(text), ""), " ", "-")
		if n := seen[slug]; n > 0 {
			out[slug+"-"+strconv.Itoa(n)] = true
		} else {
			out[slug] = true
		}
		seen[slug]++
	}
	return out
}

func markdownFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{filepath.Join(root, "README.md")}, files...)
}

func TestRelativeLinksAndAnchorsResolve(t *testing.T) {
	pages := map[string]page{}
	load := func(path string) page {
		if p, ok := pages[path]; ok {
			return p
		}
		p := readPage(t, path)
		pages[path] = p
		return p
	}
	for _, file := range markdownFiles(t) {
		p := load(file)
		for i, line := range p.lines {
			for _, m := range linkRe.FindAllStringSubmatch(line, -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				where := file + ":" + strconv.Itoa(i+1)
				path, anchor, _ := strings.Cut(target, "#")
				dest := file
				if path != "" {
					dest = filepath.Join(filepath.Dir(file), path)
					if _, err := os.Stat(dest); err != nil {
						t.Errorf("%s: link %q: %v", where, target, err)
						continue
					}
				}
				if anchor == "" {
					continue
				}
				if !strings.HasSuffix(dest, ".md") {
					continue
				}
				if !load(dest).anchors()[anchor] {
					t.Errorf("%s: link %q: no heading with anchor #%s in %s", where, target, anchor, dest)
				}
			}
		}
	}
}

func TestAnchorsAsGitHubDerivesThem(t *testing.T) {
	for _, tc := range []struct{ heading, anchor string }{
		{"## `promote plan --to ENV`", "promote-plan---to-env"},
		{"## `promote freeze --env ENV --reason TEXT`, `promote unfreeze --env ENV`", "promote-freeze---env-env---reason-text-promote-unfreeze---env-env"},
		{"### Release sets: `--from staging@REV`", "release-sets---from-stagingrev"},
		{"## `promote completion bash|zsh|fish|powershell`", "promote-completion-bashzshfishpowershell"},
	} {
		p := page{lines: []string{tc.heading}}
		if !p.anchors()[tc.anchor] {
			t.Errorf("%s: want anchor #%s, got %v", tc.heading, tc.anchor, p.anchors())
		}
	}
	p := page{lines: []string{"## Faults", "## Faults"}}
	if a := p.anchors(); !a["faults"] || !a["faults-1"] {
		t.Errorf("repeated heading: got %v", a)
	}
}

func TestReadmeListsEveryDocsPage(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		link := "](docs/" + filepath.Base(f) + ")"
		if !strings.Contains(string(readme), link) {
			t.Errorf("README.md does not link docs/%s", filepath.Base(f))
		}
	}
}
