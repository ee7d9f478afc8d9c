package gitlab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

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
// Build it with New.
type Forge struct {
	// Hosted pushes to Remote, proposes through the shared flows and
	// tells the user what is not an error.
	forge.Hosted[*gl.BasicMergeRequest]
	// Project is the project's path, group/subgroup/project.
	Project string
	// API is the authenticated client.
	API *gl.Client
	// Remote is origin, where promotion branches are pushed.
	Remote *remote.Remote
	// PipelineWait caps the wait for a new merge request's pipeline
	// before auto-merge is set (DefaultPipelineWait when zero).
	PipelineWait time.Duration
	// Sleep pauses between looks for the pipeline; nil sleeps.
	Sleep func(context.Context, time.Duration) error
}

// New returns the adapter f describes, wired to the shared flows over
// f.Remote; notify is told what the user should know that is not an
// error.
func New(f Forge, notify func(string)) *Forge {
	f.Hosted = forge.NewHosted(forge.MergeRequest, f.Remote, forge.Requests[*gl.BasicMergeRequest](mergeRequests{&f}), notify)
	return &f
}

// Name implements forge.Forge.
func (f *Forge) Name() string { return "gitlab" }

var _ forge.Adapter = (*Forge)(nil)

// mergeRequests is the Forge's side of the shared flows: forge.Requests
// over merge requests.
type mergeRequests struct{ *Forge }

// Describe implements forge.Requests.
func (mergeRequests) Describe(mr *gl.BasicMergeRequest) forge.RequestInfo {
	return forge.RequestInfo{URL: mr.WebURL, Number: int(mr.IID), Branch: mr.SourceBranch, Rollback: forge.IsRollback(mr.Description, mr.SourceBranch)}
}

// ClosedAt implements forge.Requests.
func (f mergeRequests) ClosedAt(ctx context.Context, p forge.Proposal, commit string) (bool, error) {
	closed := "closed"
	mrs, _, err := f.API.MergeRequests.ListProjectMergeRequests(f.Project, &gl.ListProjectMergeRequestsOptions{State: &closed, SourceBranch: &p.Branch, ListOptions: gl.ListOptions{PerPage: 100}}, gl.WithContext(ctx))
	if err != nil {
		return false, fmt.Errorf("look up closed merge requests for %s: %w", p.Branch, err)
	}
	for _, mr := range mrs {
		if mr.SHA == commit {
			return true, nil
		}
	}
	return false, nil
}

// Find implements forge.Requests: it lists the open merge requests into
// p.Base once and picks, locally, the one from p.Branch and the others
// whose marker names the same target and app (to supersede). A project
// GitLab does not know fails here, before anything is pushed, naming the
// URL tried.
func (f mergeRequests) Find(ctx context.Context, p forge.Proposal) (*gl.BasicMergeRequest, []*gl.BasicMergeRequest, error) {
	var mine *gl.BasicMergeRequest
	var others []*gl.BasicMergeRequest
	opened := "opened"
	opts := &gl.ListProjectMergeRequestsOptions{State: &opened, TargetBranch: &p.Base, ListOptions: gl.ListOptions{PerPage: 100}}
	for page := int64(1); page <= maxListPages; page++ {
		opts.Page = page
		mrs, resp, err := f.API.MergeRequests.ListProjectMergeRequests(f.Project, opts, gl.WithContext(ctx))
		if err != nil {
			return nil, nil, f.projectError(fmt.Sprintf("look up open merge requests into %s", p.Base), err)
		}
		for _, mr := range mrs {
			switch {
			case mr.SourceBranch == p.Branch && (mr.SourceProjectID == 0 || mr.SourceProjectID == mr.TargetProjectID):
				if mine == nil {
					mine = mr
				}
			case forge.SameTarget(mr.Description, mr.SourceBranch, p):
				others = append(others, mr)
			}
		}
		if resp == nil || resp.NextPage == 0 {
			break
		}
	}
	if mine != nil {
		others = nil
	}
	return mine, others, nil
}

// projectError explains a 404 on the project: the path or the instance
// is wrong, and which URL was tried.
func (f *Forge) projectError(what string, err error) error {
	if !notFound(err) {
		return fmt.Errorf("%s: %w", what, err)
	}
	tried := strings.TrimSuffix(f.API.BaseURL().String(), "/") + "/projects/" + url.PathEscape(f.Project)
	return fmt.Errorf("%s: GitLab has no project %q at %s (404 Not Found): the project path comes from --repo, CI_PROJECT_PATH, or the origin remote with the instance's path removed; an instance served under a path needs --gitlab-url or GITLAB_URL (e.g. https://host/gitlab)", what, f.Project, tried)
}

// Fit implements forge.Requests: titles are cut to GitLab's 255
// characters, the "Draft: " prefix of a draft included.
func (mergeRequests) Fit(p forge.Proposal) (forge.Proposal, error) {
	limit := forge.GitLabTitleLimit
	if p.Request.Draft {
		limit -= len(draftPrefix)
	}
	t, err := forge.FitTitle(p.Title, limit)
	p.Title = t
	return p, err
}

// Open implements forge.Requests: it creates the merge request with its
// labels, assignees and reviewers, and asks for auto-merge as configured.
func (f mergeRequests) Open(ctx context.Context, p forge.Proposal) (*gl.BasicMergeRequest, error) {
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
		f.Notef("teamReviewers is a GitHub setting: ignored on GitLab (use approval rules)")
	}
	created, _, err := f.API.MergeRequests.CreateMergeRequest(f.Project, opts, gl.WithContext(ctx))
	if status(err) == http.StatusConflict {
		return f.existing(ctx, p)
	}
	if st := status(err); st == http.StatusBadRequest || st == http.StatusUnprocessableEntity {
		return nil, fmt.Errorf("create: %w: %w", forge.ErrRejected, err)
	}
	if err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	mr := &created.BasicMergeRequest
	if p.Request.AutoMerge {
		f.autoMerge(ctx, mr, p.Commit)
	}
	return mr, nil
}

// existing returns the open merge request for p.Branch after a create
// that found one (an earlier attempt of the same call, or another run),
// brought in line with p.
func (f mergeRequests) existing(ctx context.Context, p forge.Proposal) (*gl.BasicMergeRequest, error) {
	mr, _, err := f.Find(ctx, p)
	if err != nil {
		return nil, err
	}
	if mr == nil {
		return nil, fmt.Errorf("GitLab says a merge request from %s exists, but none is open", p.Branch)
	}
	_, err = f.Update(ctx, mr, p, true)
	return mr, err
}

// userIDs looks up users by name; those not found are reported and left
// out.
func (f *Forge) userIDs(ctx context.Context, what string, names []string) []int64 {
	var ids []int64
	for _, name := range names {
		users, _, err := f.API.Users.ListUsers(&gl.ListUsersOptions{Username: &name}, gl.WithContext(ctx))
		if err != nil || len(users) == 0 {
			f.Notef("cannot %s %s: no such GitLab user (%v)", what, name, err)
			continue
		}
		ids = append(ids, users[0].ID)
	}
	return ids
}

// Update implements forge.Requests: it brings an open merge request in
// line with p in one call: title (keeping a draft prefix), description,
// target branch and missing labels. A push cancels auto-merge on GitLab,
// so after one it is set again once the new pipeline exists; without a
// push it is set only while the list answer shows a running pipeline. It
// reports whether it wrote anything.
func (f mergeRequests) Update(ctx context.Context, mr *gl.BasicMergeRequest, p forge.Proposal, pushed bool) (bool, error) {
	opts := &gl.UpdateMergeRequestOptions{}
	changed := false
	current, prefix := splitDraft(mr.Title)
	want, err := forge.FitTitle(p.Title, forge.GitLabTitleLimit-len(prefix))
	if err != nil {
		return false, err
	}
	if !forge.SameText(current, want) {
		title := prefix + want
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
	switch {
	case !p.Request.AutoMerge:
	case pushed:
		changed = f.autoMerge(ctx, mr, p.Commit) || changed
	case !mr.MergeWhenPipelineSucceeds && mr.DetailedMergeStatus == "ci_still_running":
		changed = f.setAutoMerge(ctx, mr, "its pipeline") || changed
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

// Close implements forge.Requests: it comments on a merge request and
// closes it.
func (f mergeRequests) Close(ctx context.Context, mr *gl.BasicMergeRequest, comment string) error {
	if _, _, err := f.API.Notes.CreateMergeRequestNote(f.Project, mr.IID, &gl.CreateMergeRequestNoteOptions{Body: &comment}, gl.WithContext(ctx)); err != nil {
		return fmt.Errorf("comment on merge request !%d: %w", mr.IID, err)
	}
	closeEvent := "close"
	if _, _, err := f.API.MergeRequests.UpdateMergeRequest(f.Project, mr.IID, &gl.UpdateMergeRequestOptions{StateEvent: &closeEvent}, gl.WithContext(ctx)); err != nil {
		return fmt.Errorf("close merge request !%d: %w", mr.IID, err)
	}
	return nil
}

// status is the HTTP status of a client error, 0 when there is none.
func status(err error) int {
	var er *gl.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}
