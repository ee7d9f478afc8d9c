package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"golang.org/x/term"

	"github.com/gitops-promote/promote/internal/actions"
	"github.com/gitops-promote/promote/internal/warnonce"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitChanges = 2 // plan --exit-code: there is something to promote
	// ExitGated: only gates that open by themselves (soak time, pending
	// checks, a freeze window) hold a promotion back (plan --exit-code,
	// run).
	ExitGated = 3
)

// ExitError makes a command exit with Code after printing Err (if any).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Main runs the command line with the process's arguments and streams and
// returns the exit code.
func Main() int { return MainWith(NewFactory()) }

// NewFactory is the factory of the process: its streams and environment.
func NewFactory() *Factory {
	return &Factory{
		Stdin:    os.Stdin,
		Stdout:   os.Stdout,
		Stderr:   os.Stderr,
		Getenv:   os.Getenv,
		Terminal: term.IsTerminal(int(os.Stdout.Fd())),

		StderrTerminal: term.IsTerminal(int(os.Stderr.Fd())),
	}
}

// MainWith runs the process's arguments with f, stopping on an
// interrupt, and returns the exit code. What libraries print straight to
// the process's standard error (kustomize's warnings) goes through
// warnonce.Stderr: each distinct warning once.
func MainWith(f *Factory) int {
	_, wait := warnonce.Stderr()
	defer wait()
	defer startProfiles(os.Getenv, os.Stderr)()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return Run(ctx, f, os.Args[1:])
}

// Run executes args with f and returns the exit code. Inside GitHub
// Actions, messages on stderr that would read as workflow commands are
// defused (actions.Guard); promote's own commands still reach the runner.
func Run(ctx context.Context, f *Factory, args []string) int {
	if f.Commands == nil && f.Getenv("GITHUB_ACTIONS") == "true" {
		g := actions.NewGuard(f.Stderr)
		sub := *f
		sub.Commands, sub.Stderr = f.Stderr, g
		defer g.Flush()
		f = &sub
	}
	cmd := NewRootCmd(f)
	cmd.SetArgs(args)
	cmd.SetIn(f.Stdin)
	cmd.SetOut(f.Stdout)
	cmd.SetErr(f.Stderr)
	err := cmd.ExecuteContext(ctx)
	f.closeRenders()
	return exitCode(f, err)
}

// exitCode prints err (if any) and returns the exit code it stands for.
func exitCode(f *Factory, err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintf(f.Stderr, "promote: %v\n", ee.Err)
		}
		return ee.Code
	}
	fmt.Fprintf(f.Stderr, "promote: %v\n", err)
	return ExitFailure
}
