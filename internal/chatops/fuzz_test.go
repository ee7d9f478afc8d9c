package chatops

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/forge"
	ghforge "github.com/gitops-promote/promote/internal/forge/github"
	glforge "github.com/gitops-promote/promote/internal/forge/gitlab"
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

// FuzzParseEvents reads any payload as each event type of each forge:
// parsing never panics; an event either fails with an error or reduces
// to at most one of a comment and a merge, and a merge is only ever one
// the forge reported as merged.
func FuzzParseEvents(f *testing.F) {
	for _, s := range []string{
		`{"action":"created","comment":{"id":1,"body":"/promote prod","user":{"login":"a","type":"User"}},"issue":{"number":2},"repository":{"full_name":"o/r","default_branch":"main"}}`,
		`{"action":"closed","pull_request":{"number":3,"merged":true,"base":{"ref":"main"},"head":{"ref":"promote/a-to-b"},"body":"x"},"repository":{"full_name":"o/r","default_branch":"main"}}`,
		`{"object_kind":"note","user":{"username":"a"},"project":{"path_with_namespace":"g/p","default_branch":"main"},"object_attributes":{"id":1,"note":"/promote prod","action":"create","noteable_type":"MergeRequest"},"merge_request":{"iid":2}}`,
		`{"object_kind":"merge_request","project":{"path_with_namespace":"g/p","default_branch":"main"},"object_attributes":{"iid":2,"action":"update","state":"merged"}}`,
		`{}`, `[]`, `null`, `{"repository":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		for _, typ := range []string{"issue_comment", "pull_request", "ping"} {
			ev, err := ghforge.ParseEvent(typ, payload)
			checkEvent(t, ev, err)
		}
		for _, typ := range []string{"Note Hook", "Merge Request Hook", "Push Hook"} {
			ev, err := glforge.ParseEvent(typ, payload)
			checkEvent(t, ev, err)
			if ev != nil && ev.Merged != nil && !strings.Contains(string(payload), `"merge"`) {
				t.Fatalf("a GitLab merge without action merge: %s", payload)
			}
		}
	})
}

func checkEvent(t *testing.T, ev *forge.Event, err error) {
	t.Helper()
	if err != nil {
		if ev != nil {
			t.Fatalf("an event and an error: %+v, %v", ev, err)
		}
		return
	}
	if ev == nil {
		t.Fatal("no event and no error")
	}
	if ev.Comment != nil && ev.Merged != nil {
		t.Fatalf("both a comment and a merge: %+v", ev)
	}
	NeedsWork(ev)
}
