package promote

import (
	"strings"
	"testing"
)

// TestExpandPathIsOneReplacerPass checks expandPath against the
// strings.Replacer it stands for, on templates and values that hold
// braces and the placeholders themselves.
func TestExpandPathIsOneReplacerPass(t *testing.T) {
	templates := []string{"", "apps/{app}/overlays/{env}", "{env}/{app}", "{app}{app}{env}", "a{b}{", "{", "{ap}/{app", "x/{{app}}/y", "no placeholders"}
	values := [][2]string{{"web", "prod"}, {"{env}", "{app}"}, {"", ""}, {"a{", "}"}}
	for _, tmpl := range templates {
		for _, v := range values {
			want := strings.NewReplacer("{app}", v[0], "{env}", v[1]).Replace(tmpl)
			if got := expandPath(tmpl, v[0], v[1]); got != want {
				t.Errorf("expandPath(%q, %q, %q) = %q, want %q", tmpl, v[0], v[1], got, want)
			}
		}
	}
}

// FuzzExpandPath compares expandPath with strings.Replacer on any input.
func FuzzExpandPath(f *testing.F) {
	f.Add("apps/{app}/overlays/{env}", "web", "prod")
	f.Add("{{env}app}", "{app}", "{")
	f.Fuzz(func(t *testing.T, tmpl, app, env string) {
		want := strings.NewReplacer("{app}", app, "{env}", env).Replace(tmpl)
		if got := expandPath(tmpl, app, env); got != want {
			t.Errorf("expandPath(%q, %q, %q) = %q, want %q", tmpl, app, env, got, want)
		}
	})
}
