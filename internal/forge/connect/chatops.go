package connect

import (
	"context"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge"
	gtforge "github.com/gitops-promote/promote/internal/forge/gitea"
	ghforge "github.com/gitops-promote/promote/internal/forge/github"
	glforge "github.com/gitops-promote/promote/internal/forge/gitlab"
	"github.com/gitops-promote/promote/internal/forge/remote"
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

// Origin returns the origin remote of a forge opened by Open (GitHub,
// GitLab or Gitea), for operations beyond proposals (set-image --direct); ok is
// false for the local forge.
func Origin(f forge.Forge) (*remote.Remote, bool) {
	if r, ok := f.(*redacting); ok {
		f = r.Forge
	}
	switch t := f.(type) {
	case *ghforge.Forge:
		return t.Remote, t.Remote != nil
	case *glforge.Forge:
		return t.Remote, t.Remote != nil
	case *gtforge.Forge:
		return t.Remote, t.Remote != nil
	}
	return nil, false
}
