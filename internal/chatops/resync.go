package chatops

import (
	"context"
	"errors"
	"fmt"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/proposal"
	"github.com/gitops-promote/promote/promote"
)

// Checker is a Runner that can tell, without writing anything, what a
// promotion would propose and what stands on the forge for it.
type Checker interface {
	// Pending plans req and reports what the forge holds for its
	// proposal; the plan is empty when the target already matches.
	Pending(ctx context.Context, req promote.Request) (*proposal.Result, forge.Pendency, error)
	// Apps lists the apps env has a directory for (monorepos).
	Apps(ctx context.Context, env string) ([]string, error)
}

// Apps implements Checker.
func (r *Repo) Apps(ctx context.Context, env string) ([]string, error) {
	cfg, tree, err := r.atTip(ctx)
	if err != nil {
		return nil, err
	}
	e, err := cfg.Lookup(env)
	if err != nil {
		return nil, err
	}
	return promote.DiscoverApps(cfg, e, tree)
}

// Pending implements Checker.
func (r *Repo) Pending(ctx context.Context, req promote.Request) (*proposal.Result, forge.Pendency, error) {
	plan := proposal.Promotion(req)
	if r.Plan != nil {
		plan = r.Plan(req, "")
	}
	o := r.options(proposal.Options{Plan: plan})
	o.DryRun, o.Reviewers = true, nil
	res, err := proposal.Run(ctx, o)
	if err != nil || res.Plan.Empty() {
		return res, forge.Pendency{}, err
	}
	f, ok := r.Forge.(forge.Pending)
	if !ok {
		return res, forge.Pendency{}, fmt.Errorf("forge %s cannot list proposals", r.Forge.Name())
	}
	p := forge.Proposal{Branch: res.Branch, Base: res.Base, From: res.Plan.From, To: res.Plan.To}
	if len(req.Apps) == 1 {
		p.App = req.Apps[0]
	}
	pend, err := f.Pending(ctx, p)
	return res, pend, err
}

// Resync re-derives from the default branch what automatic promotion is
// due and does it, so that a lost event, a crash or a restart loses
// nothing: for every environment with autoPromote whose source differs
// from it (each app of a monorepo on its own), an open proposal is
// brought up to date and a missing one is opened. A proposal a person closed (a request carrying the branch's
// tip was closed unmerged) is left closed. Nothing is replied: a
// resync has no thread.
func (h *Handler) Resync(ctx context.Context) (*Result, error) {
	check, ok := h.Runner.(Checker)
	if !ok {
		return nil, errors.New("resync: the runner cannot check proposals")
	}
	cfg, err := h.Runner.Config(ctx)
	if err != nil {
		return &Result{Outcome: Failed, Error: err.Error()}, err
	}
	res := &Result{Outcome: Unchanged}
	var errs []error
	for _, t := range cfg.Environments {
		if !t.AutoPromote || t.From == "" {
			continue
		}
		reqs, err := h.resyncRequests(ctx, check, cfg, t)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s → %s: %w", t.From, t.Name, err))
			continue
		}
		for _, req := range reqs {
			p, err := h.resyncEdge(ctx, check, req)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s → %s: %w", t.From, t.Name, err))
				continue
			}
			if p != nil {
				res.Proposals = append(res.Proposals, p)
				if outcomeOf(p) == Proposed {
					res.Outcome = Proposed
				}
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		res.Outcome, res.Error = Failed, err.Error()
		return res, err
	}
	return res, nil
}

// resyncRequests are the promotions into t a resync considers: the
// whole environment, or in a monorepo one per app of the source (as a
// merged promotion of one app promotes that app onwards).
func (h *Handler) resyncRequests(ctx context.Context, check Checker, cfg *promote.Config, t promote.Environment) ([]promote.Request, error) {
	if cfg.Apps == nil {
		return []promote.Request{{From: t.From, To: t.Name}}, nil
	}
	apps, err := check.Apps(ctx, t.From)
	if err != nil {
		return nil, err
	}
	reqs := make([]promote.Request, len(apps))
	for i, app := range apps {
		reqs[i] = promote.Request{From: t.From, To: t.Name, Apps: []string{app}}
	}
	return reqs, nil
}

// resyncEdge proposes req when it is due; nil when it is not.
func (h *Handler) resyncEdge(ctx context.Context, check Checker, req promote.Request) (*proposal.Result, error) {
	plan, pend, err := check.Pending(ctx, req)
	switch {
	case err != nil:
		return nil, err
	case plan == nil || plan.Plan.Empty():
		return nil, nil
	case pend.Closed:
		h.log().Info("resync: left a closed promotion closed", "from", req.From, "to", req.To, "branch", plan.Branch)
		return nil, nil
	}
	p, err := h.Runner.Promote(ctx, req, "")
	if err != nil {
		return nil, err
	}
	h.log().Info("resync", "from", req.From, "to", req.To, "action", p.Action, "branch", p.Branch)
	return p, nil
}

// Fail tells a thread that its event could not be handled (the job
// panicked or ran out of its budget): a confused reaction on the
// comment and a fixed sentence naming no input. why is for the log
// only.
func (h *Handler) Fail(ctx context.Context, e *forge.Event, why error) error {
	h.log().Error("event failed", "error", why)
	var thread forge.Thread
	switch {
	case e == nil:
		return nil
	case e.Comment != nil:
		thread = e.Comment.Thread
		if err := h.Forge.React(ctx, thread, e.Comment.ID, forge.ReactConfused); err != nil {
			h.log().Warn("could not react to the comment", "error", err)
		}
	case e.Merged != nil:
		thread = e.Merged.Thread
	default:
		return nil
	}
	return h.Forge.Reply(ctx, thread, failedReply)
}

// failedReply is what a thread is told when its event failed.
const failedReply = "promote could not handle this event: the job failed or ran out of its time or memory budget, and was stopped. " +
	"Nothing was proposed by it. The server's log says why; the periodic resync retries automatic promotions, and a command can be posted again."
