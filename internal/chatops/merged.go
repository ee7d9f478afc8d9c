package chatops

import (
	"context"
	"fmt"
	"strings"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/notify"
	"github.com/gitops-promote/promote/promote"
)

// Promotion is the promotion a merged request carried.
type Promotion struct {
	From, To, App string
}

// Recognize tells whether a request was a promotion: by the marker in
// its body (<!-- promote: from=… to=… app=… -->) or else by its branch
// (promote/<from>-to-<to>, promote/<app>/<from>-to-<to>) naming an
// environment of cfg. Rollbacks are not promotions.
func Recognize(cfg *promote.Config, body, head string) (Promotion, bool) {
	if from, to, app, ok := forge.ParseMarker(body, head); ok {
		return Promotion{From: from, To: to, App: app}, from != to && from != ""
	}
	rest, ok := strings.CutPrefix(head, "promote/")
	if !ok {
		return Promotion{}, false
	}
	app, edge := "", rest
	if i := strings.LastIndex(rest, "/"); i >= 0 {
		app, edge = rest[:i], rest[i+1:]
	}
	if strings.HasPrefix(edge, "rollback-") {
		return Promotion{}, false
	}
	for _, e := range cfg.Environments {
		if from, ok := strings.CutSuffix(edge, "-to-"+e.Name); ok && from != "" {
			return Promotion{From: from, To: e.Name, App: app}, true
		}
	}
	return Promotion{}, false
}

// HandleMerged opens the next promotions after a promotion into an
// environment was merged into the default branch: one for each
// environment promoted from it that has autoPromote: true. It replies on
// the merged request with links to them.
func (h *Handler) HandleMerged(ctx context.Context, repo forge.Repository, m *forge.Merged) (*Result, error) {
	if m == nil || !m.Merged || m.Base != repo.DefaultBranch {
		return &Result{Outcome: Ignored}, nil
	}
	_, _, _, marked := forge.ParseMarker(m.Body, m.Head)
	if !marked && !strings.HasPrefix(m.Head, "promote/") {
		return &Result{Outcome: Ignored}, nil
	}
	cfg, err := h.Runner.Config(ctx)
	if err != nil {
		return &Result{Outcome: Failed, Error: err.Error()}, err
	}
	h.notifyMerged(ctx, cfg, repo, m)
	prom, ok := Recognize(cfg, m.Body, m.Head)
	if !ok {
		return &Result{Outcome: Ignored}, nil
	}
	var next []promote.Environment
	for _, t := range cfg.Targets(prom.To) {
		if t.AutoPromote {
			next = append(next, t)
		}
	}
	if len(next) == 0 {
		return &Result{Outcome: Ignored}, nil
	}
	res := h.promoteNext(ctx, prom, next)
	h.log().Info("merged promotion", "from", prom.From, "to", prom.To, "outcome", res.Outcome, "error", res.Error)
	if res.Reply == "" {
		return res, nil
	}
	if err := h.Forge.Reply(ctx, m.Thread, res.Reply); err != nil {
		return res, fmt.Errorf("reply on %s #%d: %w", m.Thread.Kind, m.Thread.Number, err)
	}
	return res, nil
}

// promoteNext proposes the promotions from prom.To into next.
func (h *Handler) promoteNext(ctx context.Context, prom Promotion, next []promote.Environment) *Result {
	res := &Result{Outcome: Unchanged}
	var lines, errs []string
	for _, t := range next {
		req := promote.Request{From: prom.To, To: t.Name}
		if prom.App != "" {
			req.Apps = []string{prom.App}
		}
		p, err := h.Runner.Promote(ctx, req, "")
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s → %s: %v", prom.To, t.Name, err))
			lines = append(lines, fmt.Sprintf("- %s → %s failed: %v", prom.To, t.Name, err))
			continue
		}
		res.Proposals = append(res.Proposals, p)
		if outcomeOf(p) == Proposed {
			res.Outcome = Proposed
			lines = append(lines, "- "+what(p))
		}
	}
	if len(errs) > 0 {
		res.Outcome, res.Error = Failed, strings.Join(errs, "; ")
	}
	if len(lines) > 0 {
		res.Reply = fmt.Sprintf("Merged into %s; next (autoPromote):\n\n%s", prom.To, strings.Join(lines, "\n"))
	}
	return res
}

// notifyMerged sends the merged notification of a promotion or rollback
// request.
func (h *Handler) notifyMerged(ctx context.Context, cfg *promote.Config, repo forge.Repository, m *forge.Merged) {
	if h.Notify == nil || len(cfg.Notify) == 0 {
		return
	}
	ev := notify.Event{Event: promote.NotifyMerged, Repository: repo.Path, Title: m.Title, Number: m.Thread.Number,
		Branch: m.Head, URL: requestURL(repo, m.Thread)}
	if prom, ok := Recognize(cfg, m.Body, m.Head); ok {
		ev.From, ev.To = prom.From, prom.To
		if prom.App != "" {
			ev.Apps = []string{prom.App}
		}
	} else if to, app, ok := rollbackBranch(cfg, m.Head); ok {
		ev.To, ev.Rollback = to, true
		if app != "" {
			ev.Apps = []string{app}
		}
	} else {
		return
	}
	if ev.Title == "" {
		ev.Title = "promote(" + ev.To + ")"
	}
	h.Notify.Send(ctx, cfg.Notify, ev)
}

// rollbackBranch reads a rollback's branch: promote/rollback-<env> or
// promote/<app>/rollback-<env>, env an environment of cfg.
func rollbackBranch(cfg *promote.Config, head string) (env, app string, ok bool) {
	rest, ok := strings.CutPrefix(head, "promote/")
	if !ok {
		return "", "", false
	}
	edge := rest
	if i := strings.LastIndex(rest, "/"); i >= 0 {
		app, edge = rest[:i], rest[i+1:]
	}
	env, ok = strings.CutPrefix(edge, "rollback-")
	if _, known := cfg.Env(env); !ok || !known {
		return "", "", false
	}
	return env, app, true
}

// requestURL links a pull or merge request from the repository's HTTPS
// clone URL; "" when it cannot.
func requestURL(repo forge.Repository, t forge.Thread) string {
	base, ok := strings.CutSuffix(repo.CloneURL, ".git")
	if !ok || !strings.HasPrefix(base, "https://") || t.Number <= 0 {
		return ""
	}
	if repo.Forge == "gitlab" {
		return fmt.Sprintf("%s/-/merge_requests/%d", base, t.Number)
	}
	return fmt.Sprintf("%s/pull/%d", base, t.Number)
}
