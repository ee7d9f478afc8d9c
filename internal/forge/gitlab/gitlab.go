package gitlab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/remote"
)

// DefaultURL is gitlab.com.
const DefaultURL = "https://gitlab.com"

// draftPrefix marks a draft merge request's title.
const draftPrefix = "Draft: "

// maxListPages caps the pages of open merge requests searched for markers.
const maxListPages = 3

// NewClient returns a GitLab client for the instance at baseURL (e.g.
// https://gitlab.com or a self-managed one) sending requests with hc.
// The client's own retries are off: hc's transport retries instead.
func NewClient(baseURL, token string, hc *http.Client) (*gl.Client, error) {
	api := strings.TrimSuffix(baseURL, "/")
	if !strings.HasSuffix(api, "/api/v4") {
		api += "/api/v4"
	}
	c, err := gl.NewClient(token, gl.WithBaseURL(api), gl.WithHTTPClient(hc), gl.WithoutRetries(),
		gl.WithUserAgent("gitops-promote"), gl.WithURLWarningLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		return nil, fmt.Errorf("gitlab URL %s: %w", baseURL, err)
	}
	return c, nil
}

// Forge publishes proposals as merge requests on one GitLab project.
type Forge struct {
	// Project is the project's path, group/subgroup/project.
	Project string
	// API is the authenticated client.
	API *gl.Client
	// Remote is origin, where promotion branches are pushed.
	Remote *remote.Remote
	// Notify is told what the user should know that is not an error.
	Notify func(string)
}

// Name implements forge.Forge.
func (f *Forge) Name() string { return "gitlab" }

// FetchBase implements forge.BaseFetcher: the base branch's tip on origin.
func (f *Forge) FetchBase(ctx context.Context, base string) (string, error) {
	return f.Remote.FetchBase(ctx, base)
}

func (f *Forge) notify(format string, args ...any) {
	if f.Notify != nil {
		f.Notify(fmt.Sprintf(format, args...))
	}
}

// Propose implements forge.Forge: push the branch, then open or update
// the merge request; open requests for the same target from other
// branches are closed as superseded.
func (f *Forge) Propose(ctx context.Context, p forge.Proposal) (forge.Result, error) {
	res := forge.Result{Branch: p.Branch, Commit: p.Commit}
	pub, err := f.Remote.Publish(ctx, p)
	if err != nil {
		return res, err
	}
	res.Commit = pub.Commit
	mr, others, err := f.find(ctx, p)
	if err != nil {
		return res, leftBehind(err, p, pub, "")
	}
	if mr == nil {
		if mr, err = f.open(ctx, p); err != nil {
			return res, leftBehind(err, p, pub, "no merge request yet; ")
		}
		res.Action = forge.Created
		f.supersede(ctx, others, mr)
	} else {
		changed, err := f.update(ctx, mr, p)
		if err != nil {
			return res, fmt.Errorf("update merge request !%d: %w", mr.IID, err)
		}
		res.Action = forge.Unchanged
		if changed || pub.Pushed {
			res.Action = forge.Updated
		}
	}
	res.URL, res.Number = mr.WebURL, int(mr.IID)
	return res, nil
}

// leftBehind says what a failed run leaves on the forge: the pushed
// branch and, in state, what is known of the request.
func leftBehind(err error, p forge.Proposal, pub remote.Publication, state string) error {
	return fmt.Errorf("merge request for %s: %w (left behind: branch %s at %.12s on origin; %srun promote again to finish)", p.Branch, err, p.Branch, pub.Commit, state)
}

// find returns the open merge request from p.Branch, or else the open
// ones whose marker names the same target and app (to supersede).
func (f *Forge) find(ctx context.Context, p forge.Proposal) (*gl.BasicMergeRequest, []*gl.BasicMergeRequest, error) {
	opened := "opened"
	mrs, _, err := f.API.MergeRequests.ListProjectMergeRequests(f.Project, &gl.ListProjectMergeRequestsOptions{State: &opened, SourceBranch: &p.Branch}, gl.WithContext(ctx))
	if err != nil {
		return nil, nil, fmt.Errorf("look up the merge request for %s: %w", p.Branch, err)
	}
	if len(mrs) > 0 {
		return mrs[0], nil, nil
	}
	var others []*gl.BasicMergeRequest
	opts := &gl.ListProjectMergeRequestsOptions{State: &opened, TargetBranch: &p.Base, ListOptions: gl.ListOptions{PerPage: 100}}
	for page := int64(1); page <= maxListPages; page++ {
		opts.Page = page
		mrs, resp, err := f.API.MergeRequests.ListProjectMergeRequests(f.Project, opts, gl.WithContext(ctx))
		if err != nil {
			return nil, nil, fmt.Errorf("look up open merge requests into %s: %w", p.Base, err)
		}
		for _, mr := range mrs {
			if _, to, app, ok := forge.ParseMarker(mr.Description); ok && to == p.To && app == p.App && mr.SourceBranch != p.Branch {
				others = append(others, mr)
			}
		}
		if resp == nil || resp.NextPage == 0 {
			break
		}
	}
	return nil, others, nil
}

// open creates the merge request with its labels, assignees and
// reviewers, and asks for auto-merge as configured.
func (f *Forge) open(ctx context.Context, p forge.Proposal) (*gl.BasicMergeRequest, error) {
	title := p.Title
	if p.Request.Draft {
		title = draftPrefix + title
	}
	body := forge.RequestBody(p, forge.GitLabBodyLimit)
	labels := gl.LabelOptions(forge.Labels(p))
	remove := true
	opts := &gl.CreateMergeRequestOptions{
		Title: &title, Description: &body, SourceBranch: &p.Branch, TargetBranch: &p.Base,
		Labels: &labels, RemoveSourceBranch: &remove,
	}
	if ids := f.userIDs(ctx, "assign", p.Request.Assignees); len(ids) > 0 {
		opts.AssigneeIDs = &ids
	}
	if ids := f.userIDs(ctx, "ask for review", p.Request.Reviewers); len(ids) > 0 {
		opts.ReviewerIDs = &ids
	}
	if len(p.Request.TeamReviewers) > 0 {
		f.notify("teamReviewers is a GitHub setting: ignored on GitLab (use approval rules)")
	}
	created, _, err := f.API.MergeRequests.CreateMergeRequest(f.Project, opts, gl.WithContext(ctx))
	if status(err) == http.StatusConflict {
		return f.existing(ctx, p)
	}
	if err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	mr := &created.BasicMergeRequest
	if p.Request.AutoMerge {
		f.autoMerge(ctx, mr)
	}
	return mr, nil
}

// existing returns the open merge request for p.Branch after a create
// that found one (an earlier attempt of the same call, or another run),
// brought in line with p.
func (f *Forge) existing(ctx context.Context, p forge.Proposal) (*gl.BasicMergeRequest, error) {
	mr, _, err := f.find(ctx, p)
	if err != nil {
		return nil, err
	}
	if mr == nil {
		return nil, fmt.Errorf("GitLab says a merge request from %s exists, but none is open", p.Branch)
	}
	_, err = f.update(ctx, mr, p)
	return mr, err
}

// userIDs looks up users by name; those not found are reported and left
// out.
func (f *Forge) userIDs(ctx context.Context, what string, names []string) []int64 {
	var ids []int64
	for _, name := range names {
		users, _, err := f.API.Users.ListUsers(&gl.ListUsersOptions{Username: &name}, gl.WithContext(ctx))
		if err != nil || len(users) == 0 {
			f.notify("cannot %s %s: no such GitLab user (%v)", what, name, err)
			continue
		}
		ids = append(ids, users[0].ID)
	}
	return ids
}

// update brings an open merge request in line with p in one call: title
// (keeping a draft prefix), description, target branch and missing
// labels. It reports whether it wrote anything.
func (f *Forge) update(ctx context.Context, mr *gl.BasicMergeRequest, p forge.Proposal) (bool, error) {
	opts := &gl.UpdateMergeRequestOptions{}
	changed := false
	if current, prefix := splitDraft(mr.Title); !forge.SameText(current, p.Title) {
		title := prefix + p.Title
		opts.Title, changed = &title, true
	}
	if body := forge.RequestBody(p, forge.GitLabBodyLimit); !forge.SameText(mr.Description, body) {
		opts.Description, changed = &body, true
	}
	if mr.TargetBranch != p.Base {
		opts.TargetBranch, changed = &p.Base, true
	}
	if missing := missingLabels(mr.Labels, forge.Labels(p)); len(missing) > 0 {
		add := gl.LabelOptions(missing)
		opts.AddLabels, changed = &add, true
	}
	if changed {
		if _, _, err := f.API.MergeRequests.UpdateMergeRequest(f.Project, mr.IID, opts, gl.WithContext(ctx)); err != nil {
			return false, err
		}
	}
	if p.Request.AutoMerge && !mr.MergeWhenPipelineSucceeds {
		changed = f.autoMerge(ctx, mr) || changed
	}
	return changed, nil
}

// splitDraft splits "Draft: title" into the title and the prefix.
func splitDraft(title string) (string, string) {
	for _, p := range []string{"Draft:", "[Draft]", "(Draft)"} {
		if rest, ok := strings.CutPrefix(title, p); ok {
			return strings.TrimSpace(rest), p + " "
		}
	}
	return title, ""
}

func missingLabels(have []string, want []string) []string {
	got := map[string]bool{}
	for _, l := range have {
		got[strings.ToLower(l)] = true
	}
	var out []string
	for _, l := range want {
		if !got[strings.ToLower(l)] {
			out = append(out, l)
		}
	}
	return out
}

// autoMerge sets the merge request to merge when its pipeline succeeds.
// When GitLab refuses, the user is told and the request stays open. It
// reports whether auto-merge was set.
func (f *Forge) autoMerge(ctx context.Context, mr *gl.BasicMergeRequest) bool {
	yes := true
	_, _, err := f.API.MergeRequests.AcceptMergeRequest(f.Project, mr.IID, &gl.AcceptMergeRequestOptions{AutoMerge: &yes, MergeWhenPipelineSucceeds: &yes}, gl.WithContext(ctx))
	if err != nil {
		f.notify("auto-merge is not set on merge request !%d (%v): it stays open for a manual merge", mr.IID, err)
		return false
	}
	return true
}

// supersede closes the other open requests for the same target.
func (f *Forge) supersede(ctx context.Context, others []*gl.BasicMergeRequest, by *gl.BasicMergeRequest) {
	for _, o := range others {
		msg := fmt.Sprintf("Superseded by !%d, which promotes the same target from branch `%s`.", by.IID, by.SourceBranch)
		if err := f.close(ctx, o, msg); err != nil {
			f.notify("could not close superseded merge request !%d: %v", o.IID, err)
		}
	}
}

// close comments on a merge request and closes it.
func (f *Forge) close(ctx context.Context, mr *gl.BasicMergeRequest, comment string) error {
	if _, _, err := f.API.Notes.CreateMergeRequestNote(f.Project, mr.IID, &gl.CreateMergeRequestNoteOptions{Body: &comment}, gl.WithContext(ctx)); err != nil {
		return fmt.Errorf("comment on merge request !%d: %w", mr.IID, err)
	}
	closeEvent := "close"
	if _, _, err := f.API.MergeRequests.UpdateMergeRequest(f.Project, mr.IID, &gl.UpdateMergeRequestOptions{StateEvent: &closeEvent}, gl.WithContext(ctx)); err != nil {
		return fmt.Errorf("close merge request !%d: %w", mr.IID, err)
	}
	return nil
}

// Withdraw implements forge.Forge: the target already matches, so the
// open merge requests promoting to it are closed with a comment and the
// promotion branch is deleted.
func (f *Forge) Withdraw(ctx context.Context, p forge.Proposal) (forge.Result, error) {
	res := forge.Result{Branch: p.Branch, Action: forge.None}
	mr, others, err := f.find(ctx, p)
	if err != nil {
		return res, err
	}
	if mr != nil {
		others = append([]*gl.BasicMergeRequest{mr}, others...)
	}
	msg := fmt.Sprintf("%s already runs what %s runs, so this promotion is no longer needed. Closed by promote.", p.To, p.From)
	for _, o := range others {
		if err := f.close(ctx, o, msg); err != nil {
			return res, err
		}
		if res.Action == forge.None {
			res.Action, res.URL, res.Number = forge.Closed, o.WebURL, int(o.IID)
		}
	}
	deleted, err := f.Remote.Remove(ctx, p.Branch)
	if err != nil {
		return res, err
	}
	if deleted {
		res.Action = forge.Closed
	}
	return res, nil
}

// status is the HTTP status of a client error, 0 when there is none.
func status(err error) int {
	var er *gl.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}
