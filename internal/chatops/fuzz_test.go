package chatops

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// FuzzParse checks the grammar on any comment: Parse never panics; a
// body that does not start with /promote or /rollback is ignored; a
// parsed command has valid names and renders to a line that parses to
// the same command; a malformed one is a *SyntaxError.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"/promote prod", "/promote prod web --from dev", "/promote prod --from=staging", "/promote status",
		"/promote help", "/rollback prod", "/rollback prod 2", "/rollback prod 3f2a1c9", "/rollback prod 0",
		"/promote", "/promote --from", "/promote prod\r\nmore", "LGTM", "/promote\tprod\u00a0web", "/rollback a b c",
		"/promote prod web web", "/promote ..", "/promote -x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		c, err := Parse(body)
		line, _, _ := strings.Cut(body, "\n")
		fields := strings.Fields(line)
		isCmd := len(fields) > 0 && (fields[0] == "/promote" || fields[0] == "/rollback")
		if !isCmd {
			if c != nil || err != nil {
				t.Fatalf("Parse(%q) = %+v, %v; want it ignored", body, c, err)
			}
			return
		}
		if err != nil {
			var se *SyntaxError
			if c != nil || !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %+v, %v; want nil and a *SyntaxError", body, c, err)
			}
			return
		}
		if c == nil {
			t.Fatalf("Parse(%q) = nil, nil for a command line", body)
		}
		for _, n := range append([]string{c.Env, c.From}, c.Apps...) {
			if n != "" && !validName(n) {
				t.Fatalf("Parse(%q) accepted the name %q", body, n)
			}
		}
		again, err := Parse(c.String())
		if err != nil || !reflect.DeepEqual(again, c) {
			t.Fatalf("Parse(%q) = %+v renders as %q, which parses to %+v, %v", body, c, c.String(), again, err)
		}
	})
}
