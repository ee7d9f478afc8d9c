package promote

import (
	"slices"
	"strings"
)

// RequestSettings configure the pull (GitHub) or merge (GitLab) requests
// that promote into an environment.
type RequestSettings struct {
	// Reviewers are users asked to review a new request.
	Reviewers []string `yaml:"reviewers,omitempty" json:"reviewers,omitempty"`
	// TeamReviewers are teams (slugs, GitHub only) asked to review.
	TeamReviewers []string `yaml:"teamReviewers,omitempty" json:"teamReviewers,omitempty"`
	// Assignees are users assigned to a new request.
	Assignees []string `yaml:"assignees,omitempty" json:"assignees,omitempty"`
	// Labels are added besides promotion and env/<target>.
	Labels []string `yaml:"labels,omitempty" json:"labels,omitempty"`
	// Draft opens new requests as drafts.
	Draft bool `yaml:"draft,omitempty" json:"draft,omitempty"`
	// AutoMerge merges the request once its checks pass (GitHub
	// auto-merge, GitLab merge when the pipeline succeeds).
	AutoMerge bool `yaml:"autoMerge,omitempty" json:"autoMerge,omitempty"`
}

// validatePullRequest checks the names in environments[].pullRequest:
// user and team names without spaces, labels not empty, no duplicates.
func (c *Config) validatePullRequest(e *Environment) error {
	pr := e.PullRequest
	if pr == nil {
		return nil
	}
	lists := []struct {
		key    string
		values []string
		spaces bool
	}{
		{"reviewers", pr.Reviewers, false}, {"teamReviewers", pr.TeamReviewers, false},
		{"assignees", pr.Assignees, false}, {"labels", pr.Labels, true},
	}
	for _, l := range lists {
		for i, v := range l.values {
			switch {
			case strings.TrimSpace(v) == "":
				return c.errorf(e.line, "environment %q: pullRequest: %s: entry %d is empty: expected a name", e.Name, l.key, i+1)
			case !l.spaces && strings.ContainsAny(v, " \t,"):
				return c.errorf(e.line, "environment %q: pullRequest: %s: %q: expected a user or team name without spaces or commas", e.Name, l.key, v)
			case l.spaces && strings.Contains(v, ","):
				return c.errorf(e.line, "environment %q: pullRequest: labels: %q: a label cannot contain a comma (GitLab separates labels with commas)", e.Name, v)
			case slices.Contains(l.values[:i], v):
				return c.errorf(e.line, "environment %q: pullRequest: %s: %q is listed twice", e.Name, l.key, v)
			}
		}
	}
	return nil
}
