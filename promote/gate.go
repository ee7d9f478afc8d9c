package promote

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"
	"unicode"
)

// Gate names: each is a condition a promotion must meet before it is
// proposed, unless forced with a reason.
const (
	// GateEdge: the promotion follows an edge of the pipeline.
	GateEdge = "edge"
	// GateStop: no .promote/freeze/<env> or .promote/freeze/all file on
	// the base branch stops the line.
	GateStop = "stop"
	// GateFreeze: the time falls in none of the target's freeze windows.
	GateFreeze = "freeze"
	// GateSourceClean: the source has nothing mid-flight (requireSourceClean).
	GateSourceClean = "requireSourceClean"
	// GateSoak: every value promoted has run in the source long enough
	// (requireSoak).
	GateSoak = "soak"
	// GateChecks: the source's commit carries the required checks with
	// success (requireChecks).
	GateChecks = "checks"
)

// GateState is where a gate stands.
type GateState string

// Gate states. A waiting gate opens by itself (time passes, a check
// completes, a promotion merges); a blocked one needs someone to act.
const (
	GatePassed  GateState = "passed"
	GateWaiting GateState = "waiting"
	GateBlocked GateState = "blocked"
)

// Gate is one condition of a promotion and where it stands.
type Gate struct {
	Name   string    `json:"name"`
	State  GateState `json:"state"`
	Detail string    `json:"detail"`
	// ReadyAt is when a waiting gate opens by itself, when known (a soak
	// time that ends, a freeze window that closes).
	ReadyAt *time.Time `json:"readyAt,omitempty"`
	// Soak lists, for the soak gate, each value and how long it has run
	// in the source.
	Soak []SoakValue `json:"soak,omitempty"`
}

// SoakValue is how long one value has run in the source environment.
type SoakValue struct {
	App   string `json:"app,omitempty"`
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	Value string `json:"value"`
	// Since is the date of Commit, the commit that brought the value
	// into the source; zero when the history read does not reach it.
	Since  time.Time `json:"since,omitzero"`
	Commit string    `json:"commit,omitempty"`
	// Soaked is how long it has run, in seconds; Required the soak time
	// the target asks for.
	Soaked   int64     `json:"soakedSeconds"`
	Required int64     `json:"requiredSeconds"`
	ReadyAt  time.Time `json:"readyAt"`
	Ready    bool      `json:"ready"`
	// Line says it as messages do: "web 1.4.2: 3h of 24h in staging,
	// ready 2026-12-01 14:05 UTC".
	Line string `json:"line"`
}

// CheckState is the state of one named check on one commit.
type CheckState string

// Check states, as forges report them once normalized.
const (
	CheckSuccess CheckState = "success"
	CheckPending CheckState = "pending"
	CheckFailure CheckState = "failure"
)

// CommitChecks are the checks a forge reports for one commit: commit
// statuses (by context) and check runs (by name).
type CommitChecks struct {
	Commit string
	Checks map[string]CheckState
}

// GateInput is what gates read besides the configuration and the trees.
// Evaluating gates does no I/O: the caller reads the history and asks
// the forge.
type GateInput struct {
	// Now is the clock.
	Now time.Time
	// Base is the tree of the base branch, where .promote/freeze/ files
	// stop the line; nil skips the stop gate.
	Base fs.FS
	// SourceHistory is the source environment's history (History), newest
	// first, as read at the state promoted; HistoryErr, when set, says
	// why it could not be read.
	SourceHistory []HistoryEntry
	HistoryErr    error
	// Checks are the checks of the commit that last changed the source
	// and of each later commit of the base branch, that commit first;
	// ChecksErr, when set, says why they could not be read.
	Checks    []CommitChecks
	ChecksErr error
}

// StopDir holds the files that stop the line: .promote/freeze/<env>
// stops promotions into env, .promote/freeze/all into every environment.
const StopDir = ".promote/freeze"

// EvaluateGates returns the gates of plan at in.Now, in the order edge,
// stop, freeze, requireSourceClean, soak, checks. The edge gate is
// always there; the others only for a plan that changes something and a
// target that asks for them (stop: when a file stops the line).
func EvaluateGates(cfg *Config, plan *Plan, trees Trees, in GateInput) ([]Gate, error) {
	to, err := cfg.Lookup(plan.To)
	if err != nil {
		return nil, err
	}
	edge := Gate{Name: GateEdge, State: GatePassed, Detail: fmt.Sprintf("%s is promoted from %s", plan.To, plan.From)}
	if to.From != plan.From {
		edge.State, edge.Detail = GateBlocked, edgeMsg(cfg, plan, to)
	}
	gates := []Gate{edge}
	if plan.Empty() {
		return gates, nil
	}
	if g, ok := stopGate(in.Base, to.Name); ok {
		gates = append(gates, g)
	}
	if len(to.Freeze) > 0 {
		gates = append(gates, freezeGate(to, in.Now))
	}
	if to.RequireSourceClean {
		g, err := sourceClean(cfg, plan, trees)
		if err != nil {
			return nil, err
		}
		gates = append(gates, g)
	}
	if to.soak > 0 {
		gates = append(gates, soakGate(plan, to.soak, in))
	}
	if len(to.RequireChecks) > 0 {
		gates = append(gates, checksGate(plan.From, to.RequireChecks, in))
	}
	return gates, nil
}

// Violations are the gates that have not passed, as policy violations.
func Violations(gates []Gate) []Violation {
	var out []Violation
	for _, g := range gates {
		if g.State != GatePassed {
			out = append(out, Violation{Rule: g.Name, Msg: g.Detail})
		}
	}
	return out
}

// GatesHold reports whether a gate has not passed.
func GatesHold(gates []Gate) bool { return len(Violations(gates)) > 0 }

// maxStopReason bounds the reason read from a stop file.
const maxStopReason = 200

// stopGate reads .promote/freeze/<env> and .promote/freeze/all.
func stopGate(base fs.FS, env string) (Gate, bool) {
	if base == nil {
		return Gate{}, false
	}
	for _, name := range []string{env, "all"} {
		file := path.Join(StopDir, name)
		data, err := fs.ReadFile(base, file)
		if err != nil {
			continue
		}
		msg := fmt.Sprintf("%s is stopped by %s on the base branch", env, file)
		if r := StopReason(data); r != "" {
			msg += ": " + r
		}
		return Gate{Name: GateStop, State: GateBlocked, Detail: msg}, true
	}
	return Gate{}, false
}

// StopReason is the reason a stop file gives: its first line, without
// control characters, at most 200 bytes.
func StopReason(data []byte) string {
	line, _, _ := strings.Cut(string(data), "\n")
	line = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, line)
	line = strings.TrimSpace(line)
	if len(line) > maxStopReason {
		line = strings.ToValidUTF8(line[:maxStopReason], "") + "..."
	}
	return line
}

// freezeGate is waiting while a window holds now, until it closes.
func freezeGate(to Environment, now time.Time) Gate {
	var msgs []string
	var until time.Time
	for _, f := range to.Freeze {
		if _, end, ok := f.Window(now); ok {
			msgs = append(msgs, freezeMsg(to.Name, f, now))
			if end.After(until) {
				until = end.UTC()
			}
		}
	}
	if len(msgs) == 0 {
		return Gate{Name: GateFreeze, State: GatePassed, Detail: fmt.Sprintf("%s is in no freeze window", to.Name)}
	}
	return Gate{Name: GateFreeze, State: GateWaiting, Detail: strings.Join(msgs, "; "), ReadyAt: &until}
}

// ShowGates reports whether gates say more than that the edge exists:
// the text and markdown of a plan list them only then.
func ShowGates(gates []Gate) bool {
	for _, g := range gates {
		if g.Name != GateEdge || g.State != GatePassed {
			return true
		}
	}
	return false
}

// GateLines are the gates as text lines, "soak  waiting  ...", with the
// soak gate's values one per line below it.
func GateLines(gates []Gate) []string {
	var out []string
	for _, g := range gates {
		line := fmt.Sprintf("%-18s %-8s %s", g.Name, g.State, g.Detail)
		if g.Name == GateSoak && len(g.Soak) > 0 {
			line = fmt.Sprintf("%-18s %-8s", g.Name, g.State)
		}
		out = append(out, strings.TrimRight(line, " "))
		if g.Name != GateSoak {
			continue
		}
		for _, v := range g.Soak {
			out = append(out, "  "+v.Line)
		}
	}
	return out
}

// gateTable writes the gates as a markdown table, when they say more
// than that the edge exists.
func (p *Plan) gateTable(b *strings.Builder) {
	if ShowGates(p.Gates) {
		b.WriteString(GateMarkdown(p.Gates))
	}
}

// GateMarkdown is a markdown table of the gates, with a blank line after.
func GateMarkdown(gates []Gate) string {
	b := &strings.Builder{}
	b.WriteString("| gate | state | detail |\n|---|---|---|\n")
	for _, g := range gates {
		detail := g.Detail
		if g.Name == GateSoak && len(g.Soak) > 0 {
			lines := make([]string, len(g.Soak))
			for i, v := range g.Soak {
				lines[i] = v.Line
			}
			detail = strings.Join(lines, "<br>")
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", g.Name, gateStateWord(g.State), mdText(detail))
	}
	b.WriteString("\n")
	return b.String()
}

func gateStateWord(s GateState) string {
	switch s {
	case GatePassed:
		return "✅ passed"
	case GateWaiting:
		return "⏳ waiting"
	}
	return "⛔ blocked"
}

// mdText escapes text for a markdown table cell: pipes, and the
// characters that would start HTML, links or emphasis. <br> is kept.
func mdText(s string) string {
	return strings.ReplaceAll(mdEscaper.Replace(s), "\x00", "<br>")
}

// mdEscaper is mdText's replacer, built once.
var mdEscaper = strings.NewReplacer("|", "\\|", "<br>", "\x00", "<", "&lt;", ">", "&gt;", "[", "\\[", "]", "\\]", "*", "\\*", "_", "\\_", "`", "\\`", "\n", " ")
