package connect

import (
	"context"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/secret"
)

// ChatOps returns the comment, reaction and permission side of a forge
// opened by Open (GitHub or GitLab), its errors redacted like the
// forge's; ok is false for forges without one (local).
func ChatOps(f forge.Forge) (chatops.Forge, bool) {
	if r, ok := f.(*redacting); ok {
		c, ok := r.Forge.(chatops.Forge)
		if !ok {
			return nil, false
		}
		return &redactingChat{Forge: c, secrets: r.secrets}, true
	}
	c, ok := f.(chatops.Forge)
	return c, ok
}

// redactingChat wraps a chatops.Forge so that no error carries a secret.
type redactingChat struct {
	chatops.Forge
	secrets *secret.Set
}

// Permission implements chatops.Access.
func (r *redactingChat) Permission(ctx context.Context, user string) (chatops.Permission, error) {
	p, err := r.Forge.Permission(ctx, user)
	return p, r.secrets.Error(err)
}

// Member implements chatops.Access.
func (r *redactingChat) Member(ctx context.Context, user, team string) (bool, error) {
	ok, err := r.Forge.Member(ctx, user, team)
	return ok, r.secrets.Error(err)
}

// React implements chatops.Forge.
func (r *redactingChat) React(ctx context.Context, t chatops.Thread, id int64, re chatops.Reaction) error {
	return r.secrets.Error(r.Forge.React(ctx, t, id, re))
}

// Reply implements chatops.Forge.
func (r *redactingChat) Reply(ctx context.Context, t chatops.Thread, body string) error {
	return r.secrets.Error(r.Forge.Reply(ctx, t, r.secrets.Redact(body)))
}
