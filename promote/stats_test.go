package promote

import (
	"slices"
	"testing"
	"time"
)

// statsHistory is dev (the first environment) and prod with known dates:
// prod was created at web 1.0 (not a promotion: no Promote-From), got
// 1.1, was rolled back after 2h, got 1.1 again, 1.2, and was rolled back
// after 3h. Each value reached dev earlier.
func statsHistory() (t0 time.Time, prod, dev []HistoryEntry) {
	t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	web := func(old, new string) []Change {
		return []Change{{Kind: KindImage, Name: "ghcr.io/acme/web", Old: old, New: new}}
	}
	dev = []HistoryEntry{
		{Commit: "d3", Date: at(50), Changes: web("1.1", "1.2")},
		{Commit: "d2", Date: at(20), Changes: web("1.0", "1.1")},
		{Commit: "d1", Date: at(0), Changes: web("", "1.0")},
	}
	prod = []HistoryEntry{
		{Commit: "p5", Parent: "p4", Date: at(75), RollbackTo: "p3", Changes: web("1.2", "1.1")},
		{Commit: "p4", Parent: "p3", Date: at(72), From: "staging", Changes: web("1.1", "1.2")},
		{Commit: "p3", Parent: "p2", Date: at(30), From: "staging", Changes: web("1.0", "1.1")},
		{Commit: "p2", Parent: "p1", Date: at(26), RollbackTo: "p0", Changes: web("1.1", "1.0")},
		{Commit: "p1", Parent: "p0", Date: at(24), From: "staging", Changes: web("1.0", "1.1")},
		{Commit: "p0", Date: at(2), Changes: web("", "1.0")},
	}
	return t0, prod, dev
}

func TestDeliveryStats(t *testing.T) {
	t0, prod, dev := statsHistory()
	h := time.Hour
	for _, tc := range []struct {
		name       string
		now        time.Time
		since      time.Duration
		deploys    int
		perWeek    float64
		promotions int
		rollbacks  int
		cfr        float64
		lead       Durations
		restore    Durations
		restores   []string
	}{
		{"whole history", t0.Add(7 * 24 * h), 0, 6, 6.07, 3, 2, 0.67,
			Durations{Count: 3, Median: 10 * h, P90: 22 * h}, Durations{Count: 2, Median: 150 * time.Minute, P90: 3 * h}, []string{"p5←p4", "p2←p1"}},
		{"last week", t0.Add(7 * 24 * h), 7 * 24 * h, 6, 6, 3, 2, 0.67,
			Durations{Count: 3, Median: 10 * h, P90: 22 * h}, Durations{Count: 2, Median: 150 * time.Minute, P90: 3 * h}, []string{"p5←p4", "p2←p1"}},
		{"last 30 hours", t0.Add(100 * h), 30 * h, 2, 11.2, 1, 1, 1,
			Durations{Count: 1, Median: 22 * h, P90: 22 * h}, Durations{Count: 1, Median: 3 * h, P90: 3 * h}, []string{"p5←p4"}},
		{"nothing in the window", t0.Add(1000 * h), 24 * h, 0, 0, 0, 0, 0, Durations{}, Durations{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := DeliveryStats(StatsRequest{Env: "prod", First: "dev", Now: tc.now, Since: tc.since}, prod, dev)
			if s.Deployments != tc.deploys || s.PerWeek != tc.perWeek || s.Promotions != tc.promotions || s.Rollbacks != tc.rollbacks || s.ChangeFailureRate != tc.cfr {
				t.Errorf("deployments %d (%.2f/week), promotions %d, rollbacks %d, failure rate %.2f; want %d (%.2f), %d, %d, %.2f",
					s.Deployments, s.PerWeek, s.Promotions, s.Rollbacks, s.ChangeFailureRate, tc.deploys, tc.perWeek, tc.promotions, tc.rollbacks, tc.cfr)
			}
			check := func(what string, got, want Durations) {
				if got.Count != want.Count || got.Median != want.Median || got.P90 != want.P90 || got.MedianSeconds != want.Median.Seconds() {
					t.Errorf("%s: %d values, median %v, p90 %v; want %d, %v, %v", what, got.Count, got.Median, got.P90, want.Count, want.Median, want.P90)
				}
			}
			check("lead time", s.LeadTime, tc.lead)
			check("time to restore", s.TimeToRestore, tc.restore)
			var restores []string
			for _, r := range s.Restores {
				restores = append(restores, r.Rollback+"←"+r.Failed)
			}
			if !slices.Equal(restores, tc.restores) {
				t.Errorf("restores %v, want %v", restores, tc.restores)
			}
		})
	}
}

func TestPromotedApps(t *testing.T) {
	entries := []HistoryEntry{
		{From: "staging", Changes: []Change{{App: "web"}, {App: "api"}}},
		{RollbackTo: "x", From: "", Changes: []Change{{App: "batch"}}},
		{Changes: []Change{{App: "db"}}},
		{From: "build", Changes: []Change{{App: "web"}}},
	}
	if got := PromotedApps(entries); !slices.Equal(got, []string{"api", "web"}) {
		t.Errorf("PromotedApps = %v", got)
	}
}

func TestFirstOf(t *testing.T) {
	cfg := mustConfig(t, pipeline)
	prod, _ := cfg.Env("prod")
	dev, _ := cfg.Env("dev")
	if got := cfg.FirstOf(prod).Name; got != "dev" {
		t.Errorf("FirstOf(prod) = %s, want dev", got)
	}
	if got := cfg.FirstOf(dev).Name; got != "dev" {
		t.Errorf("FirstOf(dev) = %s, want dev", got)
	}
}
