package forgetest

import (
	"strings"
	"testing"
)

func TestGitLabContract(t *testing.T) {
	long := strings.Repeat("x", 256)
	for _, tc := range []struct {
		method, path, query, body string
		wantErr                   string
	}{
		{"GET", "/projects/acme%2Fshop/merge_requests", "state=opened&target_branch=main&per_page=100&page=2", "", ""},
		{"GET", "/projects/42/merge_requests", "state=open", "", "not one of"},
		{"GET", "/projects/42/merge_requests", "per_page=101", "", "over the limit of 100"},
		{"GET", "/projects/42/merge_requests", "head=x", "", `unknown parameter "head"`},
		{"POST", "/projects/42/merge_requests", "", `{"source_branch":"a","target_branch":"main","title":"t","labels":"promotion,env/prod","reviewer_ids":[7]}`, ""},
		{"POST", "/projects/42/merge_requests", "", `{"source_branch":"a","target_branch":"main","title":"` + long + `"}`, "256 characters, the limit is 255"},
		{"POST", "/projects/42/merge_requests", "", `{"source_branch":"a","title":"t"}`, "target_branch is required"},
		{"POST", "/projects/42/merge_requests", "", `{"source_branch":"a","target_branch":"main","title":"t","assignee_ids":"9"}`, "not an array"},
		{"PUT", "/projects/42/merge_requests/3/merge", "", `{"auto_merge":true}`, ""},
		{"PUT", "/projects/42/merge_requests/x/merge", "", `{"auto_merge":true}`, "not a positive integer"},
		{"PUT", "/projects/acme/shop/merge_requests/3", "", `{}`, "not an endpoint"},
		{"DELETE", "/projects/42/merge_requests/3", "", "", "not an endpoint"},
		{"POST", "/projects/42/merge_requests/3/notes", "", `{"body":"hi"}`, ""},
		{"POST", "/projects/42/merge_requests/3/notes/4/award_emoji", "", `{"name":"thumbsup"}`, ""},
		{"GET", "/groups/acme%2Fops/members/all/7", "", "", ""},
		{"GET", "/projects/42/repository/commits/9f1c0a7b3e/statuses", "per_page=100&page=2", "", ""},
		{"GET", "/projects/42/repository/commits/main/statuses", "", "", "not a commit hash"},
	} {
		err := gitlabContract.Validate(tc.method, tc.path, tc.query, []byte(tc.body))
		if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("%s %s?%s %s: %v, want %q", tc.method, tc.path, tc.query, tc.body, err, tc.wantErr)
		}
	}
}

func TestGitLabContractTable(t *testing.T) {
	if _, err := LoadGitLabContract("GET\t/users\tusername\tstring\tno\n"); err == nil || !strings.Contains(err.Error(), ":1: 5 columns") {
		t.Errorf("short row: %v", err)
	}
	if _, err := LoadGitLabContract("GET\t/users\tper_page\tinteger\tno\tmany\n"); err == nil {
		t.Error("bad limit accepted")
	}
}
