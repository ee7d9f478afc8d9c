package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"golang.org/x/term"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitChanges = 2 // plan --exit-code: there is something to promote
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
func Main() int {
	stderr, wait := dedupeStderr()
	defer wait()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	f := &Factory{
		Stdin:    os.Stdin,
		Stdout:   os.Stdout,
		Stderr:   stderr,
		Getenv:   os.Getenv,
		Terminal: term.IsTerminal(int(os.Stdout.Fd())),

		StderrTerminal: term.IsTerminal(int(stderr.Fd())),
	}
	return Run(ctx, f, os.Args[1:])
}

// Run executes args with f and returns the exit code.
func Run(ctx context.Context, f *Factory, args []string) int {
	cmd := NewRootCmd(f)
	cmd.SetArgs(args)
	cmd.SetIn(f.Stdin)
	cmd.SetOut(f.Stdout)
	cmd.SetErr(f.Stderr)
	err := cmd.ExecuteContext(ctx)
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
