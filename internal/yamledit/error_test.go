package yamledit

import (
	"errors"
	"strings"
	"testing"
)

func TestApplyErrors(t *testing.T) {
	web := Path{Key("images"), Item("name", "web"), Key("newTag")}
	tests := []struct {
		name string
		src  string
		doc  int
		op   Op
		line int
		msg  string
	}{
		{"invalid yaml", "a: 1\nb:\n  c: 1\n d: 2\n", 0, Set(Path{Key("a")}, "x"), 3, "invalid yaml: did not find expected key"},
		{"unclosed flow", "a: [1, 2\nb: 1\n", 0, Set(Path{Key("a")}, "x"), 1, "invalid yaml: did not find expected ',' or ']'"},
		{"missing parent", "images:\n- name: api\n", 0, Set(web, "1"), 2, "images[name=web] not found"},
		{"missing top parent", "kind: K\n", 0, Set(Path{Key("spec"), Key("replicas")}, "1"), 1, "spec not found"},
		{"multi-line plain", "images:\n- name: web\n  newTag: a\n    b\n", 0, Set(web, "1"), 3, "multi-line scalar"},
		{"multi-line quoted", "images:\n- name: web\n  newTag: \"a\n    b\"\n", 0, Set(web, "1"), 3, "multi-line scalar"},
		{"literal block", "images:\n- name: web\n  newTag: |\n    1.0\n", 0, Set(web, "1"), 3, "multi-line scalar"},
		{"folded block", "images:\n- name: web\n  newTag: >-\n    1.0\n", 0, Set(web, "1"), 3, "multi-line scalar"},
		{"path through scalar", "kind: K\n", 0, Set(Path{Key("kind"), Key("x")}, "1"), 1, "kind is a scalar, not a mapping"},
		{"item step on mapping", "images:\n  name: web\n", 0, Set(web, "1"), 2, "images is a mapping, not a sequence"},
		{"set a mapping", "a:\n  b: 1\n", 0, Set(Path{Key("a")}, "1"), 2, "value is a mapping, not a scalar"},
		{"set an alias", "a: &x 1\nb: *x\n", 0, Set(Path{Key("b")}, "1"), 2, "value is an alias, not a scalar"},
		{"explicit int tag", "a: !!int 1\n", 0, Set(Path{Key("a")}, "2"), 1, "explicit tag !!int"},
		{"duplicate key", "a: 1\na: 2\n", 0, Set(Path{Key("a")}, "3"), 2, `duplicate key "a"`},
		{"ambiguous item", "images:\n- name: web\n- name: web\n", 0, Set(web, "1"), 3, "more than one item"},
		{"last step is item", "images: []\n", 0, Set(Path{Key("images"), Item("name", "web")}, "1"), 0, "last step of the path must be a key"},
		{"empty path", "a: 1\n", 0, Set(nil, "1"), 0, "last step of the path must be a key"},
		{"append to scalar", "images: x\n", 0, Append(Path{Key("images")}, Field{"name", "a"}), 1, "images is a scalar, not a sequence"},
		{"empty document", "", 0, Set(Path{Key("a")}, "1"), 0, "document 0 not found"},
		{"document out of range", "a: 1\n---\nb: 1\n", 2, Set(Path{Key("a")}, "1"), 0, "document 2 not found (the file has 2)"},
		{"comment-only document", "# nothing\n", 0, Set(Path{Key("a")}, "1"), 0, "document 0 not found"},
		{"null document", "---\n", 0, Set(Path{Key("a")}, "1"), 2, "the document root is a scalar"},
		{"invalid utf-8 value", "a: 1\n", 0, Set(Path{Key("a")}, "\xff"), 0, "not valid utf-8"},
		{"lone carriage return", "a: 1\rb: 2\n", 0, Set(Path{Key("a")}, "1"), 1, "carriage return"},
		{"utf-16", "\xff\xfea\x00:\x00 \x001\x00\n\x00", 0, Set(Path{Key("a")}, "1"), 0, "only utf-8"},
		{"tab indentation", "a: \n #\n\t#\n", 0, Set(Path{Key("a")}, "1"), 3, "tab indentation"},
		{"line separator", "a: \"x\u2028\"\n", 0, Set(Path{Key("a")}, "1"), 1, "NEL, LS or PS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Apply([]byte(tt.src), tt.doc, tt.op)
			if out != nil {
				t.Errorf("got output %q with error", out)
			}
			var ye *Error
			if !errors.As(err, &ye) {
				t.Fatalf("got error %v (%T), want *Error", err, err)
			}
			if ye.Line != tt.line || !strings.Contains(ye.Msg, tt.msg) {
				t.Errorf("got line %d msg %q, want line %d msg containing %q", ye.Line, ye.Msg, tt.line, tt.msg)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{Line: 4, Path: "images[name=web].newTag", Msg: errMultiline}
	want := "line 4: images[name=web].newTag: value is a multi-line scalar and cannot be edited in place"
	if e.Error() != want {
		t.Errorf("got %q, want %q", e.Error(), want)
	}
	if got := (&Error{Msg: "x"}).Error(); got != "x" {
		t.Errorf("got %q", got)
	}
}

func TestErrorPathIsOpPath(t *testing.T) {
	p := Path{Key("images"), Item("name", "web"), Key("newTag")}
	_, err := Apply([]byte("images:\n- name: web\n  newTag: |\n    x\n"), 0, Set(p, "1"))
	if err == nil || err.Error() != "line 3: images[name=web].newTag: "+errMultiline {
		t.Errorf("got %v", err)
	}
}

func TestNothingHalfApplied(t *testing.T) {
	src := []byte("a: 1\nb: |\n  x\n")
	out, err := Apply(src, 0, Set(Path{Key("a")}, "2"), Set(Path{Key("b")}, "y"))
	if err == nil || out != nil {
		t.Fatalf("got %q, %v; want an error and no output", out, err)
	}
	if string(src) != "a: 1\nb: |\n  x\n" {
		t.Errorf("src modified: %q", src)
	}
}

func TestApplyNoOpsReturnsCopy(t *testing.T) {
	src := []byte("a: 1\n")
	out, err := Apply(src, 0)
	if err != nil || string(out) != "a: 1\n" {
		t.Fatalf("got %q, %v", out, err)
	}
	out[0] = 'x'
	if src[0] != 'a' {
		t.Error("output aliases the input")
	}
}

func TestPathString(t *testing.T) {
	tests := []struct {
		p    Path
		want string
	}{
		{Path{Key("images"), Item("name", "web"), Key("newTag")}, "images[name=web].newTag"},
		{Path{Key("images"), Item("name", "ghcr.io/acme/web"), Key("digest")}, "images[name=ghcr.io/acme/web].digest"},
		{Path{Key("metadata"), Key("annotations"), Key("app.kubernetes.io/name")}, `metadata.annotations."app.kubernetes.io/name"`},
		{Path{Item("a b", "x]y"), Key("")}, `["a b"="x]y"].""`},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
		back, err := ParsePath(tt.want)
		if err != nil || back.String() != tt.want || len(back) != len(tt.p) {
			t.Errorf("ParsePath(%q) = %v, %v", tt.want, back, err)
		}
		for i := range back {
			if back[i] != tt.p[i] {
				t.Errorf("ParsePath(%q)[%d] = %+v, want %+v", tt.want, i, back[i], tt.p[i])
			}
		}
	}
}

func TestParsePathErrors(t *testing.T) {
	for _, s := range []string{".a", "a..b", "a[b]", "a[=b]", "a[b=c", `"a`, "a]b", "a[b=c]d"} {
		if p, err := ParsePath(s); err == nil {
			t.Errorf("ParsePath(%q) = %v, want error", s, p)
		}
	}
}

func TestRender(t *testing.T) {
	tests := []struct{ in, plainBlock, plainFlow string }{
		{"1.2.3", "1.2.3", "1.2.3"},
		{"a,b", "a,b", `"a,b"`},
		{"a?b", "a?b", `"a?b"`},
		{"sha256:ab", "sha256:ab", "sha256:ab"},
		{"\u00e9t\u00e9", "\u00e9t\u00e9", "\u00e9t\u00e9"},
		{"\x00\u0085\u2028\ufeff\U0001F600", `"\0\N\L\uFEFF` + "\U0001F600" + `"`, `"\0\N\L\uFEFF` + "\U0001F600" + `"`},
		{"\x7f", `"\x7F"`, `"\x7F"`},
	}
	for _, tt := range tests {
		got, err := render(tt.in, 0, false)
		if err != nil || got != tt.plainBlock {
			t.Errorf("render(%q, block) = %q, %v; want %q", tt.in, got, err, tt.plainBlock)
		}
		got, err = render(tt.in, 0, true)
		if err != nil || got != tt.plainFlow {
			t.Errorf("render(%q, flow) = %q, %v; want %q", tt.in, got, err, tt.plainFlow)
		}
	}
}
