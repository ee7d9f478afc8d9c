package forge

import (
	"context"
	"fmt"
)

// Origin is the git remote of a hosted forge's repository (its
// remote.Remote): where promotion branches are pushed, and whose base
// branch a proposal builds on, a shallow clone deepens and a direct
// commit moves.
type Origin interface {
	Branches
	BaseFetcher
	HistoryFetcher
	BaseMover
}

// Adapter is what the adapter of a hosted forge implements: proposals,
// the base branch on its remote, and comments (chat commands).
type Adapter interface {
	Forge
	Pending
	BaseFetcher
	BaseMover
	HistoryFetcher
	Commenter
}

// Hosted is the part of a hosted forge's adapter (GitHub, GitLab, Gitea)
// that is the same on every such forge. Embedded in the adapter (and set
// with NewHosted when it is built), it gives it FetchBase, FetchHistory
// and MoveBase on its origin, Propose, Pending and Withdraw as the shared
// Flow over its origin and its Requests, and Notef.
type Hosted[R comparable] struct {
	flow   Flow[R]
	origin Origin
}

// NewHosted returns the shared part of an adapter whose requests are of
// kind, whose repository's remote is origin, and that tells notify what
// the user should know that is not an error (nil tells nobody).
func NewHosted[R comparable](kind RequestKind, origin Origin, requests Requests[R], notify func(string)) Hosted[R] {
	return Hosted[R]{flow: Flow[R]{Kind: kind, Branches: origin, Requests: requests, Notify: notify}, origin: origin}
}

var _ interface {
	Pending
	BaseFetcher
	BaseMover
	HistoryFetcher
} = Hosted[int]{}

// FetchBase implements BaseFetcher: the base branch's tip on origin.
func (h Hosted[R]) FetchBase(ctx context.Context, base string) (string, error) {
	return h.origin.FetchBase(ctx, base)
}

// FetchHistory implements HistoryFetcher: more of a shallow clone's
// history, from origin.
func (h Hosted[R]) FetchHistory(ctx context.Context, commit string, depth int) error {
	return h.origin.FetchHistory(ctx, commit, depth)
}

// MoveBase implements BaseMover: a compare-and-swap fast-forward of the
// base branch on origin.
func (h Hosted[R]) MoveBase(ctx context.Context, base, old, new string) error {
	return h.origin.MoveBase(ctx, base, old, new)
}

// Propose implements Forge: push the branch, then open or update the
// request; open requests for the same target from other branches are
// closed as superseded (see Flow.Propose).
func (h Hosted[R]) Propose(ctx context.Context, p Proposal) (Result, error) {
	return h.flow.Propose(ctx, p)
}

// Pending implements Pending (see Flow.Pending).
func (h Hosted[R]) Pending(ctx context.Context, p Proposal) (Pendency, error) {
	return h.flow.Pending(ctx, p)
}

// Withdraw implements Forge: the target already matches, so the open
// requests promoting to it are closed with a comment and the promotion
// branch is deleted (see Flow.Withdraw).
func (h Hosted[R]) Withdraw(ctx context.Context, p Proposal) (Result, error) {
	return h.flow.Withdraw(ctx, p)
}

// Notef tells the user, through the adapter's notify, something that is
// not an error.
func (h Hosted[R]) Notef(format string, args ...any) {
	if h.flow.Notify != nil {
		h.flow.Notify(fmt.Sprintf(format, args...))
	}
}
