package gitea

import (
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/forge"
)

func TestParseEvent(t *testing.T) {
	const repo = `"repository":{"full_name":"acme/gitops","default_branch":"main","clone_url":"https://git.example/gitea/acme/gitops.git"}`
	ev, err := ParseEvent("issue_comment", []byte(`{"action":"created","issue":{"number":4},"comment":{"id":9,"body":"/promote prod","user":{"login":"gitea-actions"}},`+repo+`}`))
	if err != nil || ev.Comment == nil || ev.Comment.Thread != (forge.Thread{Kind: forge.ThreadIssue, Number: 4}) || ev.Comment.ID != 9 ||
		!ev.Comment.Created || !ev.Comment.Author.Bot || ev.Repository.Forge != "gitea" || ev.Repository.CloneURL != "https://git.example/gitea/acme/gitops.git" {
		t.Fatalf("comment: %+v %+v", ev, err)
	}
	ev, err = ParseEvent("issue_comment", []byte(`{"action":"edited","issue":{"number":4},"comment":{"id":9,"body":"/promote prod","user":{"login":"alice"}},`+repo+`}`))
	if err != nil || ev.Comment.Created || ev.Comment.Author.Bot {
		t.Errorf("edited: %+v %v", ev.Comment, err)
	}
	ev, err = ParseEvent("pull_request", []byte(`{"action":"closed","number":5,"pull_request":{"number":5,"merged":true,"body":"b","base":{"ref":"main"},"head":{"ref":"promote/staging-to-prod","repo":{"full_name":"acme/gitops"}}},`+repo+`}`))
	if err != nil || ev.Merged == nil || !ev.Merged.Merged || ev.Merged.Head != "promote/staging-to-prod" || ev.Merged.Body != "b" {
		t.Errorf("merged: %+v %v", ev.Merged, err)
	}
	ev, err = ParseEvent("pull_request", []byte(`{"action":"closed","pull_request":{"number":6,"merged":true,"body":"b","base":{"ref":"main"},"head":{"ref":"promote/staging-to-prod","repo":{"full_name":"mallory/gitops"}}},`+repo+`}`))
	if err != nil || ev.Merged.Head != "" || ev.Merged.Body != "" {
		t.Errorf("from a fork: %+v %v", ev.Merged, err)
	}
	if ev, err := ParseEvent("push", []byte(`not json`)); err != nil || ev.Comment != nil || ev.Merged != nil {
		t.Errorf("other event: %+v %v", ev, err)
	}
	for _, bad := range []struct{ payload, want string }{
		{`{"action":"created"}`, "expected repository.full_name and repository.default_branch"},
		{`{"action":"created","comment":{"id":1},` + repo + `}`, "expected issue.number and comment.id"},
		{`[1]`, "read issue_comment event"},
	} {
		if _, err := ParseEvent("issue_comment", []byte(bad.payload)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: %v, want %q", bad.payload, err, bad.want)
		}
	}
}
