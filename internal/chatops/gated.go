package chatops

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/forge/retry"
	"github.com/gitops-promote/promote/internal/notify"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/internal/review"
	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// Gated is the runner of chat commands on base (the default branch)
// with the gates of run and rollback: the pipeline policy (forced from a
// comment only by approvers, see Authorize), with now as the gates'
// clock, and the validation gate.
func Gated(ws *workspace.Workspace, fg forge.Forge, base string, s Setup) *Repo {
	now := s.Now
	return &Repo{
		Workspace: ws, Forge: fg, Base: base,
		Plan: func(req promote.Request, force string) proposal.PlanFunc {
			// Chat commands are bounded by the server's or the job's
			// own timeouts; the forge calls of the gates by the forge's.
			src := review.ForgeSources(now, ws, fg)
			src.Deepen = proposal.Deepener(context.Background(), fg)
			return review.Policy(context.Background(), proposal.Promotion(req), src, force)
		},
		Reviewers: []proposal.Reviewer{review.Rendered(review.Options{})},
		Notify:    s.Notify,
		Retry:     s.Retry,
		Progress:  s.Progress,
	}
}

// Setup is what the chat runner and handler take from their front end:
// the gates' clock, the log (nil discards it), the notifications (nil
// sends none), the pace of re-planning after lost races and what is told
// of each re-plan (nil says nothing).
type Setup struct {
	Now      func() time.Time
	Log      *slog.Logger
	Notify   *notify.Sender
	Retry    retry.Policy
	Progress func(string)
}

// NewHandler answers chat commands through the comment side of fg (a
// forge opened by connect.Open) with the Gated runner on base. It fails
// for a forge without comments (local).
func NewHandler(ws *workspace.Workspace, fg forge.Forge, base string, s Setup) (*Handler, error) {
	chat, ok := connect.ChatOps(fg)
	if !ok {
		return nil, fmt.Errorf("forge %s has no comments: chat commands need a forge with comments, such as github or gitlab", fg.Name())
	}
	return &Handler{Forge: chat, Runner: Gated(ws, fg, base, s), Log: s.Log, Notify: s.Notify}, nil
}

// Handle answers an event that NeedsWork: its comment's command, or its
// merged request.
func (h *Handler) Handle(ctx context.Context, ev *forge.Event) (*Result, error) {
	if ev.Comment != nil {
		return h.HandleComment(ctx, ev.Comment)
	}
	return h.HandleMerged(ctx, ev.Repository, ev.Merged)
}
