package connect

import (
	"context"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/secret"
)

// ChatOps returns the comment, reaction and permission side of a forge
// opened by Open (GitHub or GitLab), its errors redacted like the
// forge's; ok is false for forges without one (local).
func ChatOps(f forge.Forge) (forge.Commenter, bool) {
	if r, ok := f.(*redacting); ok {
		c, ok := r.Forge.(forge.Commenter)
		if !ok {
			return nil, false
		}
		return &redactingChat{Commenter: c, secrets: r.secrets}, true
	}
	c, ok := f.(forge.Commenter)
	return c, ok
}

// redactingChat wraps a forge.Commenter so that no error carries a secret.
type redactingChat struct {
	forge.Commenter
	secrets *secret.Set
}

// Permission implements forge.Access.
func (r *redactingChat) Permission(ctx context.Context, user string) (forge.Permission, error) {
	p, err := r.Commenter.Permission(ctx, user)
	return p, r.secrets.Error(err)
}

// Member implements forge.Access.
func (r *redactingChat) Member(ctx context.Context, user, team string) (bool, error) {
	ok, err := r.Commenter.Member(ctx, user, team)
	return ok, r.secrets.Error(err)
}

// React implements forge.Commenter.
func (r *redactingChat) React(ctx context.Context, t forge.Thread, id int64, re forge.Reaction) error {
	return r.secrets.Error(r.Commenter.React(ctx, t, id, re))
}

// Reply implements forge.Commenter.
func (r *redactingChat) Reply(ctx context.Context, t forge.Thread, body string) error {
	return r.secrets.Error(r.Commenter.Reply(ctx, t, r.secrets.Redact(body)))
}
