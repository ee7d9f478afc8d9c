package chatops

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseCommands(t *testing.T) {
	cases := []struct {
		body string
		want *Command
	}{
		{"/promote prod", &Command{Verb: VerbPromote, Env: "prod"}},
		{"  /promote   prod  \r\nthanks!", &Command{Verb: VerbPromote, Env: "prod"}},
		{"/promote prod\r::warning::not a command", &Command{Verb: VerbPromote, Env: "prod"}},
		{"/promote prod web worker --from dev", &Command{Verb: VerbPromote, Env: "prod", Apps: []string{"web", "worker"}, From: "dev"}},
		{"/promote prod --from=staging web", &Command{Verb: VerbPromote, Env: "prod", Apps: []string{"web"}, From: "staging"}},
		{"/promote prod --force INC-42:  fix  the  outage", &Command{Verb: VerbPromote, Env: "prod", Force: "INC-42: fix the outage"}},
		{"/promote prod web --from dev --force --from is part of the reason", &Command{Verb: VerbPromote, Env: "prod", Apps: []string{"web"}, From: "dev", Force: "--from is part of the reason"}},
		{"/promote status", &Command{Verb: VerbStatus}},
		{"/promote help", &Command{Verb: VerbHelp}},
		{"/rollback prod", &Command{Verb: VerbRollback, Env: "prod", Steps: 1}},
		{"/rollback prod 3", &Command{Verb: VerbRollback, Env: "prod", Steps: 3}},
		{"/rollback prod 3F2A1C9", &Command{Verb: VerbRollback, Env: "prod", Commit: "3f2a1c9"}},
		{"/rollback prod 1234567", &Command{Verb: VerbRollback, Env: "prod", Commit: "1234567"}},
	}
	for _, c := range cases {
		got, err := Parse(c.body)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", c.body, got, err, c.want)
		}
	}
}

func TestParseIgnoresWhatIsNotACommand(t *testing.T) {
	for _, body := range []string{
		"", "LGTM", "please /promote prod", "/promoted prod", "/rollbacks prod", "/Promote prod",
		"> /promote prod", "`/promote prod`", "thanks\n/promote prod",
	} {
		got, err := Parse(body)
		if got != nil || err != nil {
			t.Errorf("Parse(%q) = %+v, %v; want it ignored", body, got, err)
		}
	}
}

func TestParseExplainsMalformedCommands(t *testing.T) {
	cases := map[string]string{
		"/promote":                                  "expected an environment",
		"/promote --from dev":                       "expected an environment",
		"/promote prod --from":                      "--from needs an environment",
		"/promote prod --force":                     "--force needs a reason",
		"/promote prod --force \x1b[31mred":         "--force: the reason must be printable text",
		"/promote prod --forced x":                  `unknown option "--forced"`,
		"/promote prod --from a --from b":           "--from is given twice",
		"/promote status now":                       "takes no arguments",
		"/promote pr$d":                             "not a valid environment",
		"/promote prod web web":                     `app "web" is given twice`,
		"/rollback":                                 "expected an environment",
		"/rollback prod 0":                          "expected 1 to 100",
		"/rollback prod 101":                        "expected 1 to 100",
		"/rollback prod abc":                        "7 to 40 hex digits",
		"/rollback prod 3f2a1c9 2":                  "got 3 arguments",
		"/rollback help":                            "is a command, not an environment",
		"/rollback prod zzzzzzzzz":                  "7 to 40 hex digits",
		"/promote prod " + strings.Repeat("x", 101): "not a valid environment or app name",
	}
	for body, want := range cases {
		got, err := Parse(body)
		var se *SyntaxError
		if got != nil || !errors.As(err, &se) || !strings.Contains(se.Msg, want) {
			t.Errorf("Parse(%q) = %+v, %v; want a syntax error saying %q", body, got, err, want)
		}
	}
}

func TestCommandStringParsesBack(t *testing.T) {
	for _, body := range []string{"/promote prod web --from dev", "/promote prod --from dev --force INC-42 fix", "/rollback prod 2", "/rollback prod 3f2a1c9", "/promote status", "/promote help"} {
		c, err := Parse(body)
		if err != nil {
			t.Fatal(err)
		}
		if c.String() != body {
			t.Errorf("Parse(%q).String() = %q", body, c.String())
		}
	}
}
