package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v89/github"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/remote"
)

// Forge publishes proposals as pull requests on one GitHub repository.
// Build it with New.
type Forge struct {
	// Hosted pushes to Remote, proposes through the shared flows and
	// tells the user what is not an error.
	forge.Hosted[*gh.PullRequest]
	// Owner and Repo name the repository.
	Owner, Repo string
	// API is the REST client, authenticated.
	API *gh.Client
	// GraphQL is the GraphQL endpoint and HTTP the authenticated client
	// that reaches it (for auto-merge).
	GraphQL string
	HTTP    *http.Client
	// Remote is origin, where promotion branches are pushed.
	Remote *remote.Remote
}

// New returns the adapter f describes, wired to the shared flows over
// f.Remote; notify is told what the user should know that is not an
// error (auto-merge not allowed, a reviewer that could not be asked).
func New(f Forge, notify func(string)) *Forge {
	f.Hosted = forge.NewHosted(forge.PullRequest, f.Remote, forge.Requests[*gh.PullRequest](pulls{&f}), notify)
	return &f
}

// maxListPages caps the pages of open pull requests searched for markers.
const maxListPages = 3

// Name implements forge.Forge.
func (f *Forge) Name() string { return "github" }

var _ forge.Adapter = (*Forge)(nil)

// pulls is the Forge's side of the shared flows: forge.Requests over
// pull requests.
type pulls struct{ *Forge }

// Describe implements forge.Requests.
func (pulls) Describe(pr *gh.PullRequest) forge.RequestInfo {
	return forge.RequestInfo{URL: pr.GetHTMLURL(), Number: pr.GetNumber(), Branch: pr.GetHead().GetRef(), Rollback: forge.IsRollback(pr.GetBody(), pr.GetHead().GetRef())}
}

// Find implements forge.Requests: it lists the open pull requests into
// p.Base once and picks, locally, the one whose head is p.Branch on this
// repository and the others whose marker names the same target and app
// (to supersede).
func (f pulls) Find(ctx context.Context, p forge.Proposal) (*gh.PullRequest, []*gh.PullRequest, error) {
	var mine *gh.PullRequest
	var others []*gh.PullRequest
	opts := &gh.PullRequestListOptions{State: "open", Base: p.Base, ListOptions: gh.ListOptions{PerPage: 100}}
	for page := 1; page <= maxListPages; page++ {
		opts.Page = page
		prs, resp, err := f.API.PullRequests.List(ctx, f.Owner, f.Repo, opts)
		if err != nil {
			return nil, nil, fmt.Errorf("look up open pull requests into %s: %w", p.Base, err)
		}
		for _, pr := range prs {
			switch {
			case pr.GetHead().GetRef() == p.Branch && f.sameRepo(pr.GetHead()):
				if mine == nil {
					mine = pr
				}
			case forge.SameTarget(pr.GetBody(), pr.GetHead().GetRef(), p):
				others = append(others, pr)
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

// sameRepo reports whether a pull request's head is on this repository
// (not a fork's branch of the same name).
func (f *Forge) sameRepo(head *gh.PullRequestBranch) bool {
	full := head.GetRepo().GetFullName()
	return full == "" || strings.EqualFold(full, f.Owner+"/"+f.Repo)
}

// Fit implements forge.Requests: titles are cut to GitHub's 256
// characters.
func (pulls) Fit(p forge.Proposal) (forge.Proposal, error) {
	t, err := forge.FitTitle(p.Title, forge.GitHubTitleLimit)
	p.Title = t
	return p, err
}

// ClosedAt implements forge.Requests.
func (f pulls) ClosedAt(ctx context.Context, p forge.Proposal, commit string) (bool, error) {
	prs, _, err := f.API.PullRequests.List(ctx, f.Owner, f.Repo, &gh.PullRequestListOptions{State: "closed", Head: f.Owner + ":" + p.Branch, ListOptions: gh.ListOptions{PerPage: 100}})
	if err != nil {
		return false, fmt.Errorf("look up closed pull requests for %s: %w", p.Branch, err)
	}
	for _, pr := range prs {
		if pr.MergedAt == nil && pr.GetHead().GetSHA() == commit {
			return true, nil
		}
	}
	return false, nil
}

// Open implements forge.Requests: it creates the pull request, then
// labels it, assigns and asks for reviews and auto-merge as configured.
func (f pulls) Open(ctx context.Context, p forge.Proposal) (*gh.PullRequest, error) {
	body := forge.RequestBody(p, forge.GitHubBodyLimit)
	draft := p.Request.Draft
	pr, err := f.create(ctx, p, body, draft)
	if draft && isDraftUnsupported(err) {
		f.Notef("draft pull requests are not available on %s/%s: opening a ready one", f.Owner, f.Repo)
		pr, err = f.create(ctx, p, body, false)
	}
	if isAlreadyExists(err) {
		pr, err := f.existing(ctx, p)
		if err != nil {
			return nil, err
		}
		_, err = f.Update(ctx, pr, p, true)
		return pr, err
	}
	if err != nil {
		return nil, err
	}
	if err := f.decorate(ctx, pr, p); err != nil {
		return pr, fmt.Errorf("pull request #%d was opened, but: %w (run promote again to finish)", pr.GetNumber(), err)
	}
	f.requestReviews(ctx, pr, p)
	if p.Request.AutoMerge {
		f.autoMerge(ctx, pr)
	}
	return pr, nil
}

// addLabels adds labels to an issue or pull request, sending them as
// {"labels": [...]}: GitHub's description no longer allows the bare
// array go-github's AddLabelsToIssue sends.
func (f *Forge) addLabels(ctx context.Context, number int, labels []string) error {
	u := fmt.Sprintf("repos/%s/%s/issues/%d/labels", f.Owner, f.Repo, number)
	req, err := f.API.NewRequest(ctx, http.MethodPost, u, struct {
		Labels []string `json:"labels"`
	}{labels})
	if err != nil {
		return err
	}
	_, err = f.API.Do(req, nil)
	return err
}

func (f *Forge) create(ctx context.Context, p forge.Proposal, body string, draft bool) (*gh.PullRequest, error) {
	pr, _, err := f.API.PullRequests.Create(ctx, f.Owner, f.Repo, &gh.NewPullRequest{
		Title: &p.Title, Head: &p.Branch, Base: &p.Base, Body: &body, Draft: &draft,
	})
	if status(err) == http.StatusUnprocessableEntity && !isAlreadyExists(err) && !isDraftUnsupported(err) {
		return nil, fmt.Errorf("create: %w: %w", forge.ErrRejected, err)
	}
	if err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	return pr, nil
}

// existing returns the open pull request for p.Branch, after a create
// that found one (an earlier attempt of the same call, or another run).
func (f pulls) existing(ctx context.Context, p forge.Proposal) (*gh.PullRequest, error) {
	pr, _, err := f.Find(ctx, p)
	if err != nil {
		return nil, err
	}
	if pr == nil {
		return nil, fmt.Errorf("GitHub says a pull request for %s exists, but none is open", p.Branch)
	}
	return pr, nil
}

// decorate sets the labels and assignees of a new pull request in one
// call (GitHub creates labels that do not exist yet).
func (f *Forge) decorate(ctx context.Context, pr *gh.PullRequest, p forge.Proposal) error {
	labels := forge.Labels(p)
	req := &gh.IssueRequest{Labels: &labels}
	if len(p.Request.Assignees) > 0 {
		req.Assignees = &p.Request.Assignees
	}
	issue, _, err := f.API.Issues.Edit(ctx, f.Owner, f.Repo, pr.GetNumber(), req)
	if err != nil && req.Assignees != nil && status(err) == http.StatusUnprocessableEntity {
		f.Notef("could not assign %s to pull request #%d: %v", strings.Join(p.Request.Assignees, ", "), pr.GetNumber(), err)
		issue, _, err = f.API.Issues.Edit(ctx, f.Owner, f.Repo, pr.GetNumber(), &gh.IssueRequest{Labels: &labels})
	}
	if err != nil {
		return fmt.Errorf("label it %s: %w", strings.Join(labels, ", "), err)
	}
	pr.Labels = issue.Labels
	return nil
}

// requestReviews asks the configured reviewers; failing that is a note,
// not an error: the pull request is still useful.
func (f *Forge) requestReviews(ctx context.Context, pr *gh.PullRequest, p forge.Proposal) {
	if len(p.Request.Reviewers) == 0 && len(p.Request.TeamReviewers) == 0 {
		return
	}
	_, _, err := f.API.PullRequests.RequestReviewers(ctx, f.Owner, f.Repo, pr.GetNumber(), gh.ReviewersRequest{
		Reviewers: p.Request.Reviewers, TeamReviewers: p.Request.TeamReviewers,
	})
	if err != nil {
		f.Notef("could not request reviews on pull request #%d: %v", pr.GetNumber(), err)
	}
}

// Update implements forge.Requests: it brings an open pull request in
// line with p: title, body and base when they differ, missing labels,
// and auto-merge after a push when the list answer says it is off. It
// reports whether it wrote anything.
func (f pulls) Update(ctx context.Context, pr *gh.PullRequest, p forge.Proposal, pushed bool) (bool, error) {
	changed := false
	edit := &gh.PullRequest{}
	if !forge.SameText(pr.GetTitle(), p.Title) {
		edit.Title, changed = &p.Title, true
	}
	if body := forge.RequestBody(p, forge.GitHubBodyLimit); !forge.SameText(pr.GetBody(), body) {
		edit.Body, changed = &body, true
	}
	if pr.GetBase().GetRef() != p.Base {
		edit.Base, changed = &gh.PullRequestBranch{Ref: &p.Base}, true
	}
	if changed {
		if _, _, err := f.API.PullRequests.Edit(ctx, f.Owner, f.Repo, pr.GetNumber(), edit); err != nil {
			return false, err
		}
	}
	if missing := missingLabels(pr, forge.Labels(p)); len(missing) > 0 {
		if err := f.addLabels(ctx, pr.GetNumber(), missing); err != nil {
			return changed, fmt.Errorf("add labels %s: %w", strings.Join(missing, ", "), err)
		}
		changed = true
	}
	if p.Request.AutoMerge && pushed && pr.AutoMerge == nil {
		changed = f.autoMerge(ctx, pr) || changed
	}
	return changed, nil
}

func missingLabels(pr *gh.PullRequest, want []string) []string {
	have := map[string]bool{}
	for _, l := range pr.Labels {
		have[strings.ToLower(l.GetName())] = true
	}
	var out []string
	for _, l := range want {
		if !have[strings.ToLower(l)] {
			out = append(out, l)
		}
	}
	return out
}

// Close implements forge.Requests: it comments on a pull request and
// closes it.
func (f pulls) Close(ctx context.Context, pr *gh.PullRequest, comment string) error {
	if _, _, err := f.API.Issues.CreateComment(ctx, f.Owner, f.Repo, pr.GetNumber(), &gh.IssueComment{Body: &comment}); err != nil {
		return fmt.Errorf("comment on pull request #%d: %w", pr.GetNumber(), err)
	}
	closed := "closed"
	if _, _, err := f.API.PullRequests.Edit(ctx, f.Owner, f.Repo, pr.GetNumber(), &gh.PullRequest{State: &closed}); err != nil {
		return fmt.Errorf("close pull request #%d: %w", pr.GetNumber(), err)
	}
	return nil
}

// status is the HTTP status of a go-github error, 0 when there is none.
func status(err error) int {
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}

func mentions(err error, words ...string) bool {
	if err == nil {
		return false
	}
	msg := strings.ToLower(err.Error())
	for _, w := range words {
		if strings.Contains(msg, w) {
			return true
		}
	}
	return false
}

func isAlreadyExists(err error) bool {
	return status(err) == http.StatusUnprocessableEntity && mentions(err, "already exists")
}

func isDraftUnsupported(err error) bool {
	return status(err) == http.StatusUnprocessableEntity && mentions(err, "draft")
}
