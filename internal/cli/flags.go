package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/promote"
)

// selection holds the flags that choose a promotion.
type selection struct {
	from, to string
	apps     []string
}

func (s *selection) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&s.to, "to", "", "target `ENV` (required)")
	cmd.Flags().StringVar(&s.from, "from", "", "source `ENV` (default: the target's from:)")
	cmd.Flags().StringSliceVar(&s.apps, "app", nil, "only these `APP`s (repeatable or comma-separated; monorepos)")
	_ = cmd.MarkFlagRequired("to")
}

func (s *selection) request() promote.Request {
	return promote.Request{From: s.from, To: s.to, Apps: s.apps}
}

// output is the -o flag.
type output struct {
	format  string
	allowed []string
	// showBody prints the whole proposal (title and body) in text
	// output instead of the summary (--show-body, proposing commands).
	showBody bool
}

// registerShowBody adds --show-body to a proposing command.
func (o *output) registerShowBody(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&o.showBody, "show-body", false, "print the whole pull request title and body instead of the summary (as -o markdown does)")
}

func (o *output) register(cmd *cobra.Command, allowed ...string) {
	o.allowed = allowed
	cmd.Flags().StringVarP(&o.format, "output", "o", "text", "output `FORMAT`: "+strings.Join(allowed, ", "))
}

func (o *output) check() error {
	if !slices.Contains(o.allowed, o.format) {
		return fmt.Errorf("-o %q: expected one of %s", o.format, strings.Join(o.allowed, ", "))
	}
	return nil
}
