package promote

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Policy rules a promotion can break.
const (
	RuleEdge        = "edge"
	RuleFreeze      = "freeze"
	RuleSourceClean = "requireSourceClean"
)

// Freeze is a window in which proposals into an environment are refused
// unless forced: from (inclusive) to (exclusive), RFC 3339 times.
type Freeze struct {
	From   string `yaml:"from" json:"from"`
	To     string `yaml:"to" json:"to"`
	Reason string `yaml:"reason,omitempty" json:"reason,omitempty"`

	from, to time.Time
	line     int
}

// freezeKeys are the keys a freeze window accepts.
var freezeKeys = []string{"from", "to", "reason"}

// UnmarshalYAML decodes a freeze window, remembering its line and
// refusing unknown keys.
func (f *Freeze) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: freeze: expected a mapping with from:, to: and reason:", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(freezeKeys, k.Value) {
			return fmt.Errorf("line %d: freeze: unknown key %q (expected %s)", k.Line, k.Value, strings.Join(freezeKeys, ", "))
		}
		if v.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: freeze: %s: expected a string", v.Line, k.Value)
		}
		switch k.Value {
		case "from":
			f.From = v.Value
		case "to":
			f.To = v.Value
		case "reason":
			f.Reason = v.Value
		}
	}
	f.line = n.Line
	return nil
}

// Contains reports whether t falls in the window. The window must have
// been validated (ParseConfig does).
func (f Freeze) Contains(t time.Time) bool {
	return !t.Before(f.from) && t.Before(f.to)
}

// validateFreeze parses and checks env's freeze windows.
func (c *Config) validateFreeze(e *Environment) error {
	for i := range e.Freeze {
		f := &e.Freeze[i]
		line := cmpLine(f.line, e.line)
		where := fmt.Sprintf("environment %q: freeze[%d]", e.Name, i)
		var err error
		if f.from, err = parseTime(f.From); err != nil {
			return c.errorf(line, "%s: from: %v", where, err)
		}
		if f.to, err = parseTime(f.To); err != nil {
			return c.errorf(line, "%s: to: %v", where, err)
		}
		if !f.from.Before(f.to) {
			return c.errorf(line, "%s: from %s is not before to %s", where, f.From, f.To)
		}
	}
	return nil
}

func cmpLine(a, b int) int {
	if a > 0 {
		return a
	}
	return b
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("missing: expected an RFC 3339 time such as 2026-12-20T00:00:00Z")
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time (expected e.g. 2026-12-20T00:00:00Z)", s)
	}
	return t, nil
}

// Violation is a pipeline rule a promotion breaks.
type Violation struct {
	// Rule is edge, freeze or requireSourceClean.
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
}

func (e *PolicyError) Error() string {
	msgs := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		msgs[i] = v.Msg
	}
	return fmt.Sprintf("promotion %s → %s refused by pipeline policy: %s", e.From, e.To, strings.Join(msgs, "; "))
}

// CheckPolicy returns the pipeline rules plan breaks at time now:
//
//   - edge: the plan's source is not the target's from: (promotion only
//     along configured edges);
//   - freeze: now falls in one of the target's freeze windows;
//   - requireSourceClean (when the target sets it): the source is not
//     clean. A source is clean when it has no from:, or when planning
//     the edge into it (its from: → the source, same apps, that edge's
//     promotables) from trees.Source yields no change: every promotable
//     that travels into the source already has its value there, so
//     nothing is mid-flight into the environment about to be promoted.
//
// Freeze windows and requireSourceClean only apply to plans that change
// something.
func CheckPolicy(cfg *Config, plan *Plan, trees Trees, now time.Time) ([]Violation, error) {
	to, err := cfg.Lookup(plan.To)
	if err != nil {
		return nil, err
	}
	var out []Violation
	if to.From != plan.From {
		out = append(out, Violation{RuleEdge, edgeMsg(cfg, plan, to)})
	}
	if plan.Empty() {
		return out, nil
	}
	for _, f := range to.Freeze {
		if f.Contains(now) {
			out = append(out, Violation{RuleFreeze, freezeMsg(to.Name, f)})
		}
	}
	if to.RequireSourceClean {
		v, err := sourceClean(cfg, plan, trees)
		if err != nil {
			return nil, err
		}
		out = append(out, v...)
	}
	return out, nil
}

func edgeMsg(cfg *Config, plan *Plan, to Environment) string {
	if to.From == "" {
		return fmt.Sprintf("%s has no from: in %s, so nothing is promoted into it", to.Name, cfg.File)
	}
	return fmt.Sprintf("the pipeline has no edge %s → %s (%s is promoted from %s)", plan.From, plan.To, to.Name, to.From)
}

func freezeMsg(env string, f Freeze) string {
	msg := fmt.Sprintf("%s is frozen from %s to %s", env, f.From, f.To)
	if f.Reason != "" {
		msg += " (" + f.Reason + ")"
	}
	return msg
}

// sourceClean checks that the plan's source has nothing mid-flight.
func sourceClean(cfg *Config, plan *Plan, trees Trees) ([]Violation, error) {
	src, err := cfg.Lookup(plan.From)
	if err != nil {
		return nil, err
	}
	if src.From == "" {
		return nil, nil
	}
	inner, err := NewPlan(cfg, Request{From: src.From, To: src.Name, Apps: plan.Apps}, Trees{Source: trees.Source, Target: trees.Source})
	if err != nil {
		return nil, fmt.Errorf("check that %s is clean (requireSourceClean of %s): %w", src.Name, plan.To, err)
	}
	if inner.Empty() {
		return nil, nil
	}
	c := inner.Changes[0]
	msg := fmt.Sprintf("%s is not clean: %d %s from %s %s not reached it yet (first: %s), and %s requires a clean source",
		src.Name, len(inner.Changes), pluralWord(len(inner.Changes), "promotable"), src.From, pluralWord(len(inner.Changes), "has"), changeLine(c), plan.To)
	return []Violation{{RuleSourceClean, msg}}, nil
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

// EnforcePolicy refuses plan with a *PolicyError when it breaks the
// pipeline policy at time now, unless reason is given: then the plan is
// marked Forced with the reason and the rules it overrides, which its
// commit trailers and body show. A reason must be one line.
func EnforcePolicy(cfg *Config, plan *Plan, trees Trees, now time.Time, reason string) error {
	if strings.ContainsAny(reason, "\r\n") {
		return errors.New("the reason for forcing must be one line (it becomes a Promote-Forced: trailer)")
	}
	vs, err := CheckPolicy(cfg, plan, trees, now)
	if err != nil || len(vs) == 0 {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return &PolicyError{From: plan.From, To: plan.To, Violations: vs}
	}
	plan.Forced = &Forced{Reason: reason, Overrides: vs}
	return nil
}
