package connect

import (
	"context"
	"fmt"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/secret"
)

// redacting wraps a forge so that no error it returns carries a secret.
type redacting struct {
	forge.Forge
	fetcher forge.BaseFetcher
	secrets *secret.Set
}

// Propose implements forge.Forge.
func (r *redacting) Propose(ctx context.Context, p forge.Proposal) (forge.Result, error) {
	res, err := r.Forge.Propose(ctx, p)
	return res, r.secrets.Error(err)
}

// Withdraw implements forge.Forge.
func (r *redacting) Withdraw(ctx context.Context, p forge.Proposal) (forge.Result, error) {
	res, err := r.Forge.Withdraw(ctx, p)
	return res, r.secrets.Error(err)
}

// FetchBase implements forge.BaseFetcher.
func (r *redacting) FetchBase(ctx context.Context, base string) (string, error) {
	h, err := r.fetcher.FetchBase(ctx, base)
	return h, r.secrets.Error(err)
}

// Pending implements forge.Pending.
func (r *redacting) Pending(ctx context.Context, p forge.Proposal) (forge.Pendency, error) {
	f, ok := r.Forge.(forge.Pending)
	if !ok {
		return forge.Pendency{}, fmt.Errorf("forge %s cannot tell what stands for a proposal", r.Name())
	}
	pend, err := f.Pending(ctx, p)
	return pend, r.secrets.Error(err)
}

// FetchHistory implements forge.HistoryFetcher; a forge without a
// remote has no more history to fetch.
func (r *redacting) FetchHistory(ctx context.Context, commit string, depth int) error {
	h, ok := r.Forge.(forge.HistoryFetcher)
	if !ok {
		return nil
	}
	return r.secrets.Error(h.FetchHistory(ctx, commit, depth))
}

// MoveBase implements forge.BaseMover.
func (r *redacting) MoveBase(ctx context.Context, base, old, new string) error {
	m, ok := r.Forge.(forge.BaseMover)
	if !ok {
		return fmt.Errorf("forge %s cannot move branch %s", r.Name(), base)
	}
	return r.secrets.Error(m.MoveBase(ctx, base, old, new))
}

// Checks returns the check reader of a forge opened by Open, its errors
// redacted like the forge's; ok is false for forges that report no
// checks (local).
func Checks(f forge.Forge) (forge.CheckReader, bool) {
	if r, ok := f.(*redacting); ok {
		c, ok := r.Forge.(forge.CheckReader)
		if !ok {
			return nil, false
		}
		return &redactingChecks{c, r.secrets}, true
	}
	c, ok := f.(forge.CheckReader)
	return c, ok
}

// redactingChecks wraps a forge.CheckReader so that no error carries a
// secret.
type redactingChecks struct {
	reader  forge.CheckReader
	secrets *secret.Set
}

// Checks implements forge.CheckReader.
func (r *redactingChecks) Checks(ctx context.Context, commit string) ([]forge.Check, error) {
	cs, err := r.reader.Checks(ctx, commit)
	return cs, r.secrets.Error(err)
}
