package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/actions/runnertest"
	"github.com/gitops-promote/promote/internal/cli"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
)

// actionFile is the repository's action.yml (absolute: steps change
// the working directory).
var actionFile, _ = filepath.Abs("../../action.yml")

// step is one run of the Docker action as the runner makes it.
type step struct {
	code    int
	outputs map[string]string
	log     string
}

// runStep runs `promote action` in a fresh depth-1 checkout of the
// repository's default branch (as actions/checkout makes), with the
// INPUT_* variables the runner derives from action.yml and with, the
// GITHUB_* variables of a run of event (payload written to a file when
// not empty), and reads GITHUB_OUTPUT back with the runner's rules.
func (e *forgeEnv) runStep(t *testing.T, with map[string]string, eventName string, payload []byte) step {
	t.Helper()
	yml, err := os.ReadFile(actionFile)
	if err != nil {
		t.Fatal(err)
	}
	vars, err := runnertest.InputEnv(yml, with, ghToken)
	if err != nil {
		t.Fatal(err)
	}
	dir := e.git.ShallowClone(t, exRepo, 1)
	tmp := t.TempDir()
	event := filepath.Join(tmp, "event.json")
	if err := os.WriteFile(event, append(payload, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_REPOSITORY": exRepo, "GITHUB_API_URL": e.gh.URL,
		"GITHUB_SERVER_URL": "https://github.example", "GITHUB_WORKSPACE": dir, "GITHUB_EVENT_NAME": eventName,
		"GITHUB_EVENT_PATH": event, "GITHUB_OUTPUT": filepath.Join(tmp, "output"), "GITHUB_STEP_SUMMARY": filepath.Join(tmp, "summary"),
	} {
		vars[k] = v
	}
	t.Chdir(dir)
	var log bytes.Buffer
	f := &cli.Factory{Stdin: strings.NewReader(""), Stdout: &log, Stderr: &log, Getenv: func(k string) string { return vars[k] }}
	code := cli.Run(context.Background(), f, []string{"action"})
	data, err := os.ReadFile(vars["GITHUB_OUTPUT"])
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	outputs, err := runnertest.ParseOutputFile(string(data))
	if err != nil {
		t.Fatalf("the runner cannot read GITHUB_OUTPUT: %v\n%s", err, data)
	}
	checkMasked(t, log.String())
	return step{code: code, outputs: outputs, log: log.String()}
}

// checkMasked: the token shows only in the first line, which masks it.
func checkMasked(t *testing.T, log string) {
	t.Helper()
	first, rest, _ := strings.Cut(log, "\n")
	if first != "::add-mask::"+ghToken || strings.Contains(rest, ghToken) {
		t.Errorf("the token is not masked before anything else is written:\n%s", log)
	}
}

// commandNames lists the workflow commands the runner reads in log.
func commandNames(log string) string {
	var names []string
	for _, c := range runnertest.Commands(log) {
		names = append(names, c.Name)
	}
	return strings.Join(names, ",")
}

// TestActionOnShallowCheckout runs the action as a workflow would, each
// step in a fresh depth-1 checkout: a run opens the promotion, a run
// after staging moved updates the same pull request, a run with nothing
// new leaves it, /promote prod answers with the request open, a chat
// command that fails fails the step with an annotation, and inputs
// holding newlines emit no workflow command.
func TestActionOnShallowCheckout(t *testing.T) {
	e := newForgeEnv(t)
	e.chat.SetPermission("Codertocat", "write")
	e.git.Commit(t, exRepo, exBranch, "docs", map[string]string{"README.md": "the GitOps repository\n"})
	push := []byte(`{"ref": "refs/heads/master"}`)
	want := func(s step, action, number string) {
		t.Helper()
		if s.code != 0 || s.outputs["action"] != action || s.outputs["pr-number"] != number || s.outputs["branch"] != "promote/staging-to-prod" {
			t.Fatalf("exit %d, outputs %v; want %s #%s\n%s", s.code, s.outputs, action, number, s.log)
		}
		if names := commandNames(s.log); names != "add-mask" {
			t.Errorf("workflow commands %s, want only add-mask\n%s", names, s.log)
		}
	}

	want(e.runStep(t, map[string]string{"to": "prod"}, "push", push), "created", "2")
	e.git.Commit(t, exRepo, exBranch, "staging: web 1.4.3", forgetest.Staging("1.4.3", "2.0.1"))
	s := e.runStep(t, map[string]string{"to": "prod"}, "push", push)
	want(s, "updated", "2")
	if s.outputs["changed"] != "true" || !strings.Contains(s.outputs["plan-json"], "1.4.3") || len(s.outputs["commit"]) != 40 {
		t.Errorf("outputs %v", s.outputs)
	}
	want(e.runStep(t, map[string]string{"to": "prod", "dry-run": "False"}, "push", push), "unchanged", "2")
	if p := e.promotions(); len(p) != 1 || p[0].State != "open" || !strings.Contains(p[0].Title, "web 1.4.3") {
		t.Fatalf("promotions %+v", p)
	}

	s = e.runStep(t, map[string]string{"command": "chatops"}, "issue_comment", e.commentEvent(t, "/promote prod"))
	if s.code != 0 || len(e.replies()) != 1 || len(e.promotions()) != 1 || commandNames(s.log) != "add-mask" {
		t.Fatalf("/promote prod with the request open: exit %d, replies %q\n%s", s.code, e.replies(), s.log)
	}

	s = e.runStep(t, map[string]string{"command": "chatops"}, "issue_comment", e.commentEvent(t, "/promote\r::warning::injected"))
	if s.code != 0 || commandNames(s.log) != "add-mask" {
		t.Errorf("a malformed command is answered and the step stays green: exit %d, commands %s\n%s", s.code, commandNames(s.log), s.log)
	}

	s = e.runStep(t, map[string]string{"command": "chatops"}, "issue_comment", e.commentEvent(t, "/promote prod --from nowhere"))
	if s.code == 0 || commandNames(s.log) != "add-mask,error" || !strings.Contains(s.log, "failed") {
		t.Errorf("a failing chat command: exit %d, commands %s\n%s", s.code, commandNames(s.log), s.log)
	}
	if r := e.replies(); len(r) != 3 || !strings.Contains(r[2], "failed") {
		t.Errorf("the failure was not replied: %q", r)
	}

	before := e.git.Branch(t, exRepo, exBranch)
	s = e.runStep(t, map[string]string{"command": "set-image", "env": "staging", "images": "web=ghcr.io/acme/web:1.5.0", "direct": "True"}, "push", push)
	after := e.git.Branch(t, exRepo, exBranch)
	if s.code != 0 || s.outputs["branch"] != exBranch || s.outputs["commit"] != after || after == before {
		t.Fatalf("set-image direct from a depth-1 checkout: exit %d, outputs %v, master %s → %s\n%s", s.code, s.outputs, before, after, s.log)
	}
	if parent := forgetest.Git(t, e.git.Dir(exRepo), "rev-parse", after+"^"); parent != before {
		t.Errorf("the direct commit's parent is %s, want the previous tip %s", parent, before)
	}
	if out := forgetest.Git(t, e.git.Dir(exRepo), "fsck", "--connectivity-only", "--no-dangling"); strings.Contains(out, "missing") || strings.Contains(out, "broken") {
		t.Errorf("pushes from shallow checkouts left the server's repository incomplete:\n%s", out)
	}

	for _, with := range []map[string]string{
		{"to": "prod\n::warning::injected"},
		{"to": "prod", "reason": "why\r::warning::injected", "force": "TRUE"},
		{"to": "prod", "dry-run": "yes\n::warning::injected"},
		{"to": "prod", "apps": "web\n::warning::injected"},
	} {
		s = e.runStep(t, with, "push", push)
		if s.code == 0 || commandNames(s.log) != "add-mask,error" {
			t.Errorf("with %q: exit %d, commands %s\n%s", with, s.code, commandNames(s.log), s.log)
		}
	}
}

// TestActionRollbackDeepensShallowCheckout: /rollback prod in a depth-1
// checkout fetches as much of the history as it needs (not all of it)
// and proposes prod as it was before its last change.
func TestActionRollbackDeepensShallowCheckout(t *testing.T) {
	e := newForgeEnv(t)
	e.chat.SetPermission("Codertocat", "admin")
	work := e.git.Clone(t, exRepo)
	notes := func(n int) {
		for i := range n {
			forgetest.WriteFiles(t, work, map[string]string{"notes.txt": strings.Repeat("n\n", i+1)})
			forgetest.Git(t, work, "add", "notes.txt")
			forgetest.Git(t, work, "commit", "-q", "-m", "notes")
		}
	}
	notes(100)
	forgetest.WriteFiles(t, work, forgetest.Prod("1.4.2", "2.0.0"))
	forgetest.Git(t, work, "commit", "-q", "-am", "promote(prod): web 1.4.2")
	notes(60)
	forgetest.Git(t, work, "push", "-q", e.git.Dir(exRepo), exBranch)
	all, _ := strconv.Atoi(forgetest.Git(t, work, "rev-list", "--count", "HEAD"))

	s := e.runStep(t, map[string]string{"command": "chatops"}, "issue_comment", e.commentEvent(t, "/rollback prod"))
	if s.code != 0 || commandNames(s.log) != "add-mask" {
		t.Fatalf("/rollback prod: exit %d\n%s", s.code, s.log)
	}
	prs := e.promotions()
	if len(prs) != 1 || prs[0].Head != "promote/rollback-prod" || prs[0].Title != "rollback(prod): web 1.4.2 → 1.4.1" {
		t.Fatalf("requests: %+v\n%s", prs, s.log)
	}
	dir, _ := os.Getwd() // the step's checkout
	n, _ := strconv.Atoi(forgetest.Git(t, dir, "rev-list", "--count", "HEAD"))
	if n < 62 || n >= all {
		t.Errorf("the checkout holds %d commits of master's %d after the rollback: want deepened as far as needed (62), not all", n, all)
	}
}
