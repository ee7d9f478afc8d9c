package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/cli"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
)

const glToken = "glpat-ci-job-never-shown-5be1"

// glNote is a GitLab note event on merge request !1 of acme/gitops by
// alice (id 7).
func glNote(body string) []byte {
	return fmt.Appendf(nil, `{"object_kind": "note", "event_type": "note",
  "user": {"id": 7, "name": "Alice", "username": "alice"},
  "project_id": 1,
  "project": {"id": 1, "name": "gitops", "path_with_namespace": "acme/gitops", "default_branch": "main"},
  "object_attributes": {"id": 1244, "note": %q, "noteable_type": "MergeRequest", "author_id": 7, "project_id": 1, "action": "create"},
  "merge_request": {"id": 301, "iid": 1, "source_branch": "feature", "target_branch": "main",
                    "source_project_id": 1, "target_project_id": 1, "state": "opened"}}`, body)
}

// TestGitLabCIOnShallowClone runs promote as GitLab CI jobs do, each in
// a fresh clone of depth 20 (GitLab's default GIT_DEPTH) of a repository
// with a longer history: the promotion is opened, updated after staging
// moved and left alone when nothing changed, with the dotenv report
// written each time; a /promote note answers, and one that fails fails
// the job.
func TestGitLabCIOnShallowClone(t *testing.T) {
	git := forgetest.NewGitServer(t, "oauth2", glToken)
	git.CreateRepo(t, "acme/gitops", forgetest.GitOpsFiles())
	gl := forgetest.NewGitLab(t, git, "acme/gitops", glToken)
	chat := gl.EnableChatOps()
	gl.Users["alice"] = 7
	chat.SetPermission("alice", "30")
	gl.AddMergeRequest(forgetest.MergeRequest{Title: "feature", SourceBranch: "feature", TargetBranch: "main"})
	work := git.Clone(t, "acme/gitops")
	for i := range 30 {
		forgetest.WriteFiles(t, work, map[string]string{"notes.txt": strings.Repeat("note\n", i+1)})
		forgetest.Git(t, work, "add", "notes.txt")
		forgetest.Git(t, work, "commit", "-q", "-am", "notes")
	}
	forgetest.Git(t, work, "push", "-q", git.Dir("acme/gitops"), "main")

	job := func(args ...string) (int, map[string]string, string) {
		t.Helper()
		dir := git.ShallowClone(t, "acme/gitops", 20)
		dotenv := filepath.Join(t.TempDir(), "promote.env")
		vars := map[string]string{"GITLAB_CI": "true", "CI": "true", "CI_SERVER_URL": gl.URL, "CI_PROJECT_DIR": dir,
			"CI_PROJECT_PATH": "acme/gitops", "CI_DEFAULT_BRANCH": "main", "GITLAB_TOKEN": glToken, "PROMOTE_DOTENV": dotenv}
		var log bytes.Buffer
		f := &cli.Factory{Stdin: strings.NewReader(""), Stdout: &log, Stderr: &log, Getenv: func(k string) string { return vars[k] }}
		code := cli.Run(context.Background(), f, append([]string{"-C", dir}, args...))
		report := map[string]string{}
		data, _ := os.ReadFile(dotenv)
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				report[k] = v
			}
		}
		if strings.Contains(log.String()+string(data), glToken) {
			t.Errorf("the token leaked:\n%s", log.String())
		}
		return code, report, log.String()
	}
	run := func(action string) {
		t.Helper()
		code, report, log := job("run", "--to", "prod", "--base", "main")
		if code != 0 || report["PROMOTE_ACTION"] != action || report["PROMOTE_MR_IID"] != "2" || report["PROMOTE_BRANCH"] != "promote/staging-to-prod" {
			t.Fatalf("exit %d, report %v; want %s !2\n%s", code, report, action, log)
		}
	}
	run("created")
	git.Commit(t, "acme/gitops", "main", "staging: web 1.4.3", forgetest.Staging("1.4.3", "2.0.1"))
	run("updated")
	run("unchanged")
	if mrs := gl.Opened(); len(mrs) != 2 || !strings.Contains(mrs[1].Title, "web 1.4.3") {
		t.Fatalf("merge requests %+v", mrs)
	}

	event := filepath.Join(t.TempDir(), "note.json")
	chatJob := func(body string) (int, string) {
		t.Helper()
		if err := os.WriteFile(event, glNote(body), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, log := job("chatops", "--event", event, "--event-name", "Note Hook")
		return code, log
	}
	if code, log := chatJob("/promote prod"); code != 0 || len(gl.Opened()) != 2 {
		t.Fatalf("/promote prod with the request open: exit %d\n%s", code, log)
	}
	if code, log := chatJob("/promote prod --from nowhere"); code == 0 || !strings.Contains(log, "failed") {
		t.Errorf("a failing note command: exit %d\n%s", code, log)
	}
	if notes := gl.MergeRequests()[0].Notes; len(notes) != 2 || !strings.Contains(notes[1], "failed") {
		t.Errorf("notes %q", notes)
	}
}
