package main

import (
	"os"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gitops-promote/promote/internal/cli"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"promote": func() { os.Exit(cli.MainWith(testFactory())) },
	})
}

// testFactory is the process's factory with the clock scripts set in
// PROMOTE_TEST_NOW (RFC 3339), so that gates measured against the clock
// (soak time, freeze windows) give the same output on every run.
func testFactory() *cli.Factory {
	f := cli.NewFactory()
	if s := os.Getenv("PROMOTE_TEST_NOW"); s != "" {
		now, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic("PROMOTE_TEST_NOW: " + err.Error())
		}
		f.Now = func() time.Time { return now }
	}
	return f
}

// TestScripts runs the end-to-end CLI scripts in testdata/script. Each
// script gets a HOME with a git identity and the `git` binary for setting
// up and inspecting repositories.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			home := env.WorkDir + "/.home"
			env.Setenv("HOME", home)
			env.Setenv("XDG_CONFIG_HOME", home+"/.config")
			env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			env.Setenv("GIT_AUTHOR_NAME", "Ada")
			env.Setenv("GIT_AUTHOR_EMAIL", "ada@example.com")
			env.Setenv("GIT_COMMITTER_NAME", "Ada")
			env.Setenv("GIT_COMMITTER_EMAIL", "ada@example.com")
			env.Setenv("NO_COLOR", "1")
			return os.MkdirAll(home, 0o755)
		},
	})
}
