package forgetest

import (
	"net/http"
	"strings"
	"testing"
)

// TestOpenAPIRejectsWhatGitHubDoesNotAllow checks the checker: requests
// the adapters send pass, and requests GitHub's description does not
// allow fail. In CI (CI=true) a missing description fails the test.
func TestOpenAPIRejectsWhatGitHubDoesNotAllow(t *testing.T) {
	v := GitHubOpenAPI(t)
	if v == nil {
		t.Skip("GitHub's OpenAPI description is not installed")
	}
	cases := []struct {
		method, uri, body string
		ok                bool
	}{
		{"GET", "/repos/acme/gitops/pulls?state=open&head=acme%3Apromote%2Fx", "", true},
		{"POST", "/repos/acme/gitops/pulls", `{"title":"t","head":"promote/x","base":"main","body":"b","draft":false}`, true},
		{"PATCH", "/repos/acme/gitops/pulls/3", `{"title":"t","base":"main"}`, true},
		{"PATCH", "/repos/acme/gitops/issues/3", `{"labels":["promotion","env/prod"],"assignees":["hubot"]}`, true},
		{"POST", "/repos/acme/gitops/issues/3/labels", `{"labels":["promotion"]}`, true},
		{"POST", "/repos/acme/gitops/pulls", `{"title":"t","head":"promote/x","base":"main","draft":"no"}`, false},
		{"POST", "/repos/acme/gitops/pulls", `{"title":"t","head":"promote/x","base":"main","labels":["x"]}`, false},
		{"PATCH", "/repos/acme/gitops/pulls/3", `{"base":{"ref":"main"}}`, false},
		{"GET", "/repos/acme/gitops/pulls?state=opened", "", false},
		{"GET", "/repos/acme/gitops/pulls?source_branch=x", "", false},
		{"PUT", "/repos/acme/gitops/pulls/3", `{}`, false},
		{"POST", "/repos/acme/gitops/merge_requests", `{}`, false},
	}
	for _, c := range cases {
		r, _ := http.NewRequest(c.method, "http://127.0.0.1"+c.uri, strings.NewReader(c.body))
		r.Header.Set("Content-Type", "application/json")
		err := v.Validate(r, []byte(c.body))
		if (err == nil) != c.ok {
			t.Errorf("%s %s %s: error %v, want ok=%v", c.method, c.uri, c.body, err, c.ok)
		}
	}
}
