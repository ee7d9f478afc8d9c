package promote

import (
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"
	"unicode"
)

// soakGate checks that every value plan promotes has run in the source
// for at least required, measured from the commit that brought it there
// (the newest entry of in.SourceHistory that set it).
func soakGate(plan *Plan, required time.Duration, in GateInput) Gate {
	g := Gate{Name: GateSoak, State: GatePassed}
	if in.HistoryErr != nil {
		g.State, g.Detail = GateBlocked, fmt.Sprintf("soak time of %s cannot be measured: %v", plan.From, in.HistoryErr)
		return g
	}
	var soaking []string
	var ready time.Time
	for _, c := range soakChanges(plan) {
		v := soakValue(plan.From, c, required, in)
		g.Soak = append(g.Soak, v)
		if !v.Ready {
			soaking = append(soaking, v.Line)
			if v.ReadyAt.After(ready) {
				ready = v.ReadyAt
			}
		}
	}
	if len(soaking) == 0 {
		g.Detail = fmt.Sprintf("every value has run in %s for %s or more", plan.From, FormatDuration(required))
		return g
	}
	g.State, g.ReadyAt = GateWaiting, &ready
	g.Detail = fmt.Sprintf("still soaking in %s (%s required): %s", plan.From, FormatDuration(required), strings.Join(soaking, "; "))
	return g
}

// soakChanges are the plan's changes that bring a value, once per app,
// kind and name (a value set in several files soaks once).
func soakChanges(plan *Plan) []Change {
	var out []Change
	for _, c := range plan.Changes {
		if c.New == "" || slices.ContainsFunc(out, func(o Change) bool { return sameValueKey(o, c) }) {
			continue
		}
		out = append(out, c)
	}
	return out
}

func sameValueKey(a, b Change) bool { return a.App == b.App && a.Kind == b.Kind && a.Name == b.Name }

// soakValue finds when c's value came into the source: the newest
// history entry that changed the same value. A value the history does
// not mention has been there since before the history read, and counts
// as soaked; one whose newest change set another value (an edit not yet
// committed) has not soaked at all.
func soakValue(env string, c Change, required time.Duration, in GateInput) SoakValue {
	v := SoakValue{App: c.App, Kind: c.Kind, Name: c.Name, Value: c.New, Required: int64(required / time.Second)}
	since, commit, found := arrival(c, in.SourceHistory)
	label := soakLabel(c)
	if !found {
		v.Ready, v.Soaked = true, v.Required
		v.Line = fmt.Sprintf("%s: in %s since before the history read", label, env)
		return v
	}
	if since.IsZero() {
		since = in.Now
	}
	v.Since, v.Commit = since, commit
	soaked := max(in.Now.Sub(since), 0)
	v.Soaked = int64(soaked / time.Second)
	v.ReadyAt = since.Add(required)
	v.Ready = soaked >= required
	v.Line = fmt.Sprintf("%s: %s of %s in %s", label, FormatDuration(soaked), FormatDuration(required), env)
	if !v.Ready {
		v.Line += ", ready " + FormatTime(v.ReadyAt)
	}
	return v
}

// arrival returns the date and commit of the newest entry changing c's
// value; a zero date when that entry set another value.
func arrival(c Change, history []HistoryEntry) (time.Time, string, bool) {
	for _, e := range history {
		for _, h := range e.Changes {
			if !sameValueKey(h, c) {
				continue
			}
			if h.New != c.New {
				return time.Time{}, "", true
			}
			return e.Date, e.Commit, true
		}
	}
	return time.Time{}, "", false
}

// soakLabel names a value in soak messages: "ghcr.io/acme/web 1.4.2",
// "[web] chart redis 18.1.0", "file config/app.yaml".
func soakLabel(c Change) string {
	app := ""
	if c.App != "" {
		app = "[" + c.App + "] "
	}
	if c.Kind == KindFile {
		return app + "file " + c.Name
	}
	return app + kindWord(c) + c.Name + " " + ShortValue(c.New)
}

// FormatDuration writes d in hours and minutes as gate messages do:
// 3h, 1h30m, 62h, 0m.
func FormatDuration(d time.Duration) string {
	d = max(d.Truncate(time.Minute), 0)
	hours, mins := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case hours == 0:
		return fmt.Sprintf("%dm", mins)
	case mins == 0:
		return fmt.Sprintf("%dh", hours)
	}
	return fmt.Sprintf("%dh%dm", hours, mins)
}

// checksGate passes when each required check succeeded on the commit
// that last changed the source or on a later base commit.
func checksGate(from string, required []string, in GateInput) Gate {
	g := Gate{Name: GateChecks, State: GatePassed}
	if in.ChecksErr != nil {
		g.State, g.Detail = GateWaiting, fmt.Sprintf("checks of %s cannot be read: %v", from, in.ChecksErr)
		return g
	}
	if len(in.Checks) == 0 {
		g.State, g.Detail = GateWaiting, fmt.Sprintf("no commit of %s to read checks on", from)
		return g
	}
	var blocked, waiting []string
	for _, name := range required {
		state, commit := checkOutcome(name, in.Checks)
		switch state {
		case CheckSuccess:
		case CheckFailure:
			blocked = append(blocked, fmt.Sprintf("%s failed on %s", name, shortCommit(commit)))
		case CheckPending:
			waiting = append(waiting, fmt.Sprintf("%s is pending on %s", name, shortCommit(commit)))
		default:
			waiting = append(waiting, fmt.Sprintf("%s has not reported on %s or a later commit", name, shortCommit(in.Checks[0].Commit)))
		}
	}
	switch {
	case len(blocked) > 0:
		g.State = GateBlocked
	case len(waiting) > 0:
		g.State = GateWaiting
	default:
		g.Detail = fmt.Sprintf("%s passed on %s", strings.Join(required, ", "), from)
		return g
	}
	g.Detail = fmt.Sprintf("checks of %s: %s", from, strings.Join(append(blocked, waiting...), "; "))
	return g
}

// checkOutcome is success when a commit carries the check with success,
// else the state on the newest commit that carries it (empty: none).
func checkOutcome(name string, commits []CommitChecks) (CheckState, string) {
	var state CheckState
	var commit string
	for _, c := range commits {
		s, ok := c.Checks[name]
		switch {
		case !ok:
		case s == CheckSuccess:
			return s, c.Commit
		default:
			state, commit = s, c.Commit
		}
	}
	return state, commit
}

// validateGates checks requireSoak and requireChecks.
func (c *Config) validateGates(e *Environment) error {
	if e.RequireSoak != "" {
		d, err := ParseDuration(e.RequireSoak)
		if err != nil || d <= 0 {
			return c.errorf(e.line, "environment %q: requireSoak: %q: expected a positive duration such as 24h, 90m or 2d", e.Name, e.RequireSoak)
		}
		e.soak = d
	}
	for i, name := range e.RequireChecks {
		switch {
		case strings.TrimSpace(name) == "":
			return c.errorf(e.line, "environment %q: requireChecks: entry %d is empty: expected a check or status name", e.Name, i+1)
		case strings.ContainsFunc(name, unicode.IsControl):
			return c.errorf(e.line, "environment %q: requireChecks: %q: expected a name without control characters", e.Name, name)
		case slices.Contains(e.RequireChecks[:i], name):
			return c.errorf(e.line, "environment %q: requireChecks: %q is listed twice", e.Name, name)
		}
	}
	if (e.soak > 0 || len(e.RequireChecks) > 0) && e.From == "" {
		return c.errorf(e.line, "environment %q: requireSoak and requireChecks measure the source, but it has no from:", e.Name)
	}
	return nil
}

// SoakHistory reads from commits (a walk of plan's source environment,
// newest first) the history the soak gate needs: the entries up to the
// one that last changed each value plan promotes.
func SoakHistory(cfg *Config, plan *Plan, commits iter.Seq2[EnvCommit, error]) ([]HistoryEntry, error) {
	pending := soakChanges(plan)
	until := func(e HistoryEntry) bool {
		pending = slices.DeleteFunc(pending, func(c Change) bool {
			return slices.ContainsFunc(e.Changes, func(h Change) bool { return sameValueKey(h, c) })
		})
		return len(pending) == 0
	}
	return History(cfg, HistoryRequest{Env: plan.From, Apps: plan.Apps, Until: until}, commits)
}

// SoakReached reports whether history reaches, for every value plan
// promotes, the entry that changed it: when it does not, the walk ended
// before (a shallow clone) or the value predates the history.
func SoakReached(plan *Plan, history []HistoryEntry) bool {
	for _, c := range soakChanges(plan) {
		if _, _, found := arrival(c, history); !found {
			return false
		}
	}
	return true
}
