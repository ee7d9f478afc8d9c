package textdiff

import (
	"strings"
	"testing"
)

func TestHunks(t *testing.T) {
	cases := []struct {
		name, a, b, want string
	}{
		{"same", "a\nb\n", "a\nb", ""},
		{"one line", "kind: A\nimage: web:1\nname: web\n", "kind: A\nimage: web:2\nname: web\n",
			"@@ -1,3 +1,3 @@\n kind: A\n-image: web:1\n+image: web:2\n name: web\n"},
		{"added", "", "a\nb", "@@ -0,0 +1,2 @@\n+a\n+b\n"},
		{"removed", "a\n", "", "@@ -1 +0,0 @@\n-a\n"},
		{"no section heading", "spec:\n  x: 1\n  y: 2\n  z: 3\n  w: 4\n  v: 5\n", "spec:\n  x: 1\n  y: 2\n  z: 3\n  w: 4\n  v: 6\n",
			"@@ -3,4 +3,4 @@\n   y: 2\n   z: 3\n   w: 4\n-  v: 5\n+  v: 6\n"},
	}
	for _, c := range cases {
		if got := Hunks(c.a, c.b, 3); got != c.want {
			t.Errorf("%s: got\n%s\nwant\n%s", c.name, got, c.want)
		}
	}
}

func TestUnifiedHasGitHeaders(t *testing.T) {
	got := Unified("a/envs/staging/", "b/envs/prod/", "app.yaml", []byte("tag: 1\n"), []byte("tag: 2\n"))
	for _, want := range []string{"--- a/envs/staging/app.yaml\n", "+++ b/envs/prod/app.yaml\n", "-tag: 1\n+tag: 2\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
	if got := Unified("a/", "b/", "x.bin", []byte("a\x00"), []byte("b\x00")); !strings.Contains(got, "Binary files") {
		t.Errorf("binary files: %s", got)
	}
}
