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
	only     []string
}

func (s *selection) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&s.to, "to", "", "target `ENV` (required)")
	cmd.Flags().StringVar(&s.from, "from", "", "source `ENV` (default: the target's from:); ENV@REV promotes what ENV ran at a commit, tag or @{DATE}")
	addAppsFlag(cmd, &s.apps)
	cmd.Flags().StringSliceVar(&s.only, "only", nil, "carry only these `KIND`s: "+strings.Join(promote.OnlyKinds, ", ")+" (repeatable or comma-separated)")
	_ = cmd.MarkFlagRequired("to")
}

func (s *selection) request() promote.Request {
	from, _, _ := strings.Cut(s.from, "@")
	return promote.Request{From: from, To: s.to, Apps: s.apps, Only: s.only}
}

// addAppsFlag registers --app, the apps of a monorepo a command is
// limited to.
func addAppsFlag(cmd *cobra.Command, apps *[]string) {
	cmd.Flags().StringSliceVar(apps, "app", nil, "only these `APP`s (repeatable or comma-separated; monorepos)")
}

// noRev refuses --from ENV@REV for commands that read the source as it
// is now.
func (s *selection) noRev(cmd string) error {
	if strings.Contains(s.from, "@") {
		return fmt.Errorf("--from %q: %s reads the source as it is; ENV@REV (a release set) is for plan and run", s.from, cmd)
	}
	return nil
}

// sourceRev is the REV of --from ENV@REV (a release set), "" without.
func (s *selection) sourceRev() (string, error) {
	from, rev, ok := strings.Cut(s.from, "@")
	switch {
	case !ok:
		return "", nil
	case from == "" || rev == "":
		return "", fmt.Errorf("--from %q: expected ENV@REV, e.g. staging@3f2a1c9, staging@v1.4.2 or staging@{2026-11-30T10:00Z}", s.from)
	}
	return rev, nil
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
