package yamledit

import (
	"bytes"
	"path/filepath"
	"testing"
)

// TestOneApplyEqualsOneByOne checks, on every golden case, that applying
// the ops in one Apply call (which makes scalar replacements in one pass)
// gives the bytes of applying them one Apply call at a time.
func TestOneApplyEqualsOneByOne(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "golden", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			input := readFile(t, filepath.Join(dir, "input.yaml"))
			doc, ops, err := parseOps(string(readFile(t, filepath.Join(dir, "ops.txt"))))
			if err != nil {
				t.Fatal(err)
			}
			together, err := Apply(input, doc, ops...)
			if err != nil {
				t.Fatal(err)
			}
			one := input
			for _, op := range ops {
				if one, err = Apply(one, doc, op); err != nil {
					t.Fatalf("%s: %v", op.target(), err)
				}
			}
			if !bytes.Equal(together, one) {
				t.Errorf("one Apply:\n%s\none by one:\n%s", together, one)
			}
		})
	}
}

// TestSetsInOnePass covers the sets applyScalars makes together and those
// it leaves to the op-by-op path: each case's result is compared with the
// expected bytes, and with applying the ops one by one.
func TestSetsInOnePass(t *testing.T) {
	const src = `# images
images:
- name: web
  newTag: "1.0" # pinned
- name: api
  newTag: 2.0
  digest: sha256:aaa
- name: empty
  newTag:
`
	tag := func(name string) Path { return Path{Key("images"), Item("name", name), Key("newTag")} }
	tests := []struct {
		name    string
		ops     []Op
		want    string
		onePass bool
	}{
		{
			name: "two tags",
			ops:  []Op{Set(tag("web"), "1.1"), Set(tag("api"), "2.1")},
			want: `# images
images:
- name: web
  newTag: "1.1" # pinned
- name: api
  newTag: "2.1"
  digest: sha256:aaa
- name: empty
  newTag:
`,
			onePass: true,
		},
		{
			name: "a tag that needs quoting and a digest",
			ops:  []Op{Set(tag("api"), "true"), Set(Path{Key("images"), Item("name", "api"), Key("digest")}, "sha256:bbb")},
			want: `# images
images:
- name: web
  newTag: "1.0" # pinned
- name: api
  newTag: "true"
  digest: sha256:bbb
- name: empty
  newTag:
`,
			onePass: true,
		},
		{
			name: "the same scalar twice",
			ops:  []Op{Set(tag("web"), "1.1"), Set(tag("web"), "1.2")},
			want: `# images
images:
- name: web
  newTag: "1.2" # pinned
- name: api
  newTag: 2.0
  digest: sha256:aaa
- name: empty
  newTag:
`,
		},
		{
			name: "an empty value and a missing key",
			ops:  []Op{Set(tag("empty"), "3"), Set(Path{Key("images"), Item("name", "web"), Key("digest")}, "sha256:ccc")},
			want: `# images
images:
- name: web
  newTag: "1.0" # pinned
  digest: sha256:ccc
- name: api
  newTag: 2.0
  digest: sha256:aaa
- name: empty
  newTag: "3"
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Apply([]byte(src), 0, tt.ops...)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			docs, err := parse([]byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := applyScalars([]byte(src), docs, 0, tt.ops); ok != tt.onePass {
				t.Errorf("made in one pass: %v, want %v", ok, tt.onePass)
			}
		})
	}
}

// TestOnePassErrorIsTheOpsError checks that a failing op among sets
// reports the error of that op, as applying them one by one does.
func TestOnePassErrorIsTheOpsError(t *testing.T) {
	src := []byte("images:\n- name: web\n  newTag: {a: b}\n- name: api\n  newTag: \"1\"\n")
	ops := []Op{
		Set(Path{Key("images"), Item("name", "api"), Key("newTag")}, "2"),
		Set(Path{Key("images"), Item("name", "web"), Key("newTag")}, "2"),
	}
	_, err := Apply(src, 0, ops...)
	if err == nil || err.Error() != `line 3: images[name=web].newTag: value is a mapping, not a scalar` {
		t.Fatalf("err = %v", err)
	}
}

// BenchmarkApplySets measures the tag bumps of two images of a
// kustomization made in one Apply call.
func BenchmarkApplySets(b *testing.B) {
	src := []byte("# app\nnamespace: web\nimages:\n- name: ghcr.io/acme/web\n  newTag: \"1.4.1\"\n- name: ghcr.io/acme/worker\n  newTag: 1.4.1\n")
	ops := []Op{
		Set(Path{Key("images"), Item("name", "ghcr.io/acme/web"), Key("newTag")}, "1.4.2"),
		Set(Path{Key("images"), Item("name", "ghcr.io/acme/worker"), Key("newTag")}, "1.4.2"),
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Apply(src, 0, ops...); err != nil {
			b.Fatal(err)
		}
	}
}
