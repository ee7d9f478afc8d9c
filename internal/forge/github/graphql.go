package github

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
// what happens next. It reports whether it was enabled.
func (f *Forge) autoMerge(ctx context.Context, pr *gh.PullRequest) bool {
	var out struct {
		EnablePullRequestAutoMerge *struct {
			PullRequest *struct {
				Number int `json:"number"`
			} `json:"pullRequest"`
		} `json:"enablePullRequestAutoMerge"`
	}
	err := f.graphQL(ctx, enableAutoMerge, map[string]any{"id": pr.GetNodeID()}, &out)
	if err == nil && (out.EnablePullRequestAutoMerge == nil || out.EnablePullRequestAutoMerge.PullRequest == nil ||
		out.EnablePullRequestAutoMerge.PullRequest.Number != pr.GetNumber()) {
		err = errors.New("GitHub answered without the pull request")
	}
	if err != nil {
		f.Notef("auto-merge is not enabled on pull request #%d (%v): it stays open for a manual merge; promote asks for auto-merge again the next time it pushes a change to %s", pr.GetNumber(), err, pr.GetHead().GetRef())
		return false
	}
	return true
}

// graphQL runs a query, decodes its data into out and returns GitHub's
// errors as one error; an answer without data is an error too.
func (f *Forge) graphQL(ctx context.Context, query string, vars map[string]any, out any) error {
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
	var answer struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(data, &answer); err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %s", f.GraphQL, resp.Status)
	}
	if len(answer.Errors) > 0 {
		msgs := make([]string, len(answer.Errors))
		for i, e := range answer.Errors {
			msgs[i] = e.Message
		}
		return fmt.Errorf("%s", strings.Join(msgs, "; "))
	}
	if len(answer.Data) == 0 || string(answer.Data) == "null" {
		return fmt.Errorf("POST %s: an answer without data", f.GraphQL)
	}
	if err := json.Unmarshal(answer.Data, out); err != nil {
		return fmt.Errorf("POST %s: %w", f.GraphQL, err)
	}
	return nil
}
