package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/actions"
	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/workspace"
)

type chatOpsOptions struct {
	event, eventName string
	forgeName        string
	timeout          time.Duration
	out              output
}

func newChatOpsCmd(f *Factory) *cobra.Command {
	o := &chatOpsOptions{}
	cmd := &cobra.Command{
		Use:   "chatops --event FILE",
		Short: "Answer a chat command in a comment, or open the next promotion after a merge",
		Long: `Chatops handles one forge event, as a GitHub Action step does:

- issue_comment: a comment whose first line is a command
    /promote <env> [app...] [--from <env>]
    /rollback <env> [<commit> | <steps>]
    /promote status
    /promote help
  gets eyes, then runs (if its author has write, maintain or admin
  permission and, where the environment lists approvers, is one), then
  rocket or confused and a reply with the request's link or the error.
  Other comments, edits, deletions and bots not listed under
  chatops.bots are ignored. A malformed command gets the grammar.
- pull_request closed and merged: when it was a promotion, the
  promotions out of its target whose environments have autoPromote: true
  are opened, and linked in a reply.

Configuration and manifests are always read from the repository's
default branch (fetched from the forge), never from a pull request's
head or the working tree: a comment on a fork's pull request cannot run
the fork's promote.yaml.`,
		Example: `  promote chatops                      # in GitHub Actions: $GITHUB_EVENT_PATH, $GITHUB_EVENT_NAME
  promote chatops --event event.json --event-name issue_comment -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runChatOps(cmd, f, o)
		},
	}
	cmd.Flags().StringVar(&o.event, "event", "", "the event payload `FILE` (default $GITHUB_EVENT_PATH)")
	cmd.Flags().StringVar(&o.eventName, "event-name", "", "the event's `NAME`: issue_comment or pull_request (default $GITHUB_EVENT_NAME)")
	cmd.Flags().StringVar(&o.forgeName, "forge", "auto", forgesUsage)
	addForgeFlags(cmd, f, &o.timeout)
	o.out.register(cmd, "text", "json")
	return cmd
}

func runChatOps(cmd *cobra.Command, f *Factory, o *chatOpsOptions) error {
	if err := o.out.check(); err != nil {
		return err
	}
	ev, err := readEvent(f, o)
	if err != nil {
		return err
	}
	if !chatops.NeedsWork(ev) {
		fmt.Fprintf(f.Stderr, "nothing to do: this %s event holds no command and merges no request\n", first(o.eventName, f.Getenv("GITHUB_EVENT_NAME")))
		return writeChatResult(f, o.out.format, &chatops.Result{Outcome: chatops.Ignored})
	}
	h, err := chatHandler(f, o.forgeName, ev.Repository.DefaultBranch)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), o.timeout)
	defer cancel()
	res, err := h.Handle(ctx, ev)
	if err != nil {
		return err
	}
	if len(res.Proposals) > 0 {
		if err := actions.ReportProposal(f.Getenv, f.commands(), res.Proposals[0]); err != nil {
			return err
		}
	}
	if err := writeChatResult(f, o.out.format, res); err != nil {
		return err
	}
	return res.Err()
}

// readEvent reads and parses the event file.
func readEvent(f *Factory, o *chatOpsOptions) (*forge.Event, error) {
	file := first(o.event, f.Getenv("GITHUB_EVENT_PATH"))
	name := first(o.eventName, f.Getenv("GITHUB_EVENT_NAME"))
	if file == "" {
		return nil, errors.New("no event: pass --event FILE (in GitHub Actions, $GITHUB_EVENT_PATH is read)")
	}
	if name == "" {
		return nil, errors.New("no event name: pass --event-name issue_comment or pull_request (in GitHub Actions, $GITHUB_EVENT_NAME is read)")
	}
	if f.Dir != "" && !filepath.IsAbs(file) && o.event != "" {
		file = filepath.Join(f.Dir, file)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read event: %w", err)
	}
	return connect.ParseEvent(o.forgeName, name, data, f.Getenv)
}

// chatHandler builds the handler: the forge's comment side, and a runner
// on the default branch with the pipeline policy and validation gate.
func chatHandler(f *Factory, forgeName, base string) (*chatops.Handler, error) {
	ws, err := workspace.LocateCommitted(first(f.Dir, "."), f.ConfigFile)
	if err != nil {
		return nil, err
	}
	f.ws = ws
	fg, err := f.Forge(forgeName)
	if err != nil {
		return nil, err
	}
	return chatops.NewHandler(ws, fg, base, chatops.Setup{Now: f.now, Notify: f.Notifier(), Retry: f.ForgeOptions.Retry, Progress: f.note})
}

func writeChatResult(f *Factory, format string, res *chatops.Result) error {
	if format == "json" {
		return writeJSON(f.Stdout, res)
	}
	if res.Reply != "" {
		fmt.Fprintln(f.Stdout, res.Reply)
	}
	msg := string(res.Outcome)
	if res.Command != nil {
		msg = fmt.Sprintf("%s: %s", res.Command, res.Outcome)
	}
	fmt.Fprintln(f.Stderr, msg)
	return nil
}

func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
