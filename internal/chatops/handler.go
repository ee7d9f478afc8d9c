package chatops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/notify"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/promote"
)

// RollbackRequest is what /rollback asks for.
type RollbackRequest struct {
	Env string
	// Commit, when set, is the commit to return to; else Steps changes
	// back.
	Commit string
	Steps  int
}

// Runner carries out commands on the repository's default branch.
type Runner interface {
	// Config is the configuration on the default branch's tip.
	Config(ctx context.Context) (*promote.Config, error)
	// Promote proposes a promotion; force, when not empty, is the reason
	// to propose it past the gates that hold it back.
	Promote(ctx context.Context, req promote.Request, force string) (*proposal.Result, error)
	// Rollback proposes a rollback.
	Rollback(ctx context.Context, req RollbackRequest) (*proposal.Result, error)
	// Status renders what every environment runs, in markdown.
	Status(ctx context.Context) (string, error)
}

// Outcome is what handling an event came to.
type Outcome string

// Outcomes, the values of the promotions metric's outcome label.
const (
	// Ignored: not a command, an edited or deleted comment, a bot not
	// listed, a request that was not a merged promotion.
	Ignored Outcome = "ignored"
	// Malformed: a command that does not follow the grammar.
	Malformed Outcome = "malformed"
	// Refused: the author may not run the command.
	Refused Outcome = "refused"
	// Proposed: a request was opened or updated.
	Proposed Outcome = "proposed"
	// Unchanged: nothing to do (the target already matches, the request
	// is up to date).
	Unchanged Outcome = "unchanged"
	// Answered: help or status was replied.
	Answered Outcome = "answered"
	// Failed: the command was allowed but could not be carried out.
	Failed Outcome = "failed"
)

// Result says what handling an event did.
type Result struct {
	Outcome Outcome `json:"outcome"`
	// Command is the command read, when there was one.
	Command *Command `json:"command,omitempty"`
	// Proposals are the proposals made (a promotion, a rollback, or the
	// automatic promotions after a merge).
	Proposals []*proposal.Result `json:"proposals,omitempty"`
	// Reply is the comment posted, if any.
	Reply string `json:"reply,omitempty"`
	// Error is why the command failed.
	Error string `json:"error,omitempty"`
}

// Err is the failure to report once the reply is posted, so that the
// CI step fails: a command, or an automatic promotion after a merge,
// that failed. Every other outcome is nil: a malformed or refused
// command was answered as it should be.
func (r *Result) Err() error {
	if r == nil || r.Outcome != Failed {
		return nil
	}
	what := "the promotions after the merge"
	if r.Command != nil {
		what = "`" + r.Command.String() + "`"
	}
	return fmt.Errorf("%s failed: %s", what, r.Error)
}

// Handler answers chat commands and merged promotions of one repository.
type Handler struct {
	Forge  forge.Commenter
	Runner Runner
	// Log receives what happened; nil discards it.
	Log *slog.Logger
	// Notify sends the merged notifications promote.yaml lists; nil
	// sends none.
	Notify *notify.Sender
}

func (h *Handler) log() *slog.Logger {
	if h.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Log
}

// HandleComment runs the command in c, if any: it reacts with eyes,
// authorizes the author, runs the command, reacts with rocket or
// confused and replies with the result. Comments that are not commands,
// edited and deleted comments and comments of bots not listed under
// chatops.bots are ignored without a word. A returned error is one the
// handler could not even report on the thread.
func (h *Handler) HandleComment(ctx context.Context, c *forge.Comment) (*Result, error) {
	if c == nil || !c.Created {
		return &Result{Outcome: Ignored}, nil
	}
	cmd, perr := Parse(c.Body)
	if cmd == nil && perr == nil {
		return &Result{Outcome: Ignored}, nil
	}
	var cfg *promote.Config
	if c.Author.Bot {
		var err error
		if cfg, err = h.Runner.Config(ctx); err != nil || !cfg.BotAllowed(c.Author.Login) {
			h.log().Info("ignored a command of a bot not listed under chatops.bots", "author", c.Author.Login, "error", err)
			return &Result{Outcome: Ignored}, nil
		}
	}
	res := &Result{Command: cmd}
	if err := h.Forge.React(ctx, c.Thread, c.ID, forge.ReactEyes); err != nil {
		h.log().Warn("could not react to the comment", "error", err)
	}
	if perr != nil {
		res.Outcome = Malformed
		if h.mayWrite(ctx, c.Author, cfg) {
			res.Reply = malformedReply(perr)
		}
		return res, h.finish(ctx, c, res)
	}
	h.run(ctx, c, cmd, cfg, res)
	return res, h.finish(ctx, c, res)
}

// run carries out an allowed command and fills res.
func (h *Handler) run(ctx context.Context, c *forge.Comment, cmd *Command, cfg *promote.Config, res *Result) {
	switch cmd.Verb {
	case VerbHelp:
		res.Outcome, res.Reply = Answered, Grammar
		return
	case VerbStatus:
		md, err := h.Runner.Status(ctx)
		if err != nil {
			h.fail(res, cmd, err)
			return
		}
		res.Outcome, res.Reply = Answered, md
		return
	}
	if cfg == nil {
		var err error
		if cfg, err = h.Runner.Config(ctx); err != nil {
			h.fail(res, cmd, err)
			return
		}
	}
	err := Authorize(ctx, h.Forge, cfg, c.Author, cmd.Env)
	if err == nil && cmd.Force != "" {
		err = authorizeForce(cfg, c.Author, cmd.Env)
	}
	if err != nil {
		var r *Refusal
		if errors.As(err, &r) {
			res.Outcome, res.Error = Refused, r.Msg
			if !r.NoAccess {
				res.Reply = fmt.Sprintf("Not run: %s.\n\n%s", promote.Code(cmd.String()), fence(r.Msg))
			}
			return
		}
		h.fail(res, cmd, err)
		return
	}
	p, err := h.propose(ctx, cmd)
	if err != nil {
		h.fail(res, cmd, err)
		return
	}
	res.Proposals = []*proposal.Result{p}
	res.Outcome, res.Reply = outcomeOf(p), describe(cmd.String(), c.Author.Login, p)
}

func (h *Handler) propose(ctx context.Context, cmd *Command) (*proposal.Result, error) {
	if cmd.Verb == VerbRollback {
		return h.Runner.Rollback(ctx, RollbackRequest{Env: cmd.Env, Commit: cmd.Commit, Steps: cmd.Steps})
	}
	return h.Runner.Promote(ctx, promote.Request{From: cmd.From, To: cmd.Env, Apps: cmd.Apps}, cmd.Force)
}

func (h *Handler) fail(res *Result, cmd *Command, err error) {
	res.Outcome, res.Error = Failed, err.Error()
	res.Reply = fmt.Sprintf("%s failed:\n\n%s", promote.Code(cmd.String()), fence(err.Error()))
}

// mayWrite reports whether a may write to the repository (or is a bot
// listed under chatops.bots): only such authors are told what was wrong
// with a command.
func (h *Handler) mayWrite(ctx context.Context, a forge.Actor, cfg *promote.Config) bool {
	if a.Bot {
		return cfg != nil && cfg.BotAllowed(a.Login)
	}
	perm, err := h.Forge.Permission(ctx, a.Login)
	if err != nil {
		h.log().Warn("could not check the permission of a command's author", "author", a.Login, "error", err)
		return false
	}
	return perm.CanWrite()
}

// finish reacts with the verdict and posts the reply.
func (h *Handler) finish(ctx context.Context, c *forge.Comment, res *Result) error {
	verdict := forge.ReactRocket
	if res.Outcome == Malformed || res.Outcome == Refused || res.Outcome == Failed {
		verdict = forge.ReactConfused
	}
	if err := h.Forge.React(ctx, c.Thread, c.ID, verdict); err != nil {
		h.log().Warn("could not react to the comment", "error", err)
	}
	h.log().Info("chat command", "command", c.Body, "author", c.Author.Login, "outcome", res.Outcome, "error", res.Error)
	if res.Reply == "" {
		return nil
	}
	if err := h.Forge.Reply(ctx, c.Thread, res.Reply); err != nil {
		return fmt.Errorf("reply on %s #%d: %w", c.Thread.Kind, c.Thread.Number, err)
	}
	return nil
}

func malformedReply(err error) string {
	var se *SyntaxError
	msg := err.Error()
	if errors.As(err, &se) {
		msg = se.Line + "\n" + se.Msg
	}
	return fmt.Sprintf("Not a valid command:\n\n%s\n\n%s", fence(msg), Grammar)
}

// outcomeOf is Proposed when a request was opened or updated.
func outcomeOf(p *proposal.Result) Outcome {
	switch p.Action {
	case "created", "updated":
		return Proposed
	}
	return Unchanged
}
