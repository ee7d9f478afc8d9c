package runnertest

import (
	"testing"
)

func TestParseOutputFile(t *testing.T) {
	got, err := ParseOutputFile("a=1\nb<<EOF\nline 1\nline 2\nEOF\nempty<<X\nX\ncr<<D\nv\r\nD\nlast<<E\nx\n\nE")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "1", "b": "line 1\nline 2", "empty": "", "cr": "v\r", "last": "x\n"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %v", got)
	}
	for _, bad := range []string{"b<<EOF\nno end\n", "=x\n", "justtext\n", "b<<EOF\nv"} {
		if _, err := ParseOutputFile(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestCommands(t *testing.T) {
	got := Commands("text\n::add-mask::x\r  ::warning file=a::w\n::not a command\n##[group]g\n: :x::\n")
	var names []string
	for _, c := range got {
		names = append(names, c.Name)
	}
	if len(names) != 3 || names[0] != "add-mask" || names[1] != "warning" || names[2] != "group" {
		t.Errorf("commands %v", names)
	}
}

func TestInputEnv(t *testing.T) {
	yml := []byte("inputs:\n  command: {default: run}\n  token: {default: '${{ github.token }}'}\n  dry-run: {default: 'false'}\n  to: {}\n  my input: {}\n")
	env, err := InputEnv(yml, map[string]string{"to": "prod", "my input": "v"}, "ghs_t")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"INPUT_COMMAND": "run", "INPUT_TOKEN": "ghs_t", "INPUT_DRY-RUN": "false", "INPUT_TO": "prod", "INPUT_MY_INPUT": "v"}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	if _, err := InputEnv(yml, map[string]string{"nope": "x"}, ""); err == nil {
		t.Error("an undeclared input was accepted")
	}
}
