package actions

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/gitops-promote/promote/internal/actions/runnertest"
)

// parseOutputs reads a GITHUB_OUTPUT file the way the runner does.
func parseOutputs(t *testing.T, data string) map[string]string {
	t.Helper()
	out, err := runnertest.ParseOutputFile(data)
	if err != nil {
		t.Fatalf("the runner cannot read the outputs: %v\n%s", err, data)
	}
	return out
}

func newRunner(t *testing.T) (*GitHub, *bytes.Buffer) {
	dir := t.TempDir()
	var cmds bytes.Buffer
	env := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": filepath.Join(dir, "out"), "GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary"),
		"GITHUB_REPOSITORY": "acme/gitops", "GITHUB_EVENT_NAME": "issue_comment", "GITHUB_EVENT_PATH": "/github/workflow/event.json",
	}
	g := DetectGitHub(func(k string) string { return env[k] }, &cmds)
	if g == nil || g.Repository != "acme/gitops" || g.EventName != "issue_comment" {
		t.Fatalf("DetectGitHub: %+v", g)
	}
	return g, &cmds
}

func TestOutputsAreMultiLineSafe(t *testing.T) {
	g, _ := newRunner(t)
	tricky := "{\n  \"changes\": []\n}\nEOF\nghadelimiter_\nname<<x\r\nwith=equals\r\n\n"
	if err := g.SetOutputs(Output{"plan-json", tricky}, Output{"pr-url", "https://github.com/acme/gitops/pull/7"}, Output{"changed", "true"}); err != nil {
		t.Fatal(err)
	}
	if err := g.SetOutputs(Output{"empty", ""}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(g.OutputFile)
	got := parseOutputs(t, string(data))
	want := map[string]string{"plan-json": tricky, "pr-url": "https://github.com/acme/gitops/pull/7", "changed": "true", "empty": ""}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("output %s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("outputs %v", got)
	}
}

func TestSummaryAppends(t *testing.T) {
	g, _ := newRunner(t)
	_ = g.Summary("## promote(prod): web 1.4.2\n\n| image | old | new |\n")
	_ = g.Summary("second")
	data, _ := os.ReadFile(g.SummaryFile)
	if string(data) != "## promote(prod): web 1.4.2\n\n| image | old | new |\nsecond\n" {
		t.Errorf("summary:\n%s", data)
	}
}

func TestAnnotationsAndMasks(t *testing.T) {
	g, cmds := newRunner(t)
	g.Error("promote.yaml", 7, "environment \"prod\": from: \"stagin\" names no environment\n(have dev, staging)\n100%")
	g.Error("", 0, "no file")
	g.Error("dir,with:odd.yaml", 0, "x")
	g.Mask("ghs_abc\nsecond line")
	want := "::error file=promote.yaml,line=7,title=promote::environment \"prod\": from: \"stagin\" names no environment%0A(have dev, staging)%0A100%25\n" +
		"::error title=promote::no file\n" +
		"::error file=dir%2Cwith%3Aodd.yaml,title=promote::x\n" +
		"::add-mask::ghs_abc\n::add-mask::second line\n"
	if cmds.String() != want {
		t.Errorf("commands:\n%s\nwant:\n%s", cmds.String(), want)
	}
}

func TestOutsideActions(t *testing.T) {
	if g := DetectGitHub(func(string) string { return "" }, nil); g != nil {
		t.Errorf("detected Actions outside them: %+v", g)
	}
	if g := DetectGitLab(func(string) string { return "" }); g != nil {
		t.Errorf("detected GitLab CI outside it: %+v", g)
	}
}

func TestGitLabDotenv(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"GITLAB_CI": "true", "CI_PROJECT_DIR": dir}
	g := DetectGitLab(func(k string) string { return env[k] })
	if g == nil || g.Dotenv != filepath.Join(dir, "promote.env") {
		t.Fatalf("%+v", g)
	}
	if err := g.WriteDotenv(Output{"PROMOTE_MR_URL", "https://gitlab.example/acme/gitops/-/merge_requests/4"}, Output{"PROMOTE_TITLE", "a\nb"}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(g.Dotenv)
	if string(data) != "PROMOTE_MR_URL=https://gitlab.example/acme/gitops/-/merge_requests/4\nPROMOTE_TITLE=a b\n" {
		t.Errorf("dotenv:\n%s", data)
	}
}
