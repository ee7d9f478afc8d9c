package promote

import (
	"strings"
	"testing"
)

func TestPullRequestSettings(t *testing.T) {
	cfg, err := ParseConfig("promote.yaml", []byte(`environments:
  - {name: staging, path: s}
  - name: prod
    path: p
    from: staging
    pullRequest: {reviewers: [octocat], teamReviewers: [sre], assignees: [hubot], labels: [needs change ticket], draft: true, autoMerge: true}
`))
	if err != nil {
		t.Fatal(err)
	}
	prod, _ := cfg.Env("prod")
	pr := prod.PullRequest
	if pr == nil || pr.Reviewers[0] != "octocat" || pr.TeamReviewers[0] != "sre" || pr.Assignees[0] != "hubot" ||
		pr.Labels[0] != "needs change ticket" || !pr.Draft || !pr.AutoMerge {
		t.Errorf("pullRequest = %+v", pr)
	}
	bad := []struct{ yaml, want string }{
		{"{reviewers: [\"octo cat\"]}", `promote.yaml:3: environment "prod": pullRequest: reviewers: "octo cat": expected a user or team name without spaces or commas`},
		{"{labels: [\"\"]}", `promote.yaml:3: environment "prod": pullRequest: labels: entry 1 is empty`},
		{"{labels: [\"a,b\"]}", `pullRequest: labels: "a,b": a label cannot contain a comma`},
		{"{assignees: [hubot, hubot]}", `pullRequest: assignees: "hubot" is listed twice`},
		{"{reviewer: [octocat]}", `field reviewer not found`},
	}
	for _, b := range bad {
		_, err := ParseConfig("promote.yaml", []byte("environments:\n  - {name: staging, path: s}\n  - {name: prod, path: p, from: staging, pullRequest: "+b.yaml+"}\n"))
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: err = %v, want %q", b.yaml, err, b.want)
		}
	}
}
