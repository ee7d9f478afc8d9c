package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/report"
	"github.com/gitops-promote/promote/internal/workspace"
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

// check refuses --since without --stats.
func (s *statsOptions) check() error {
	if s.since != "" && !s.on {
		return fmt.Errorf("--since %s: only with --stats (history lists with -n N, or --ref REV)", s.since)
	}
	return nil
}

func runStats(f *Factory, o *historyOptions) error {
	since, err := workspace.ParseWindow(o.stats.since)
	if err != nil {
		return err
	}
	ws, err := f.Workspace()
	if err != nil {
		return err
	}
	s, err := ws.DeliveryStats(workspace.HistoryRequest{HistoryRequest: promote.HistoryRequest{Env: o.env, Apps: o.apps},
		Ref: o.ref, RefGiven: o.refSet, AllParents: o.allParents}, f.now(), since)
	if err != nil {
		return err
	}
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
