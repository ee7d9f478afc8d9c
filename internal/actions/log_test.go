package actions

import (
	"strings"
	"testing"
)

func TestParseBool(t *testing.T) {
	for _, v := range []string{"true", "True", "TRUE"} {
		if b, err := ParseBool("dry-run", v); !b || err != nil {
			t.Errorf("%s = %v, %v", v, b, err)
		}
	}
	for _, v := range []string{"false", "False", "FALSE"} {
		if b, err := ParseBool("dry-run", v); b || err != nil {
			t.Errorf("%s = %v, %v", v, b, err)
		}
	}
	for _, v := range []string{"yes", "1", "tRue", "on", "true\n::warning::x"} {
		_, err := ParseBool("dry-run", v)
		if err == nil || !strings.Contains(err.Error(), "input dry-run:") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %v, want an error naming the input on one line", v, err)
		}
	}
}

func TestCommandLine(t *testing.T) {
	got := CommandLine([]string{"run", "--to=prod", "--reason=hot fix", "--from=x\n::warning::pwned", "--app=a\rb", `--base=$(id)`})
	want := `run --to=prod --reason="hot fix" --from="x\n::warning::pwned" --app="a\rb" --base="$(id)"`
	if got != want {
		t.Errorf("CommandLine = %s\nwant            %s", got, want)
	}
}

// TestGuard: lines the runner would read as workflow commands, however
// the writes split them, are shown behind a prefix; other text passes
// unchanged.
func TestGuard(t *testing.T) {
	in := "plain line\n::warning::a\n  ::error::b\r##[group]c\n\u00a0::debug::d\nnot :: a command\n:x\n#x\n"
	want := "plain line\n> ::warning::a\n>   ::error::b\r> ##[group]c\n> \u00a0::debug::d\nnot :: a command\n:x\n#x\n"
	for _, size := range []int{1, 2, 3, 5, len(in)} {
		var b strings.Builder
		g := NewGuard(&b)
		for i := 0; i < len(in); i += size {
			if _, err := g.Write([]byte(in[i:min(i+size, len(in))])); err != nil {
				t.Fatal(err)
			}
		}
		if err := g.Flush(); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("writes of %d bytes:\n%q\nwant\n%q", size, b.String(), want)
		}
	}
	var b strings.Builder
	g := NewGuard(&b)
	_, _ = g.Write([]byte("  :"))
	_ = g.Flush()
	if b.String() != "  :" {
		t.Errorf("flush wrote %q", b.String())
	}
}
