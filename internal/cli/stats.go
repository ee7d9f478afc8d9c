package cli

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/report"
	"github.com/gitops-promote/promote/promote"
)

// statsOptions are history's --stats and --since.
type statsOptions struct {
	on    bool
	since string
}

func (s *statsOptions) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&s.on, "stats", false, "report delivery metrics (deployment frequency, lead time, change failure rate, time to restore)")
	cmd.Flags().StringVar(&s.since, "since", "", "with --stats, only the last `DURATION` (30d, 2w, 72h; default: the whole history)")
}

// parseWindow reads a duration with d (days) and w (weeks) besides Go's
// units.
func parseWindow(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	unit := map[byte]time.Duration{'d': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[s[len(s)-1]]
	if unit != 0 {
		n, err := strconv.Atoi(s[:len(s)-1])
		if err == nil && n > 0 {
			return time.Duration(n) * unit, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, fmt.Errorf("--since %q: expected a positive duration such as 30d, 2w or 72h", s)
}

// check refuses --since without --stats.
func (s *statsOptions) check() error {
	if s.since != "" && !s.on {
		return fmt.Errorf("--since %s: only with --stats (history lists with -n N, or --ref REV)", s.since)
	}
	return nil
}

func runStats(f *Factory, o *historyOptions) error {
	since, err := parseWindow(o.stats.since)
	if err != nil {
		return err
	}
	w, err := openEnvWalk(f, o.env, o.apps, o.ref, o.refSet, o.allParents)
	if err != nil {
		return err
	}
	env, err := promote.History(w.Config, promote.HistoryRequest{Env: w.Env.Name, Apps: o.apps}, w.Commits)
	if err != nil {
		return err
	}
	first := w.Config.FirstOf(w.Env)
	firstEntries := env
	if first.Name != w.Env.Name {
		if firstEntries, err = firstHistory(f, o, w.Config, first.Name, promote.PromotedApps(env)); err != nil {
			return err
		}
	}
	now := time.Now
	if f.Now != nil {
		now = f.Now
	}
	s := promote.DeliveryStats(promote.StatsRequest{Env: w.Env.Name, First: first.Name, Now: now(), Since: since}, env, firstEntries)
	switch o.out.format {
	case "json":
		return writeJSON(f.Stdout, s)
	case "markdown":
		report.StatsMarkdown(f.Stdout, s)
	default:
		report.StatsText(f.Stdout, s)
	}
	return nil
}

// firstHistory reads the history of the first environment of the
// pipeline. In a monorepo only the apps that promotions into the
// measured environment changed are walked: their values are the only
// ones whose origin is looked up.
func firstHistory(f *Factory, o *historyOptions, cfg *promote.Config, first string, changed []string) ([]promote.HistoryEntry, error) {
	apps := o.apps
	if len(apps) == 0 && cfg.Apps != nil {
		if len(changed) == 0 {
			return nil, nil
		}
		apps = changed
	}
	fw, err := openEnvWalk(f, first, apps, o.ref, o.refSet, o.allParents)
	if err != nil {
		return nil, err
	}
	return promote.History(fw.Config, promote.HistoryRequest{Env: first, Apps: apps}, fw.Commits)
}
