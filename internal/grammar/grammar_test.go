package grammar

import (
	"strings"
	"testing"
)

func TestRules(t *testing.T) {
	sha := strings.Repeat("a", 64)
	tests := []struct {
		name  string
		check func(string) error
		ok    []string
		bad   []string
	}{
		{"tag", Tag,
			[]string{"1.10", "v1.2.3-rc.1", "latest", "_x", strings.Repeat("a", 128)},
			[]string{"", "1.10\nfoo: bar", "\n::error::x", "$(id)", ".hidden", "-x", "a b", strings.Repeat("a", 129), strings.Repeat("a", 100000), "<!-- promote: from=dev -->"}},
		{"digest", Digest,
			[]string{"sha256:" + sha, "sha512:" + strings.Repeat("0", 128)},
			[]string{"sha256:zz", "@sha256:" + sha, "sha256:" + strings.ToUpper(sha), "md5:" + sha, "sha256:" + sha[:63], sha}},
		{"image name", ImageName,
			[]string{"web", "ghcr.io/acme/web", "localhost:5000/a/b", "registry.example.com/team/app__x-y.z", "nginx"},
			[]string{"", "Web", "web:1", "web@sha256:" + sha, "a//b", "$(id)", "a/b\n", "/web", strings.Repeat("a", 256)}},
		{"version", ChartVersion,
			[]string{"1.2.3", "v1.2.3", "1.2", "~1.2", ">=1.0.0 <2.0.0", "^1.0.0-rc.1", "*"},
			[]string{"", "1.2.3\n", "latest", "$(id)", "1.2.3 || rm -rf"}},
		{"ref", GitRef,
			[]string{"main", "v1.2.3", "release/1.x", strings.Repeat("0", 40)},
			[]string{"", "a..b", "a b", "-main", "a~1", "a^", "a:b", "refs/heads/x.lock", "x/", "@{-1}", "a\nb", strings.Repeat("a", 256)}},
		{"terraform", TerraformString,
			[]string{"1.2.3", "eu-west-1", "a \"quoted\" value"},
			[]string{"${file(\"/etc/passwd\")}", "%{ if true }x%{ endif }", "a\nb", "\x1b[31m"}},
		{"text", Text,
			[]string{"", "1.2.3", "hello world", "Grüße"},
			[]string{"a\nb", "a\rb", "\u202eevil", "\x00", strings.Repeat("a", 1025), "\xff"}},
	}
	for _, tt := range tests {
		for _, v := range tt.ok {
			if err := tt.check(v); err != nil {
				t.Errorf("%s %q: %v", tt.name, v, err)
			}
		}
		for _, v := range tt.bad {
			err := tt.check(v)
			if err == nil {
				t.Errorf("%s %q: accepted", tt.name, v)
				continue
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || len(msg) > 600 {
				t.Errorf("%s: message is not one short line: %q", tt.name, msg)
			}
		}
	}
}

func TestRuleErrorMessage(t *testing.T) {
	err := Tag("1.10\nfoo: bar")
	want := `tag "1.10\nfoo: bar": refused, expected a tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	long := Tag(strings.Repeat("x", 100000)).Error()
	if !strings.Contains(long, "... (100000 bytes)") || len(long) > 200 {
		t.Errorf("long value: %s", long)
	}
}
