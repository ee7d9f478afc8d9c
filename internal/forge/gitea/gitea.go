package gitea

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	sdk "code.gitea.io/sdk/gitea"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/remote"
)

// BodyLimit is the longest pull request body promote writes on Gitea
// (its column is a text of up to 64 KiB on MySQL; the same everywhere).
const BodyLimit = 65535

// listPageSize is the page size of lists (Gitea's default maximum is 50).
const listPageSize = 50

// maxListPages caps the pages of open pull requests read.
const maxListPages = 6

// Forge publishes proposals as pull requests on one Gitea or Forgejo
// repository. Build it with New.
type Forge struct {
	// Hosted pushes to Remote, proposes through the shared flows and
	// tells the user what is not an error.
	forge.Hosted[*sdk.PullRequest]
	// Owner and Repo name the repository.
	Owner, Repo string
	// URL is the server's base URL, with the path it is served under
	// (https://host/gitea); Token authenticates; HTTP sends requests.
	URL, Token string
	HTTP       *http.Client
	// Remote is origin, where promotion branches are pushed.
	Remote *remote.Remote
}

// New returns the adapter f describes, wired to the shared flows over
// f.Remote; notify is told what the user should know that is not an
// error.
func New(f Forge, notify func(string)) *Forge {
	f.Hosted = forge.NewHosted(forge.PullRequest, f.Remote, forge.Requests[*sdk.PullRequest](pulls{&f}), notify)
	return &f
}

// Name implements forge.Forge.
func (f *Forge) Name() string { return "gitea" }

// client returns an SDK client bound to ctx. The SDK keeps one context
// per client, so each call gets its own; the server's version is not
// asked for (one request less), and nothing promote calls depends on it.
func (f *Forge) client(ctx context.Context) (*sdk.Client, error) {
	c, err := sdk.NewClient(f.URL, sdk.SetToken(f.Token), sdk.SetHTTPClient(f.HTTP), sdk.SetGiteaVersion(""),
		sdk.SetContext(ctx), sdk.SetUserAgent("gitops-promote"))
	if err != nil {
		return nil, fmt.Errorf("gitea URL %s: %w", f.URL, err)
	}
	return c, nil
}

var _ forge.Adapter = (*Forge)(nil)

// pulls is the Forge's side of the shared flows: forge.Requests over
// Gitea pull requests.
type pulls struct{ *Forge }

// Describe implements forge.Requests.
func (pulls) Describe(pr *sdk.PullRequest) forge.RequestInfo {
	info := forge.RequestInfo{URL: pr.HTMLURL, Number: int(pr.Index)}
	if pr.Head != nil {
		info.Branch = pr.Head.Ref
	}
	info.Rollback = forge.IsRollback(pr.Body, info.Branch)
	return info
}

// ClosedAt implements forge.Requests: whether a pull request from
// p.Branch was closed unmerged while its head was commit.
func (f pulls) ClosedAt(ctx context.Context, p forge.Proposal, commit string) (bool, error) {
	c, err := f.client(ctx)
	if err != nil {
		return false, err
	}
	for page := 1; page <= maxListPages; page++ {
		prs, resp, err := c.ListRepoPullRequests(f.Owner, f.Repo, sdk.ListPullRequestsOptions{State: sdk.StateClosed, ListOptions: sdk.ListOptions{Page: page, PageSize: listPageSize}})
		if err = wrap(resp, err); err != nil {
			return false, fmt.Errorf("look up closed pull requests for %s: %w", p.Branch, err)
		}
		for _, pr := range prs {
			if pr.Head != nil && pr.Head.Ref == p.Branch && !pr.HasMerged && pr.Head.Sha == commit {
				return true, nil
			}
		}
		if resp == nil || resp.NextPage == 0 || len(prs) < listPageSize {
			return false, nil
		}
	}
	return false, nil
}

// Fit implements forge.Requests: titles are cut to Gitea's 255
// characters.
func (pulls) Fit(p forge.Proposal) (forge.Proposal, error) {
	t, err := forge.FitTitle(p.Title, forge.GiteaTitleLimit)
	p.Title = t
	return p, err
}

// Find implements forge.Requests: it lists the open pull requests once
// and picks, locally, the one from p.Branch into p.Base on this
// repository and the others whose marker names the same target and app.
func (f pulls) Find(ctx context.Context, p forge.Proposal) (*sdk.PullRequest, []*sdk.PullRequest, error) {
	c, err := f.client(ctx)
	if err != nil {
		return nil, nil, err
	}
	var mine *sdk.PullRequest
	var others []*sdk.PullRequest
	for page := 1; page <= maxListPages; page++ {
		prs, resp, err := c.ListRepoPullRequests(f.Owner, f.Repo, sdk.ListPullRequestsOptions{State: sdk.StateOpen, ListOptions: sdk.ListOptions{Page: page, PageSize: listPageSize}})
		if err = wrap(resp, err); err != nil {
			return nil, nil, f.repoError(fmt.Sprintf("look up open pull requests into %s", p.Base), err)
		}
		for _, pr := range prs {
			if pr.Base == nil || pr.Head == nil || pr.Base.Ref != p.Base {
				continue
			}
			switch {
			case pr.Head.Ref == p.Branch && (pr.Head.RepoID == 0 || pr.Head.RepoID == pr.Base.RepoID):
				if mine == nil {
					mine = pr
				}
			case forge.SameTarget(pr.Body, pr.Head.Ref, p):
				others = append(others, pr)
			}
		}
		if resp == nil || resp.NextPage == 0 || len(prs) < listPageSize {
			break
		}
	}
	if mine != nil {
		others = nil
	}
	return mine, others, nil
}

// repoError explains a 404 on the repository: the path or the server is
// wrong, and which URL was tried.
func (f *Forge) repoError(what string, err error) error {
	if status(err) != http.StatusNotFound {
		return fmt.Errorf("%s: %w", what, err)
	}
	tried := strings.TrimSuffix(f.URL, "/") + "/api/v1/repos/" + f.Owner + "/" + f.Repo
	return fmt.Errorf("%s: Gitea has no repository %s/%s at %s (404 Not Found): the path comes from --repo or the origin remote with the server's path removed; a server under a path needs --gitea-url or GITEA_URL (e.g. https://host/gitea)", what, f.Owner, f.Repo, tried)
}

// Open implements forge.Requests: it creates the pull request with its
// labels, assignees and reviewers in one call, then schedules auto-merge
// as configured.
func (f pulls) Open(ctx context.Context, p forge.Proposal) (*sdk.PullRequest, error) {
	c, err := f.client(ctx)
	if err != nil {
		return nil, err
	}
	ids, err := f.labelIDs(c, forge.Labels(p))
	if err != nil {
		return nil, err
	}
	title := p.Title
	if p.Request.Draft {
		// Gitea marks work in progress by a title prefix.
		if title, err = forge.FitTitle(p.Title, forge.GiteaTitleLimit-len(draftPrefix)); err != nil {
			return nil, err
		}
		title = draftPrefix + title
	}
	if len(p.Request.TeamReviewers) > 0 {
		f.Notef("teamReviewers is a GitHub setting: ignored on Gitea (use reviewers)")
	}
	opt := sdk.CreatePullRequestOption{
		Head: p.Branch, Base: p.Base, Title: title, Body: forge.RequestBody(p, BodyLimit),
		Labels: ids, Assignees: p.Request.Assignees, Reviewers: p.Request.Reviewers,
	}
	pr, err := f.create(c, opt)
	if status(err) == http.StatusUnprocessableEntity && len(opt.Assignees)+len(opt.Reviewers) > 0 {
		// Gitea refuses the whole request for one unknown user: the pull
		// request is still useful without them.
		f.Notef("could not assign %s or ask %s for review on Gitea (%v): opening the pull request without them",
			orNone(opt.Assignees), orNone(opt.Reviewers), err)
		opt.Assignees, opt.Reviewers = nil, nil
		pr, err = f.create(c, opt)
	}
	if status(err) == http.StatusConflict {
		return f.existing(ctx, p)
	}
	if st := status(err); st == http.StatusBadRequest || st == http.StatusUnprocessableEntity {
		return nil, fmt.Errorf("create: %w: %w", forge.ErrRejected, err)
	}
	if err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	if p.Request.AutoMerge {
		f.autoMerge(c, pr)
	}
	return pr, nil
}

func (f *Forge) create(c *sdk.Client, opt sdk.CreatePullRequestOption) (*sdk.PullRequest, error) {
	pr, resp, err := c.CreatePullRequest(f.Owner, f.Repo, opt)
	return pr, wrap(resp, err)
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "nobody"
	}
	return strings.Join(names, ", ")
}

// draftPrefix marks a work-in-progress pull request's title.
const draftPrefix = "WIP: "

// existing returns the open pull request for p.Branch after a create
// that found one (another run), brought in line with p.
func (f pulls) existing(ctx context.Context, p forge.Proposal) (*sdk.PullRequest, error) {
	pr, _, err := f.Find(ctx, p)
	if err != nil {
		return nil, err
	}
	if pr == nil {
		return nil, fmt.Errorf("Gitea says a pull request from %s exists, but none is open", p.Branch)
	}
	_, err = f.Update(ctx, pr, p, true)
	return pr, err
}

// Update implements forge.Requests: it brings an open pull request in
// line with p: title (keeping a work-in-progress prefix), body and base
// in one call, missing labels in another; auto-merge is scheduled again
// after a push. It reports whether it wrote anything.
func (f pulls) Update(ctx context.Context, pr *sdk.PullRequest, p forge.Proposal, pushed bool) (bool, error) {
	c, err := f.client(ctx)
	if err != nil {
		return false, err
	}
	edit, changed, err := edits(pr, p)
	if err != nil {
		return false, err
	}
	if changed {
		if _, resp, err := c.EditPullRequest(f.Owner, f.Repo, pr.Index, edit); err != nil {
			return false, wrap(resp, err)
		}
	}
	if missing := missingLabels(pr, forge.Labels(p)); len(missing) > 0 {
		ids, err := f.labelIDs(c, missing)
		if err != nil {
			return changed, err
		}
		if _, _, err := c.AddIssueLabels(f.Owner, f.Repo, pr.Index, sdk.IssueLabelsOption{Labels: ids}); err != nil {
			return changed, fmt.Errorf("add labels %s: %w", strings.Join(missing, ", "), err)
		}
		changed = true
	}
	if p.Request.AutoMerge && pushed {
		changed = f.autoMerge(c, pr) || changed
	}
	return changed, nil
}

// edits is the edit that brings pr's title, body and base in line with p.
func edits(pr *sdk.PullRequest, p forge.Proposal) (sdk.EditPullRequestOption, bool, error) {
	var edit sdk.EditPullRequestOption
	changed := false
	current, prefix := splitDraft(pr.Title)
	want, err := forge.FitTitle(p.Title, forge.GiteaTitleLimit-len(prefix))
	if err != nil {
		return edit, false, err
	}
	if !forge.SameText(current, want) {
		edit.Title, changed = prefix+want, true
	}
	if body := forge.RequestBody(p, BodyLimit); !forge.SameText(pr.Body, body) {
		edit.Body, changed = &body, true
	}
	if pr.Base != nil && pr.Base.Ref != p.Base {
		edit.Base, changed = p.Base, true
	}
	return edit, changed, nil
}

// splitDraft splits a work-in-progress title into the title and its
// prefix (Gitea's default prefixes).
func splitDraft(title string) (string, string) {
	for _, p := range []string{"WIP:", "[WIP]"} {
		if len(title) >= len(p) && strings.EqualFold(title[:len(p)], p) {
			return strings.TrimSpace(title[len(p):]), title[:len(p)] + " "
		}
	}
	return title, ""
}

func missingLabels(pr *sdk.PullRequest, want []string) []string {
	have := map[string]bool{}
	for _, l := range pr.Labels {
		have[strings.ToLower(l.Name)] = true
	}
	var out []string
	for _, l := range want {
		if !have[strings.ToLower(l)] {
			out = append(out, l)
		}
	}
	return out
}

// autoMerge schedules the merge for when the pull request's checks
// succeed (Gitea merges at once when there are none to wait for). It
// reports whether Gitea accepted; a merge already scheduled counts.
func (f *Forge) autoMerge(c *sdk.Client, pr *sdk.PullRequest) bool {
	yes := true
	_, resp, err := c.MergePullRequest(f.Owner, f.Repo, pr.Index, sdk.MergePullRequestOption{
		Style: sdk.MergeStyleMerge, MergeWhenChecksSucceed: true, DeleteBranchAfterMerge: &yes,
	})
	err = wrap(resp, err)
	if err != nil && status(err) != http.StatusConflict {
		f.Notef("auto-merge is not scheduled on pull request #%d (%v): it stays open for a manual merge; promote asks again the next time it pushes a change to %s", pr.Index, err, pulls{f}.Describe(pr).Branch)
		return false
	}
	return true
}

// Close implements forge.Requests: it comments on a pull request and
// closes it.
func (f pulls) Close(ctx context.Context, pr *sdk.PullRequest, comment string) error {
	c, err := f.client(ctx)
	if err != nil {
		return err
	}
	if _, resp, err := c.CreateIssueComment(f.Owner, f.Repo, pr.Index, sdk.CreateIssueCommentOption{Body: comment}); err != nil {
		return fmt.Errorf("comment on pull request #%d: %w", pr.Index, wrap(resp, err))
	}
	closed := sdk.StateClosed
	if _, resp, err := c.EditPullRequest(f.Owner, f.Repo, pr.Index, sdk.EditPullRequestOption{State: &closed}); err != nil {
		return fmt.Errorf("close pull request #%d: %w", pr.Index, wrap(resp, err))
	}
	return nil
}

// StatusError is an error Gitea answered, with its HTTP status.
type StatusError struct {
	Status int
	Err    error
}

// Error implements error.
func (e *StatusError) Error() string { return fmt.Sprintf("%d: %v", e.Status, e.Err) }

// Unwrap returns the SDK's error.
func (e *StatusError) Unwrap() error { return e.Err }

// wrap gives an SDK error its response's status.
func wrap(resp *sdk.Response, err error) error {
	if err == nil || resp == nil || resp.Response == nil {
		return err
	}
	return &StatusError{Status: resp.StatusCode, Err: err}
}

// status is the HTTP status of an error, 0 when there is none.
func status(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status
	}
	return 0
}
