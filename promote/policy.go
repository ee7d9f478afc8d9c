package promote

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Policy rules a promotion can break: the names of the gates.
const (
	RuleEdge        = GateEdge
	RuleFreeze      = GateFreeze
	RuleSourceClean = GateSourceClean
)

// Violation is a pipeline rule a promotion breaks.
type Violation struct {
	// Rule is the gate's name: edge, freeze, stop, requireSourceClean,
	// soak or checks.
	Rule string `json:"rule"`
	// Msg says what is wrong.
	Msg string `json:"message"`
}

// Forced records that a proposal was made despite the pipeline policy.
type Forced struct {
	// Reason is the reason given for forcing.
	Reason string `json:"reason"`
	// Overrides are the rules broken.
	Overrides []Violation `json:"overrides"`
}

// PolicyError refuses a promotion that breaks the pipeline policy.
type PolicyError struct {
	From, To   string
	Violations []Violation
	// Gates are every gate evaluated, passed or not.
	Gates []Gate
}

// Waiting reports whether only gates that open by themselves (soak time,
// pending checks, a freeze window that ends) hold the promotion back.
func (e *PolicyError) Waiting() bool {
	for _, g := range e.Gates {
		if g.State == GateBlocked {
			return false
		}
	}
	return true
}

func (e *PolicyError) Error() string {
	msgs := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		msgs[i] = v.Msg
	}
	return fmt.Sprintf("promotion %s → %s refused by pipeline policy: %s", e.From, e.To, strings.Join(msgs, "; "))
}

// CheckPolicy returns the pipeline rules plan breaks at time now: the
// gates (see EvaluateGates) that read nothing but the configuration,
// the trees and the clock, which are not passed.
func CheckPolicy(cfg *Config, plan *Plan, trees Trees, now time.Time) ([]Violation, error) {
	gates, err := EvaluateGates(cfg, plan, trees, GateInput{Now: now})
	if err != nil {
		return nil, err
	}
	return Violations(gates), nil
}

func edgeMsg(cfg *Config, plan *Plan, to Environment) string {
	if to.From == "" {
		return fmt.Sprintf("%s has no from: in %s, so nothing is promoted into it", to.Name, cfg.File)
	}
	return fmt.Sprintf("the pipeline has no edge %s → %s (%s is promoted from %s)", plan.From, plan.To, to.Name, to.From)
}

// sourceClean checks that the plan's source has nothing mid-flight.
func sourceClean(cfg *Config, plan *Plan, trees Trees) (Gate, error) {
	g := Gate{Name: GateSourceClean, State: GatePassed, Detail: plan.From + " is clean"}
	src, err := cfg.Lookup(plan.From)
	if err != nil {
		return g, err
	}
	if src.From == "" {
		g.Detail = plan.From + " has no source of its own"
		return g, nil
	}
	inner, err := NewPlan(cfg, Request{From: src.From, To: src.Name, Apps: plan.Apps}, Trees{Source: trees.Source, Target: trees.Source})
	if err != nil {
		return g, fmt.Errorf("check that %s is clean (requireSourceClean of %s): %w", src.Name, plan.To, err)
	}
	if inner.Empty() {
		return g, nil
	}
	c := inner.Changes[0]
	msg := fmt.Sprintf("%s is not clean: %d %s from %s %s not reached it yet (first: %s), and %s requires a clean source",
		src.Name, len(inner.Changes), pluralWord(len(inner.Changes), "promotable"), src.From, pluralWord(len(inner.Changes), "has"), changeLine(c), plan.To)
	// A source gets clean once the promotion into it merges.
	return Gate{Name: GateSourceClean, State: GateWaiting, Detail: msg}, nil
}

func pluralWord(n int, w string) string {
	switch {
	case n == 1:
		return w
	case w == "has":
		return "have"
	}
	return w + "s"
}

// EnforcePolicy evaluates the gates of plan (EvaluateGates) with in,
// records them in plan.Gates, and refuses the plan with a *PolicyError
// when one has not passed, unless reason is given: then the plan is
// marked Forced with the reason and the gates it overrides, which its
// commit trailers and body show. A reason must be one line.
func EnforcePolicy(cfg *Config, plan *Plan, trees Trees, in GateInput, reason string) error {
	if strings.ContainsAny(reason, "\r\n") {
		return errors.New("the reason for forcing must be one line (it becomes a Promote-Forced: trailer)")
	}
	gates, err := EvaluateGates(cfg, plan, trees, in)
	if err != nil {
		return err
	}
	plan.Gates = gates
	vs := Violations(gates)
	if len(vs) == 0 {
		return nil
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return &PolicyError{From: plan.From, To: plan.To, Violations: vs, Gates: gates}
	}
	plan.Forced = &Forced{Reason: reason, Overrides: vs}
	return nil
}
