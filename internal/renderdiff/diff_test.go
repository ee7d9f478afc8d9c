package renderdiff

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/gitops-promote/promote/internal/kustomize"
)

var update = flag.Bool("update", false, "rewrite golden files")

// renderCase renders testdata/<name>.txtar: the tree is the files under
// before/, the change lays the files under after/ over it, and env/ is
// the directory built before and after.
func renderCase(t *testing.T, name string) *Report {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", name+".txtar"))
	if err != nil {
		t.Fatal(err)
	}
	before, edits := fstest.MapFS{}, map[string][]byte{}
	for _, f := range ar.Files {
		switch {
		case strings.HasPrefix(f.Name, "before/"):
			before[strings.TrimPrefix(f.Name, "before/")] = &fstest.MapFile{Data: f.Data}
		case strings.HasPrefix(f.Name, "after/"):
			edits[strings.TrimPrefix(f.Name, "after/")] = f.Data
		}
	}
	old, err := kustomize.Render(before, "env")
	if err != nil {
		t.Fatal(err)
	}
	cur, err := kustomize.Render(kustomize.Overlay(before, edits), "env")
	if err != nil {
		t.Fatal(err)
	}
	return Compare("env", old.Resources, cur.Resources)
}

// golden compares got with testdata/<file>, or rewrites it with -update.
func golden(t *testing.T, file, got string) {
	t.Helper()
	file = filepath.Join("testdata", file)
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", file, got, want)
	}
}

func text(r *Report) string {
	var b bytes.Buffer
	WriteText(&b, []*Report{r}, false)
	return b.String()
}

func TestGolden(t *testing.T) {
	for _, name := range []string{"image-bump", "configmap-file", "configmap-generator", "secret", "added-removed"} {
		t.Run(name, func(t *testing.T) {
			r := renderCase(t, name)
			golden(t, name+".md", Markdown([]*Report{r}, MarkdownOptions{}))
			golden(t, name+".txt", text(r))
		})
	}
}

// diffLines returns the changed lines of a unified diff.
func diffLines(diff string) []string {
	var out []string
	for _, l := range strings.Split(diff, "\n") {
		if strings.HasPrefix(l, "+") || strings.HasPrefix(l, "-") {
			out = append(out, l)
		}
	}
	return out
}

func TestImageBumpChangesOnlyImageLines(t *testing.T) {
	r := renderCase(t, "image-bump")
	var ids []string
	for _, e := range r.Entries {
		ids = append(ids, e.ID)
		if e.Status != Changed {
			t.Errorf("%s: %s, want changed", e.ID, e.Status)
		}
		lines := diffLines(e.Diff)
		if len(lines) == 0 {
			t.Errorf("%s: no changed line", e.ID)
		}
		for _, l := range lines {
			if !strings.Contains(l, "image: ghcr.io/acme/web:1.4.") {
				t.Errorf("%s: changed line %q is not the web image", e.ID, l)
			}
		}
	}
	want := "apps/v1/Deployment shop-prod/api,apps/v1/Deployment shop-prod/web"
	if got := strings.Join(ids, ","); got != want {
		t.Errorf("changed resources: %s, want %s", got, want)
	}
	// api runs the image twice (init container and container).
	if n := len(diffLines(r.Entries[0].Diff)); n != 4 {
		t.Errorf("api: %d changed lines, want 4 (two images, old and new)", n)
	}
	if r.Summary != "2 resources changed" || r.Unchanged != 2 {
		t.Errorf("summary %q with %d unchanged, want \"2 resources changed\" and 2", r.Summary, r.Unchanged)
	}
}

func TestGeneratedNameShownAsReplacement(t *testing.T) {
	r := renderCase(t, "configmap-generator")
	if len(r.Entries) != 2 {
		t.Fatalf("entries: %+v, want the Deployment and the ConfigMap", r.Entries)
	}
	cm := r.Entries[1]
	if cm.Status != Replaced || !strings.HasPrefix(cm.OldID, "v1/ConfigMap shop-prod/web-config-") || cm.OldID == cm.ID {
		t.Errorf("ConfigMap entry: %+v, want a replacement of web-config-<hash>", cm)
	}
	if !strings.Contains(cm.Diff, "-  CHECKOUT_V2: \"false\"\n+  CHECKOUT_V2: \"true\"") {
		t.Errorf("replacement diff does not show the changed value:\n%s", cm.Diff)
	}
	if r.Summary != "1 resource changed, 1 replaced" {
		t.Errorf("summary %q", r.Summary)
	}
}

func TestSecretValuesNeverPrinted(t *testing.T) {
	r := renderCase(t, "secret")
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"markdown": Markdown([]*Report{r}, MarkdownOptions{}),
		"text":     text(r),
		"json":     string(js),
	}
	secrets := []string{"s3cr3t-token-before", "s3cr3t-token-after", "hunter2", "correcthorse", "admin", "eu-west-1"}
	for _, s := range secrets {
		forms := []string{s, base64.StdEncoding.EncodeToString([]byte(s)), "TOKEN=" + s}
		for name, out := range outputs {
			for _, f := range forms {
				if strings.Contains(out, f) {
					t.Errorf("%s output contains secret value %q", name, f)
				}
			}
		}
	}
	md := outputs["markdown"]
	// The changed values show as different hashes; the unchanged ones not
	// at all (they are context).
	if !strings.Contains(md, "-  password: <redacted hmac-sha256:") || !strings.Contains(md, "+  password: <redacted hmac-sha256:") {
		t.Errorf("the password change is not visible:\n%s", md)
	}
	if strings.Contains(md, "-  username:") {
		t.Errorf("unchanged username shows as changed:\n%s", md)
	}
}

func TestMarkdownTrimmedToBudget(t *testing.T) {
	var before, after []kustomize.Resource
	for i := range 60 {
		id := kustomize.ResourceID{APIVersion: "v1", Kind: "ConfigMap", Namespace: "ns", Name: "cm-" + string(rune('a'+i%26)) + strings.Repeat("x", i/26)}
		body := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + id.Name + "\ndata:\n" + strings.Repeat("  k: v\n", 30)
		before = append(before, kustomize.Resource{ID: id, YAML: []byte(body + "  version: \"1\"\n")})
		after = append(after, kustomize.Resource{ID: id, YAML: []byte(body + "  version: \"2\"\n" + strings.Repeat("  more: line\n", 200))})
	}
	r := Compare("env", before, after)
	const budget = 8000
	md := Markdown([]*Report{r}, MarkdownOptions{Budget: budget, Hint: "See `promote plan --rendered`."})
	if len(md) > budget {
		t.Errorf("markdown is %d bytes, budget %d", len(md), budget)
	}
	for _, want := range []string{"60 resources changed", "**Trimmed to fit the pull request body:**", "resources not shown", "diffs shortened", "more lines not shown", "See `promote plan --rendered`."} {
		if !strings.Contains(md, want) {
			t.Errorf("trimmed markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Count(md, "<details>") != strings.Count(md, "</details>") || strings.Count(md, "```")%2 != 0 {
		t.Errorf("trimmed markdown has unbalanced blocks:\n%s", md)
	}
	if full := Markdown([]*Report{r}, MarkdownOptions{Budget: 1 << 30}); strings.Contains(full, "Trimmed") || strings.Count(full, "<details>") != 60 {
		t.Error("a large budget still trims")
	}
}

func TestFenceLongerThanBackticks(t *testing.T) {
	id := kustomize.ResourceID{APIVersion: "v1", Kind: "ConfigMap", Name: "doc"}
	before := []kustomize.Resource{{ID: id, YAML: []byte("data:\n  readme: a\n")}}
	after := []kustomize.Resource{{ID: id, YAML: []byte("data:\n  readme: \"```` code\"\n")}}
	md := Markdown([]*Report{Compare("env", before, after)}, MarkdownOptions{})
	if !strings.Contains(md, "`````diff\n") {
		t.Errorf("the fence is not longer than the backticks in the diff:\n%s", md)
	}
}

func TestSortedAndStable(t *testing.T) {
	r1 := renderCase(t, "added-removed")
	r2 := renderCase(t, "added-removed")
	if Markdown([]*Report{r1}, MarkdownOptions{}) != Markdown([]*Report{r2}, MarkdownOptions{}) {
		t.Error("two comparisons of the same renders differ")
	}
	for i := 1; i < len(r1.Entries); i++ {
		if r1.Entries[i-1].ID > r1.Entries[i].ID {
			t.Errorf("entries not sorted: %s before %s", r1.Entries[i-1].ID, r1.Entries[i].ID)
		}
	}
}

func TestMarkdownSumsUpUnchangedDirectories(t *testing.T) {
	id := kustomize.ResourceID{APIVersion: "v1", Kind: "ConfigMap", Name: "c"}
	same := []kustomize.Resource{{ID: id, YAML: []byte("a: 1\n")}}
	changed := []kustomize.Resource{{ID: id, YAML: []byte("a: 2\n")}}
	reports := []*Report{Compare("apps/a", same, same), Compare("apps/b", same, changed), Compare("apps/c", same, same)}
	md := Markdown(reports, MarkdownOptions{})
	if strings.Contains(md, "apps/a") || !strings.Contains(md, "**`apps/b`**: 1 resource changed") || !strings.Contains(md, "2 other directories render the same before and after.") {
		t.Errorf("unchanged directories are not summed up:\n%s", md)
	}
	md = Markdown([]*Report{reports[0], reports[2]}, MarkdownOptions{})
	if !strings.Contains(md, "No resources changed in the 2 directories.") {
		t.Errorf("all unchanged:\n%s", md)
	}
}

// BenchmarkCompare200 compares two renders of 200 resources that all
// changed and writes the trimmed markdown.
func BenchmarkCompare200(b *testing.B) {
	var before, after []kustomize.Resource
	for i := range 200 {
		id := kustomize.ResourceID{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "prod", Name: "app-" + strconv.Itoa(i)}
		body := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + id.Name + "\nspec:\n" + strings.Repeat("  field: value\n", 40)
		before = append(before, kustomize.Resource{ID: id, YAML: []byte(body + "  image: web:1\n")})
		after = append(after, kustomize.Resource{ID: id, YAML: []byte(body + "  image: web:2\n")})
	}
	for b.Loop() {
		r := Compare("prod", before, after)
		if len(r.Entries) != 200 {
			b.Fatalf("%d entries", len(r.Entries))
		}
		_ = Markdown([]*Report{r}, MarkdownOptions{})
	}
}
