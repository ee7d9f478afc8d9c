package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gitops-promote/promote/internal/actions"
)

func newActionCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "action",
		Short: "Run as the GitHub Action: read the step's inputs (INPUT_*) and run the command they name",
		Long: `Action is the entry point of the Docker action (action.yml): it reads the
step's inputs from the INPUT_* variables the runner sets, masks the
token input and passes it on as GITHUB_TOKEN, and runs the command the
command input names (run by default) with the other inputs as flags
(apps: web,worker becomes --app web --app worker; dry-run: true becomes
--dry-run; booleans take true, True, TRUE, false, False, FALSE). An
input the command has no flag for is an error. Every error becomes an
::error annotation, after the token is masked; the exit code is the
command's; lines of output that would read as workflow commands are
shown behind "> ".`,
		Example: `  INPUT_COMMAND=run INPUT_TO=prod INPUT_DRY-RUN=true promote action`,
		Hidden:  true,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAction(cmd, f)
		},
	}
}

func runAction(cmd *cobra.Command, f *Factory) error {
	gh := f.gitHub()
	if gh != nil {
		gh.Mask(actions.InputValue(f.Getenv, "token"))
	}
	args, env, err := actionArgs(f.Getenv)
	if err != nil {
		annotate(f, err)
		return err
	}
	stdout, stderr := actions.NewGuard(f.Stdout), actions.NewGuard(f.Stderr)
	sub := actionFactory(f, env, stdout, stderr)
	fmt.Fprintf(stderr, "promote %s\n", actions.CommandLine(args))
	root := NewRootCmd(sub)
	root.SetArgs(args)
	root.SetIn(f.Stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err = root.ExecuteContext(cmd.Context())
	sub.closeRenders()
	if err != nil && !sub.annotated {
		annotate(sub, err) // an error before the command ran: a flag's value
	}
	code := exitCode(sub, err)
	if err := errors.Join(stdout.Flush(), stderr.Flush()); err != nil {
		return err
	}
	if code != ExitOK {
		return &ExitError{Code: code}
	}
	return nil
}

// actionFactory is f for the command the inputs name: env's variables
// over f's, output through the guards, workflow commands to f's.
func actionFactory(f *Factory, env map[string]string, stdout, stderr io.Writer) *Factory {
	sub := *f
	sub.Stdout, sub.Stderr, sub.Commands = stdout, stderr, f.commands()
	sub.Getenv = func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return f.Getenv(k)
	}
	return &sub
}

// actionArgs turns the inputs into the command line and the environment
// variables to set.
func actionArgs(getenv func(string) string) ([]string, map[string]string, error) {
	return actions.Args(getenv, commandFlags)
}

// commandFlags lists the flags command accepts, persistent ones
// included.
func commandFlags(command string) map[string]bool {
	root := NewRootCmd(&Factory{Getenv: func(string) string { return "" }})
	out := map[string]bool{}
	c, _, err := root.Find([]string{command})
	if err != nil {
		return out
	}
	c.Flags().VisitAll(func(fl *pflag.Flag) { out[fl.Name] = true })
	c.InheritedFlags().VisitAll(func(fl *pflag.Flag) { out[fl.Name] = true })
	return out
}
