package chatops

import (
	"context"
	"fmt"
	"strings"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/promote"
)

// describePermission names p in a sentence: "no access", "read
// permission".
func describePermission(p forge.Permission) string {
	if p == forge.PermNone || p == "" {
		return "no access"
	}
	return string(p) + " permission"
}

// Refusal says why a command's author may not run it; it is replied to
// the thread.
type Refusal struct {
	Msg string
	// NoAccess is set when the author may not write to the repository
	// at all: such an author gets no reply beyond the reaction.
	NoAccess bool
}

// Error implements error.
func (r *Refusal) Error() string { return r.Msg }

// Authorize decides whether a may promote into or roll back env: the
// author needs write, maintain or admin permission on the repository
// (bots listed under chatops.bots are vouched for by the configuration
// instead), and, when env lists approvers, must be one of them or a
// member of one of the teams listed. It returns a *Refusal when not.
func Authorize(ctx context.Context, acc forge.Access, cfg *promote.Config, a forge.Actor, env string) error {
	e, err := cfg.Lookup(env)
	if err != nil {
		return &Refusal{Msg: err.Error()}
	}
	if !(a.Bot && cfg.BotAllowed(a.Login)) {
		perm, err := acc.Permission(ctx, a.Login)
		if err != nil {
			return fmt.Errorf("check the permission of @%s: %w", a.Login, err)
		}
		if !perm.CanWrite() {
			return &Refusal{Msg: fmt.Sprintf("@%s has %s on this repository; changing %s needs write, maintain or admin permission.", a.Login, describePermission(perm), env), NoAccess: true}
		}
	}
	if len(e.Approvers) == 0 {
		return nil
	}
	ok, err := approver(ctx, acc, e.Approvers, a.Login)
	if err != nil {
		return err
	}
	if !ok {
		return &Refusal{Msg: fmt.Sprintf("@%s is not an approver of %s (approvers: %s).", a.Login, env, strings.Join(e.Approvers, ", "))}
	}
	return nil
}

// authorizeForce decides whether a, already authorized to promote into
// env, may force a promotion past its gates from chat: only when env
// lists approvers (Authorize then checked a is one). Forcing by comment
// into an environment without approvers is refused: the command line's
// --force --reason stays open to those who can push.
func authorizeForce(cfg *promote.Config, a forge.Actor, env string) error {
	e, err := cfg.Lookup(env)
	if err != nil {
		return &Refusal{Msg: err.Error()}
	}
	if len(e.Approvers) == 0 {
		return &Refusal{Msg: fmt.Sprintf("@%s may not force a promotion into %s from a comment: %s lists no approvers for it, and only approvers may force by chat.", a.Login, env, cfg.File)}
	}
	return nil
}

// approver reports whether login is listed among approvers or is a
// member of a team listed there.
func approver(ctx context.Context, acc forge.Access, approvers []string, login string) (bool, error) {
	var teams []string
	for _, a := range approvers {
		if !strings.Contains(a, "/") {
			if strings.EqualFold(a, login) {
				return true, nil
			}
			continue
		}
		teams = append(teams, a)
	}
	for _, t := range teams {
		ok, err := acc.Member(ctx, login, t)
		if err != nil {
			return false, fmt.Errorf("check whether @%s is in %s: %w", login, t, err)
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}
