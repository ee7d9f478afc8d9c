package github

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v89/github"
)

// enableAutoMerge is the GraphQL mutation that turns on auto-merge.
const enableAutoMerge = `mutation($id: ID!) {
  enablePullRequestAutoMerge(input: {pullRequestId: $id}) {
    pullRequest { number }
  }
}`

// autoMerge enables auto-merge on pr. When GitHub refuses (the repository
// does not allow it, or the request can merge already) the user is told
// and the pull request stays open. It reports whether it was enabled.
func (f *Forge) autoMerge(ctx context.Context, pr *gh.PullRequest) bool {
	err := f.graphQL(ctx, enableAutoMerge, map[string]any{"id": pr.GetNodeID()})
	if err != nil {
		f.notify("auto-merge is not enabled on pull request #%d (%v): it stays open for a manual merge", pr.GetNumber(), err)
		return false
	}
	return true
}

// graphQL runs a query and returns GitHub's errors as one error.
func (f *Forge) graphQL(ctx context.Context, query string, vars map[string]any) error {
	payload, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.GraphQL, bytes.NewReader(payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("POST %s: %w", f.GraphQL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("POST %s: %w", f.GraphQL, err)
	}
	var out struct {
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(data, &out); err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %s", f.GraphQL, resp.Status)
	}
	if len(out.Errors) > 0 {
		msgs := make([]string, len(out.Errors))
		for i, e := range out.Errors {
			msgs[i] = e.Message
		}
		return fmt.Errorf("%s", strings.Join(msgs, "; "))
	}
	return nil
}
