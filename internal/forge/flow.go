package forge

import (
	"context"
	"errors"
	"fmt"
)

// Publication is what publishing did to the promotion branch.
type Publication struct {
	// Pushed is true when the branch was created or moved.
	Pushed bool
	// Existed is true when the branch was on the remote before.
	Existed bool
	// Commit is the branch's tip afterwards: the existing commit when it
	// already held the same change on the same base.
	Commit string
}

// Branches is where a forge's promotion branches are pushed (origin).
type Branches interface {
	// Publish makes the promotion branch hold p's change.
	Publish(ctx context.Context, p Proposal) (Publication, error)
	// Remove deletes the branch and reports whether it was there.
	Remove(ctx context.Context, branch string) (bool, error)
	// Tip returns the branch's commit on the remote, "" when absent.
	Tip(ctx context.Context, branch string) (string, error)
}

// Requests is an adapter's own kind of request (a GitHub pull request, a
// GitLab merge request) as the shared flows use it: R is the adapter's
// request type, a pointer whose zero value means "none".
type Requests[R comparable] interface {
	// Find returns the open request from p.Branch, or else the open ones
	// for the same target and app (to supersede).
	Find(ctx context.Context, p Proposal) (R, []R, error)
	// Open creates the request for p as configured.
	Open(ctx context.Context, p Proposal) (R, error)
	// Update brings an open request in line with p and reports whether
	// it wrote anything; pushed says the branch moved in this run.
	Update(ctx context.Context, r R, p Proposal, pushed bool) (bool, error)
	// Fit returns p with a title within the forge's limits (for the
	// request p opens, a draft one included), or says why it cannot.
	Fit(p Proposal) (Proposal, error)
	// Close comments on a request and closes it.
	Close(ctx context.Context, r R, comment string) error
	// Describe returns what the flows report of a request.
	Describe(r R) RequestInfo
	// ClosedAt reports whether a request from p.Branch whose head was
	// commit was closed without being merged: a person turned down that
	// very proposal.
	ClosedAt(ctx context.Context, p Proposal, commit string) (bool, error)
}

// RequestInfo is what the flows report of one request.
type RequestInfo struct {
	// URL is the request's web page and Number its number.
	URL    string
	Number int
	// Branch is the branch the request merges from.
	Branch string
	// Rollback is true for a rollback proposal.
	Rollback bool
}

// RequestKind names a forge's requests in messages.
type RequestKind struct {
	// Noun is the request's name: "pull request".
	Noun string
	// Sigil comes before a request's number: "#".
	Sigil string
}

// ref is request n as the forge's markdown refers to it: #12, !12.
func (k RequestKind) ref(n int) string { return fmt.Sprintf("%s%d", k.Sigil, n) }

// The kinds of request of GitHub and GitLab.
var (
	PullRequest  = RequestKind{Noun: "pull request", Sigil: "#"}
	MergeRequest = RequestKind{Noun: "merge request", Sigil: "!"}
)

// Flow runs Propose and Withdraw, the same on every remote forge, over
// an adapter's Branches and Requests.
type Flow[R comparable] struct {
	Kind     RequestKind
	Branches Branches
	Requests Requests[R]
	// Notify is told what the user should know that is not an error.
	Notify func(string)
}

// Propose implements Forge.Propose: fit the title to the forge, look
// the requests up (so that a wrong project or token fails before
// anything is pushed), push the branch, then open or update the request;
// open requests for the same target from other branches are closed as
// superseded.
func (fl Flow[R]) Propose(ctx context.Context, p Proposal) (Result, error) {
	res := Result{Branch: p.Branch, Commit: p.Commit}
	p, err := fl.Requests.Fit(p)
	if err != nil {
		return res, err
	}
	r, others, err := fl.Requests.Find(ctx, p)
	if err != nil {
		return res, err
	}
	pub, err := fl.Branches.Publish(ctx, p)
	if err != nil {
		return res, err
	}
	res.Commit = pub.Commit
	var none R
	if r == none {
		p.Body = fl.supersedeNote(p, others)
		if r, err = fl.Requests.Open(ctx, p); err != nil {
			return res, fl.leftBehind(err, p, pub, "no "+fl.Kind.Noun+" yet; ")
		}
		res.Action = Created
		fl.supersede(ctx, others, r)
	} else {
		changed, err := fl.Requests.Update(ctx, r, p, pub.Pushed)
		if err != nil {
			return res, fmt.Errorf("update %s %s%d: %w", fl.Kind.Noun, fl.Kind.Sigil, fl.Requests.Describe(r).Number, err)
		}
		res.Action = Unchanged
		if changed || pub.Pushed {
			res.Action = Updated
		}
	}
	info := fl.Requests.Describe(r)
	res.URL, res.Number, res.Ref = info.URL, info.Number, fl.Kind.ref(info.Number)
	return res, nil
}

// ErrRejected marks a request the forge refused for its content (a 400
// or 422): sending it again fails the same way.
var ErrRejected = errors.New("the forge rejected the request")

// leftBehind says what a failed run leaves on the forge: the pushed
// branch and, in state, what is known of the request; and whether running
// again can finish the work.
func (fl Flow[R]) leftBehind(err error, p Proposal, pub Publication, state string) error {
	next := "run promote again to finish"
	if errors.Is(err, ErrRejected) {
		next = fmt.Sprintf("running promote again fails the same way until the cause is fixed; git push origin --delete %s removes the branch", p.Branch)
	}
	return fmt.Errorf("%s for %s: %w (left behind: branch %s at %.12s on origin; %s%s)", fl.Kind.Noun, p.Branch, err, p.Branch, pub.Commit, state, next)
}

// supersedeNote is p's body with a line naming each rollback among
// others that p, a promotion, replaces (the rollback says so too when
// it is closed).
func (fl Flow[R]) supersedeNote(p Proposal, others []R) string {
	body := p.Body
	if p.IsRollback() {
		return body
	}
	for _, o := range others {
		if info := fl.Requests.Describe(o); info.Rollback {
			body += fmt.Sprintf("\n> This promotion supersedes the rollback %s%d of %s, which is closed.\n", fl.Kind.Sigil, info.Number, p.To)
		}
	}
	return body
}

// supersede closes the other open requests for the same target, saying
// which request replaces them.
func (fl Flow[R]) supersede(ctx context.Context, others []R, by R) {
	info := fl.Requests.Describe(by)
	for _, o := range others {
		what := "promotes the same target"
		switch old := fl.Requests.Describe(o); {
		case info.Rollback:
			what = "rolls back the same target"
		case old.Rollback:
			what = "is a promotion of the same target, so this rollback is no longer proposed"
		}
		msg := fmt.Sprintf("Superseded by %s%d, which %s from branch `%s`.", fl.Kind.Sigil, info.Number, what, info.Branch)
		if err := fl.Requests.Close(ctx, o, msg); err != nil && fl.Notify != nil {
			fl.Notify(fmt.Sprintf("could not close superseded %s %s%d: %v", fl.Kind.Noun, fl.Kind.Sigil, fl.Requests.Describe(o).Number, err))
		}
	}
}

// Pending implements Pending: whether p's branch is on the remote, an
// open request carries it, or a person closed the request carrying its
// tip.
func (fl Flow[R]) Pending(ctx context.Context, p Proposal) (Pendency, error) {
	tip, err := fl.Branches.Tip(ctx, p.Branch)
	if err != nil || tip == "" {
		return Pendency{}, err
	}
	r, _, err := fl.Requests.Find(ctx, p)
	if err != nil {
		return Pendency{}, err
	}
	var none R
	pend := Pendency{Branch: true, Open: r != none}
	if !pend.Open {
		pend.Closed, err = fl.Requests.ClosedAt(ctx, p, tip)
	}
	return pend, err
}

// Withdraw implements Forge.Withdraw: the target already matches, so the
// open requests promoting to it are closed with a comment and the
// promotion branch is deleted.
func (fl Flow[R]) Withdraw(ctx context.Context, p Proposal) (Result, error) {
	res := Result{Branch: p.Branch, Action: None}
	r, others, err := fl.Requests.Find(ctx, p)
	if err != nil {
		return res, err
	}
	var none R
	if r != none {
		others = append([]R{r}, others...)
	}
	msg := fmt.Sprintf("%s already runs what %s runs, so this promotion is no longer needed. Closed by promote.", p.To, p.From)
	if p.IsRollback() {
		msg = fmt.Sprintf("%s already runs what it ran then, so this rollback is no longer needed. Closed by promote.", p.To)
	}
	for _, o := range others {
		if fl.Requests.Describe(o).Rollback != p.IsRollback() {
			// A promotion with nothing to do says nothing about a
			// rollback of its target, nor the reverse.
			continue
		}
		if err := fl.Requests.Close(ctx, o, msg); err != nil {
			return res, err
		}
		if res.Action == None {
			info := fl.Requests.Describe(o)
			res.Action, res.URL, res.Number, res.Ref = Closed, info.URL, info.Number, fl.Kind.ref(info.Number)
		}
	}
	deleted, err := fl.Branches.Remove(ctx, p.Branch)
	if err != nil {
		return res, err
	}
	if deleted {
		res.Action = Closed
	}
	return res, nil
}
