package promote

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	// Time zones of recurring freezes resolve without the system's
	// zoneinfo (distroless images have none).
	_ "time/tzdata"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
)

// Freeze is a window in which proposals into an environment are refused
// unless forced. It is either fixed, from (inclusive) to (exclusive) as
// RFC 3339 times, or recurring: it opens at each time the 5-field cron
// expression names (in Timezone, default UTC) and lasts Duration.
type Freeze struct {
	From   string `yaml:"from,omitempty" json:"from,omitempty"`
	To     string `yaml:"to,omitempty" json:"to,omitempty"`
	Reason string `yaml:"reason,omitempty" json:"reason,omitempty"`
	// Cron opens a recurring window, e.g. "0 18 * * FRI".
	Cron string `yaml:"cron,omitempty" json:"cron,omitempty"`
	// Duration is how long a recurring window lasts, e.g. 62h.
	Duration string `yaml:"duration,omitempty" json:"duration,omitempty"`
	// Timezone is the IANA zone Cron is read in, e.g. Europe/Berlin.
	Timezone string `yaml:"timezone,omitempty" json:"timezone,omitempty"`

	from, to time.Time
	schedule cron.Schedule
	duration time.Duration
	loc      *time.Location
	line     int
}

// freezeKeys are the keys a freeze window accepts.
var freezeKeys = []string{"from", "to", "reason", "cron", "duration", "timezone"}

// UnmarshalYAML decodes a freeze window, remembering its line and
// refusing unknown keys.
func (f *Freeze) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: freeze: expected a mapping with from: and to:, or cron: and duration:", n.Line)
	}
	fields := map[string]*string{"from": &f.From, "to": &f.To, "reason": &f.Reason, "cron": &f.Cron, "duration": &f.Duration, "timezone": &f.Timezone}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(freezeKeys, k.Value) {
			return fmt.Errorf("line %d: freeze: unknown key %q (expected %s)", k.Line, k.Value, strings.Join(freezeKeys, ", "))
		}
		if v.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: freeze: %s: expected a string", v.Line, k.Value)
		}
		*fields[k.Value] = v.Value
	}
	f.line = n.Line
	return nil
}

// Recurring reports whether the window recurs on a cron schedule.
func (f Freeze) Recurring() bool { return f.Cron != "" }

// Contains reports whether t falls in the window. The window must have
// been validated (ParseConfig does).
func (f Freeze) Contains(t time.Time) bool {
	_, _, ok := f.Window(t)
	return ok
}

// Window returns the occurrence of the window that holds t: its start
// and end, and false when t is outside every occurrence.
func (f Freeze) Window(t time.Time) (from, to time.Time, ok bool) {
	if !f.Recurring() {
		return f.from, f.to, !t.Before(f.from) && t.Before(f.to)
	}
	// An occurrence holds t when it starts in (t-duration, t]: the first
	// activation after t-duration is the only candidate to check.
	start := f.schedule.Next(t.In(f.loc).Add(-f.duration))
	if start.IsZero() || start.After(t) {
		return time.Time{}, time.Time{}, false
	}
	return start, start.Add(f.duration), true
}

// cronParser reads 5-field cron expressions (minute hour day-of-month
// month day-of-week, names such as FRI and JAN allowed) and descriptors
// such as @weekly.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// validateFreeze parses and checks env's freeze windows.
func (c *Config) validateFreeze(e *Environment) error {
	for i := range e.Freeze {
		f := &e.Freeze[i]
		line := cmpLine(f.line, e.line)
		where := fmt.Sprintf("environment %q: freeze[%d]", e.Name, i)
		var err error
		if f.Recurring() {
			err = f.parseRecurring()
		} else {
			err = f.parseFixed()
		}
		if err != nil {
			return c.errorf(line, "%s: %v", where, err)
		}
	}
	return nil
}

func (f *Freeze) parseFixed() error {
	if f.Duration != "" || f.Timezone != "" {
		return errors.New("duration: and timezone: go with cron: (a recurring window); a fixed window has from: and to:")
	}
	var err error
	if f.from, err = parseTime(f.From); err != nil {
		return fmt.Errorf("from: %w", err)
	}
	if f.to, err = parseTime(f.To); err != nil {
		return fmt.Errorf("to: %w", err)
	}
	if !f.from.Before(f.to) {
		return fmt.Errorf("from %s is not before to %s", f.From, f.To)
	}
	return nil
}

func (f *Freeze) parseRecurring() error {
	if f.From != "" || f.To != "" {
		return errors.New("a window has either from: and to: (fixed) or cron: and duration: (recurring), not both")
	}
	if strings.Contains(f.Cron, "TZ=") {
		return fmt.Errorf("cron: %q: set the zone with timezone:, not in the expression", f.Cron)
	}
	var err error
	if f.schedule, err = cronParser.Parse(f.Cron); err != nil {
		return fmt.Errorf("cron: %q: %v (expected 5 fields: minute hour day-of-month month day-of-week, e.g. \"0 18 * * FRI\")", f.Cron, err)
	}
	if f.Duration == "" {
		return errors.New("duration: missing: expected how long each window lasts, e.g. 62h")
	}
	if f.duration, err = ParseDuration(f.Duration); err != nil || f.duration <= 0 {
		return fmt.Errorf("duration: %q: expected a positive duration such as 62h, 90m or 2d", f.Duration)
	}
	f.loc = time.UTC
	if f.Timezone != "" {
		if f.loc, err = time.LoadLocation(f.Timezone); err != nil || f.Timezone == "Local" {
			return fmt.Errorf("timezone: %q: expected an IANA time zone such as Europe/Berlin", f.Timezone)
		}
	}
	return nil
}

// ParseDuration reads a duration as Go writes them (90m, 62h, 1h30m)
// or in whole days (2d).
func ParseDuration(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok && d != "" && !strings.ContainsAny(d, "hms.") {
		var n int
		if _, err := fmt.Sscanf(d, "%d", &n); err != nil || fmt.Sprint(n) != d {
			return 0, fmt.Errorf("%q is not a duration", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
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

func freezeMsg(env string, f Freeze, now time.Time) string {
	msg := fmt.Sprintf("%s is frozen from %s to %s", env, f.From, f.To)
	if f.Recurring() {
		from, to, _ := f.Window(now)
		msg = fmt.Sprintf("%s is frozen from %s to %s (every %q for %s", env, FormatTime(from), FormatTime(to), f.Cron, f.Duration)
		if f.Timezone != "" {
			msg += ", " + f.Timezone
		}
		msg += ")"
	}
	if f.Reason != "" {
		msg += " (" + f.Reason + ")"
	}
	return msg
}

// FormatTime writes t as gate messages do: 2026-12-01 14:05 UTC.
func FormatTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }
