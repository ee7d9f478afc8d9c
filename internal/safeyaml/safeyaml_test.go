package safeyaml

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// bomb is a ConfigMap whose last key expands to 9^10 strings.
func bomb() string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\nx:\n")
	b.WriteString(`  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for i := 1; i < 10; i++ {
		p := fmt.Sprintf("*a%d", i-1)
		fmt.Fprintf(&b, "  a%d: &a%d [%s]\n", i, i, strings.Repeat(p+",", 8)+p)
	}
	return b.String()
}

func TestDecodeRefuses(t *testing.T) {
	small := Limits{MaxBytes: 200, MaxDocuments: 3, MaxDepth: 4, MaxAliasNodes: 20}
	tests := []struct {
		name string
		l    Limits
		src  string
		want string
	}{
		{"bomb", Default, bomb(), "f.yaml:10: alias *a4: expanding aliases makes more than 100000 nodes: refused"},
		{"aliases", small, "a: &a [1, 2, 3, 4]\nb: [*a, *a, *a, *a, *a]\n", "f.yaml:2: alias *a: expanding aliases makes more than 20 nodes: refused"},
		{"documents", small, "a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n", "f.yaml:6: more than 3 YAML documents: refused"},
		{"depth", small, "a:\n  b:\n    c:\n      d: [1]\n", "f.yaml:4: nesting deeper than 4 levels: refused"},
		{"size", small, strings.Repeat("# padding\n", 21), "f.yaml: file is 210 bytes: refused, the limit is 200"},
		{"duplicate key", Default, "images:\n  - name: a\nkind: x\nimages: []\n", "f.yaml:4: key images: already at line 1"},
		{"duplicate nested key", Default, "a:\n  b: 1\n  c: 2\n  b: 3\n", "f.yaml:4: key b: already at line 2"},
		{"syntax", Default, "a: [\n", "f.yaml:1: invalid YAML: did not find expected node content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := tt.l.Decode("f.yaml", []byte(tt.src), "invalid YAML: ")
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error %v, want %s", err, tt.want)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func TestDecodeAccepts(t *testing.T) {
	for _, src := range []string{
		"",
		"a: 1\n---\n---\nb: 2\n",
		"base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\nother:\n  <<: *b\n",
		"a: 1\n'a ': 2\n\"1\": 3\n1: 4\n",
		strings.Repeat("- ", 90) + "x\n",
	} {
		if _, err := Decode("f.yaml", []byte(src), ""); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

func TestCheck(t *testing.T) {
	if err := Check("f.yaml", []byte(bomb())); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("bomb: %v", err)
	}
	for _, src := range []string{"KEY=value\n", "a: [\n", "{{ .Values.x }}\n"} {
		if err := Check("f", []byte(src)); err != nil {
			t.Errorf("%q is not YAML and is left to its reader: %v", src, err)
		}
	}
}
