package forge

import "context"

// Action says what publishing a proposal did.
type Action string

// Actions reported in results.
const (
	Created   Action = "created"
	Updated   Action = "updated"
	Unchanged Action = "unchanged"
	Closed    Action = "closed"
	None      Action = "none"
)

// Proposal is a promotion commit on its branch, ready for review.
type Proposal struct {
	// Branch is the promotion branch, e.g. promote/staging-to-prod.
	Branch string
	// Base is the branch the proposal targets.
	Base string
	// BaseCommit is the base tip the commit was built on.
	BaseCommit string
	// Commit is the promotion commit.
	Commit string
	// Title and Body describe the proposal.
	Title, Body string
	// From, To and App identify the promotion.
	From, To, App string
	// Request holds the target environment's settings for the pull or
	// merge request: labels, reviewers, assignees, draft, auto-merge.
	Request RequestOptions
}

// IsRollback reports whether p rolls an environment back (its source is
// its target).
func (p Proposal) IsRollback() bool { return p.From == p.To }

// RequestOptions are an environment's settings for the requests that
// promote to it (promote.yaml: environments[].pullRequest).
type RequestOptions struct {
	// Labels are added besides promotion and env/<to>.
	Labels []string
	// Reviewers and TeamReviewers are asked to review a new request
	// (teams are GitHub only).
	Reviewers, TeamReviewers []string
	// Assignees are assigned to a new request.
	Assignees []string
	// Draft opens new requests as drafts.
	Draft bool
	// AutoMerge merges the request once its checks pass.
	AutoMerge bool
}

// Result is what a forge reports after publishing or withdrawing.
type Result struct {
	Action Action `json:"action"`
	URL    string `json:"url,omitempty"`
	Number int    `json:"number,omitempty"`
	// Ref is the request as the forge's markdown refers to it: #12 on
	// GitHub, !12 on GitLab.
	Ref    string `json:"ref,omitempty"`
	Branch string `json:"branch"`
	Commit string `json:"commit,omitempty"`
}

// Forge publishes proposals.
type Forge interface {
	// Name is the forge's name: local, github or gitlab.
	Name() string
	// Propose publishes the proposal's branch and opens or updates its
	// request. Publishing the same proposal twice changes nothing.
	Propose(ctx context.Context, p Proposal) (Result, error)
	// Withdraw closes the open proposal on p.Branch, if any, because the
	// target already matches its source.
	Withdraw(ctx context.Context, p Proposal) (Result, error)
}

// Pending is implemented by forges that can tell what stands on the
// forge for a proposal: a resync uses it to tell a promotion that was
// never proposed (a lost event) from one a person closed.
type Pending interface {
	Pending(ctx context.Context, p Proposal) (Pendency, error)
}

// Pendency is what stands on the forge for a proposal.
type Pendency struct {
	// Branch is true when the promotion branch is on the remote.
	Branch bool
	// Open is true when an open request carries the branch.
	Open bool
	// Closed is true when no request is open and one carrying the
	// branch's tip was closed without being merged.
	Closed bool
}

// BaseFetcher is implemented by forges whose base branch lives in a
// remote: a proposal is built on the remote base's tip, which FetchBase
// brings into the local object database and returns (a commit hash).
type BaseFetcher interface {
	FetchBase(ctx context.Context, base string) (string, error)
}

// HistoryFetcher is implemented by forges whose base branch lives in a
// remote that can bring more of a commit's history into a shallow local
// repository (a CI checkout): FetchHistory makes the history of commit
// depth commits deep (commit included), for commands that read history
// (rollback). In a complete repository it does nothing.
type HistoryFetcher interface {
	FetchHistory(ctx context.Context, commit string, depth int) error
}

// BaseMover is implemented by forges that can move the base branch
// itself, for direct commits (set-image --direct): MoveBase sets base
// from old to new (commit hashes) only while it still holds old, and
// only when new descends from old. It is the one write outside the
// promotion branches: a compare-and-swap fast-forward, never a force
// push. A lost race is an error wrapping gitrepo.ErrRefChanged.
type BaseMover interface {
	MoveBase(ctx context.Context, base, old, new string) error
}
