package cli

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// parseFlags runs cmd on args with its run seam set, so that only flag
// handling happens; it returns the command's error.
func parseFlags(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(&bytes.Buffer{})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	return cmd.Execute()
}

func TestRollbackFlags(t *testing.T) {
	var got *rollbackOptions
	newCmd := func() *cobra.Command {
		got = nil
		return newRollbackCmd(&Factory{}, func(o *rollbackOptions) error { got = o; return nil })
	}
	if err := parseFlags(t, newCmd(), "--env", "prod", "--app", "web,api"); err != nil || got == nil {
		t.Fatalf("rollback --env prod: %v", err)
	}
	if got.env != "prod" || got.steps != 1 || got.to != "" || !slices.Equal(got.apps, []string{"web", "api"}) || got.forgeName != "auto" {
		t.Errorf("defaults: %+v", got)
	}
	if err := parseFlags(t, newCmd(), "--env", "prod", "--steps", "3", "--dry-run", "--base", "deploy"); err != nil || got.steps != 3 || !got.dryRun || got.base != "deploy" {
		t.Errorf("--steps 3 --dry-run --base deploy: %v %+v", err, got)
	}
	for args, want := range map[string]string{
		"--env prod --steps 0":          "--steps 0: expected 1 or more",
		"--env prod --to abc --steps 2": "none of the others can be",
		"--steps 2":                     `required flag(s) "env" not set`,
		"--env prod extra":              "unknown command",
	} {
		err := parseFlags(t, newCmd(), strings.Fields(args)...)
		if err == nil || !strings.Contains(err.Error(), want) || got != nil {
			t.Errorf("rollback %s: %v (ran: %v), want %q", args, err, got != nil, want)
		}
	}
}

func TestSetImageFlags(t *testing.T) {
	var got *setImageOptions
	cmd := newSetImageCmd(&Factory{}, func(o *setImageOptions) error { got = o; return nil })
	err := parseFlags(t, cmd, "--env", "dev", "--image", "web=ghcr.io/acme/web:1", "--direct", "worker=ghcr.io/acme/worker:2")
	if err != nil || got == nil {
		t.Fatalf("set-image: %v", err)
	}
	if got.env != "dev" || !got.direct || !slices.Equal(got.images, []string{"web=ghcr.io/acme/web:1", "worker=ghcr.io/acme/worker:2"}) {
		t.Errorf("options: %+v", got)
	}
}

func TestHistoryFlags(t *testing.T) {
	var got *historyOptions
	newCmd := func() *cobra.Command {
		got = nil
		return newHistoryCmd(&Factory{}, func(o *historyOptions) error { got = o; return nil })
	}
	if err := parseFlags(t, newCmd(), "--env", "prod"); err != nil || got.ref != "HEAD" || got.refSet || got.limit != 20 {
		t.Errorf("defaults: %v %+v", err, got)
	}
	if err := parseFlags(t, newCmd(), "--env", "prod", "--ref", "HEAD", "-n", "0"); err != nil || !got.refSet || got.limit != 0 {
		t.Errorf("--ref HEAD -n 0: %v %+v", err, got)
	}
	if err := parseFlags(t, newCmd(), "--env", "prod", "-n", "-1"); err == nil || !strings.Contains(err.Error(), "-n -1: expected 0 (all) or more") || got != nil {
		t.Errorf("-n -1: %v", err)
	}
}

func TestRunFlags(t *testing.T) {
	var got *runOptions
	cmd := newRunCmd(&Factory{}, func(o *runOptions) error { got = o; return nil })
	err := parseFlags(t, cmd, "--from", "dev", "--to", "prod", "--app", "web", "--force", "--reason", "hotfix", "--no-render", "--fetch")
	if err != nil || got == nil {
		t.Fatalf("run: %v", err)
	}
	req := got.sel.request()
	if req.From != "dev" || req.To != "prod" || !slices.Equal(req.Apps, []string{"web"}) || !got.force || got.reason != "hotfix" || !got.noRender || !got.fetch {
		t.Errorf("options: %+v request %+v", got, req)
	}
}
