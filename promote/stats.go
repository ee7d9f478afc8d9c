package promote

import (
	"math"
	"slices"
	"strings"
	"time"
)

// StatsRequest selects the window of delivery metrics.
type StatsRequest struct {
	// Env is the environment measured; First is the first environment of
	// the pipeline leading to it (where lead times start).
	Env, First string
	// Now is the end of the window; Since its length (0: all history).
	Now   time.Time
	Since time.Duration
}

// Durations summarizes a set of durations.
type Durations struct {
	Count int `json:"count"`
	// Median is the middle value (the mean of the two middle ones for an
	// even count); P90 the nearest-rank 90th percentile. Both are zero
	// without values.
	Median time.Duration `json:"-"`
	P90    time.Duration `json:"-"`
	// MedianSeconds and P90Seconds are the same in seconds, for JSON.
	MedianSeconds float64 `json:"medianSeconds"`
	P90Seconds    float64 `json:"p90Seconds"`
}

// Restore is one rollback and the change it undid.
type Restore struct {
	Rollback string        `json:"rollback"`
	Failed   string        `json:"failed"`
	Duration time.Duration `json:"-"`
	Seconds  float64       `json:"seconds"`
}

// Stats are the delivery metrics of an environment, read from its history.
type Stats struct {
	Environment string    `json:"environment"`
	First       string    `json:"firstEnvironment"`
	From        time.Time `json:"from"`
	To          time.Time `json:"to"`
	// Deployments counts the commits that changed the environment's
	// promotables in the window (promotions, rollbacks, hand edits);
	// PerWeek is their rate over the window.
	Deployments int     `json:"deployments"`
	PerWeek     float64 `json:"deploymentsPerWeek"`
	// Promotions are the deployments with a Promote-From trailer:
	// promotions and set-image commits.
	Promotions int `json:"promotions"`
	Rollbacks  int `json:"rollbacks"`
	// ChangeFailureRate is Rollbacks ÷ Promotions (0 without promotions).
	ChangeFailureRate float64 `json:"changeFailureRate"`
	// LeadTime runs, for each value a promotion brought, from the commit
	// that first put it into the first environment to the commit that
	// brought it into this one. Values that never were in the first
	// environment (a set-image straight into this one) are not counted.
	LeadTime Durations `json:"leadTime"`
	// TimeToRestore runs from a failed change's commit to the commit of
	// the rollback that undid it.
	TimeToRestore Durations `json:"timeToRestore"`
	Restores      []Restore `json:"restores"`
}

// DeliveryStats computes delivery metrics from the environment's history
// and the first environment's (both newest first, as History returns
// them, over all the history so that lead times and failed changes
// older than the window are found).
func DeliveryStats(req StatsRequest, env, first []HistoryEntry) Stats {
	s := Stats{Environment: req.Env, First: req.First, To: req.Now, Restores: []Restore{}}
	if req.Since > 0 {
		s.From = req.Now.Add(-req.Since)
	} else if len(env) > 0 {
		s.From = env[len(env)-1].Date
	}
	origin := firstSeen(first)
	var leads, restores []time.Duration
	for i, e := range env {
		if e.Date.Before(s.From) || e.Date.After(req.Now) {
			continue
		}
		s.Deployments++
		if e.RollbackTo == "" {
			if e.From != "" {
				s.Promotions++
				leads = append(leads, leadTimes(e, origin)...)
			}
			continue
		}
		s.Rollbacks++
		if failed, ok := failedChange(env, i); ok {
			d := e.Date.Sub(failed.Date)
			restores = append(restores, d)
			s.Restores = append(s.Restores, Restore{Rollback: e.Commit, Failed: failed.Commit, Duration: d, Seconds: d.Seconds()})
		}
	}
	if days := s.To.Sub(s.From).Hours() / 24; days > 0 {
		s.PerWeek = round2(float64(s.Deployments) / days * 7)
	}
	if s.Promotions > 0 {
		s.ChangeFailureRate = round2(float64(s.Rollbacks) / float64(s.Promotions))
	}
	s.LeadTime, s.TimeToRestore = summarize(leads), summarize(restores)
	return s
}

// firstSeen maps each value of the first environment (change key and new
// value) to the date of the oldest commit that put it there.
func firstSeen(first []HistoryEntry) map[string]time.Time {
	m := map[string]time.Time{}
	for _, e := range first { // newest first: older commits overwrite
		for _, c := range e.Changes {
			if c.New != "" {
				m[changeKey(c)+"\x00"+c.New] = e.Date
			}
		}
	}
	return m
}

// leadTimes are the lead times of the values e brought.
func leadTimes(e HistoryEntry, origin map[string]time.Time) []time.Duration {
	var out []time.Duration
	for _, c := range e.Changes {
		if at, ok := origin[changeKey(c)+"\x00"+c.New]; ok && c.New != "" && !at.After(e.Date) {
			out = append(out, e.Date.Sub(at))
		}
	}
	return out
}

// failedChange finds the change the rollback env[i] undid: the oldest
// change newer than the state it went back to (the change whose parent
// is Promote-Rollback-To, or the one after the commit it names).
func failedChange(env []HistoryEntry, i int) (HistoryEntry, bool) {
	to := env[i].RollbackTo
	for j := i + 1; j < len(env); j++ {
		switch {
		case env[j].Parent != "" && sameCommit(env[j].Parent, to):
			return env[j], true
		case sameCommit(env[j].Commit, to) && j-1 > i:
			return env[j-1], true
		}
	}
	return HistoryEntry{}, false
}

// sameCommit reports whether two hashes, either abbreviated, agree.
func sameCommit(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return strings.HasPrefix(a, b) || strings.HasPrefix(b, a)
}

// summarize returns the count, median and nearest-rank 90th percentile.
func summarize(ds []time.Duration) Durations {
	d := Durations{Count: len(ds)}
	if len(ds) == 0 {
		return d
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		d.Median = s[n/2]
	} else {
		d.Median = (s[n/2-1] + s[n/2]) / 2
	}
	d.P90 = s[int(math.Ceil(0.9*float64(n)))-1]
	d.MedianSeconds, d.P90Seconds = d.Median.Seconds(), d.P90.Seconds()
	return d
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// PromotedApps lists the apps the promotions among entries (those with
// a Promote-From trailer) changed, sorted.
func PromotedApps(entries []HistoryEntry) []string {
	var apps []string
	for _, e := range entries {
		if e.From == "" || e.RollbackTo != "" {
			continue
		}
		for _, c := range e.Changes {
			if c.App != "" {
				apps = append(apps, c.App)
			}
		}
	}
	slices.Sort(apps)
	return slices.Compact(apps)
}

// FirstOf returns the first environment of the pipeline leading to env:
// following from: edges back to an environment without one.
func (c *Config) FirstOf(env Environment) Environment {
	seen := map[string]bool{}
	for env.From != "" && !seen[env.Name] {
		seen[env.Name] = true
		src, ok := c.Env(env.From)
		if !ok {
			break
		}
		env = src
	}
	return env
}
