package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gitops-promote/promote/promote"
)

// statsRows are the metrics as (name, value) rows.
func statsRows(s promote.Stats) [][2]string {
	return [][2]string{
		{"deployment frequency", fmt.Sprintf("%d %s, %.2f per week", s.Deployments, Plural(s.Deployments, "deployment"), s.PerWeek)},
		{"lead time for changes", fmt.Sprintf("median %s, p90 %s (%d %s since %s)", human(s.LeadTime.Median), human(s.LeadTime.P90), s.LeadTime.Count, Plural(s.LeadTime.Count, "value"), s.First)},
		{"change failure rate", fmt.Sprintf("%.0f%% (%d %s ÷ %d %s)", s.ChangeFailureRate*100, s.Rollbacks, Plural(s.Rollbacks, "rollback"), s.Promotions, Plural(s.Promotions, "promotion"))},
		{"time to restore", fmt.Sprintf("median %s, p90 %s (%d %s)", human(s.TimeToRestore.Median), human(s.TimeToRestore.P90), s.TimeToRestore.Count, Plural(s.TimeToRestore.Count, "rollback"))},
	}
}

// statsWindow is the time the metrics cover.
func statsWindow(s promote.Stats) string {
	if s.From.IsZero() {
		return "no deployments"
	}
	return s.From.UTC().Format("2006-01-02 15:04") + " → " + s.To.UTC().Format("2006-01-02 15:04") + " UTC"
}

// StatsText prints delivery metrics as text.
func StatsText(w io.Writer, s promote.Stats) {
	fmt.Fprintf(w, "%s: delivery metrics, %s\n", s.Environment, statsWindow(s))
	for _, r := range statsRows(s) {
		fmt.Fprintf(w, "  %-22s %s\n", r[0]+":", r[1])
	}
}

// StatsMarkdown prints delivery metrics as a markdown table.
func StatsMarkdown(w io.Writer, s promote.Stats) {
	fmt.Fprintf(w, "## Delivery metrics of %s\n\n%s\n\n", MdEscape(s.Environment), statsWindow(s))
	fmt.Fprintln(w, "| metric | value |")
	fmt.Fprintln(w, "|---|---|")
	for _, r := range statsRows(s) {
		fmt.Fprintf(w, "| %s | %s |\n", r[0], MdEscape(r[1]))
	}
}

// human writes a duration as days, hours and minutes ("1d 2h", "3h 5m",
// "45s").
func human(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Second).String()
	}
	days, d := d/(24*time.Hour), d%(24*time.Hour)
	hours, mins := d/time.Hour, (d%time.Hour)/time.Minute
	var parts []string
	for _, p := range []struct {
		n    time.Duration
		unit string
	}{{days, "d"}, {hours, "h"}, {mins, "m"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d%s", p.n, p.unit))
		}
	}
	return strings.Join(parts, " ")
}
