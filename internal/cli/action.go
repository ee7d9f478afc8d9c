package cli

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gitops-promote/promote/internal/actions"
)

// actionInput is one input of action.yml and the flag it becomes.
type actionInput struct {
	name string
	// flag is the command-line flag; env, for inputs that are not flags,
	// the environment variable set instead.
	flag, env string
	// list inputs hold one value per line (or comma-separated): one flag
	// each. bool inputs are passed only when "true".
	list, bool bool
}

// actionInputs are action.yml's inputs besides command. The test in
// action_test.go checks that they are exactly action.yml's and that
// each flag exists.
var actionInputs = []actionInput{
	{name: "token", env: "GITHUB_TOKEN"},
	{name: "to", flag: "to"},
	{name: "from", flag: "from"},
	{name: "apps", flag: "app", list: true},
	{name: "env", flag: "env"},
	{name: "images", flag: "image", list: true},
	{name: "steps", flag: "steps"},
	{name: "event", flag: "event"},
	{name: "config", flag: "config"},
	{name: "working-directory", flag: "chdir"},
	{name: "base", flag: "base"},
	{name: "forge", flag: "forge"},
	{name: "repo", flag: "repo"},
	{name: "timeout", flag: "timeout"},
	{name: "reason", flag: "reason"},
	{name: "dry-run", flag: "dry-run", bool: true},
	{name: "github-api-commits", flag: "github-api-commits", bool: true},
	{name: "direct", flag: "direct", bool: true},
	{name: "skip-validation", flag: "skip-validation", bool: true},
	{name: "force", flag: "force", bool: true},
}

// actionCommands are the commands the action's command input may name.
var actionCommands = []string{"run", "set-image", "rollback", "chatops", "plan", "status", "validate", "history", "diff"}

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

// input reads an action input as the runner passes it: INPUT_<NAME>,
// upper case, hyphens kept.
func input(getenv func(string) string, name string) string {
	return strings.TrimSpace(getenv("INPUT_" + strings.ToUpper(strings.ReplaceAll(name, " ", "_"))))
}

func runAction(cmd *cobra.Command, f *Factory) error {
	gh := f.gitHub()
	if gh != nil {
		gh.Mask(input(f.Getenv, "token"))
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
	command := input(getenv, "command")
	if command == "" {
		command = "run"
	}
	if !slices.Contains(actionCommands, command) {
		return nil, nil, fmt.Errorf("input command: %s: expected one of %s", strconv.Quote(command), strings.Join(actionCommands, ", "))
	}
	flags := commandFlags(command)
	args := []string{command}
	env := map[string]string{}
	var errs []error
	for _, in := range actionInputs {
		v := input(getenv, in.name)
		if v == "" {
			continue
		}
		if in.bool {
			on, err := actions.ParseBool(in.name, v)
			if err != nil {
				errs = append(errs, err)
			}
			if !on {
				continue
			}
		}
		switch {
		case in.env != "":
			env[in.env] = v
			continue
		case !flags[in.flag]:
			errs = append(errs, fmt.Errorf("input %s: promote %s has no --%s", in.name, command, in.flag))
			continue
		}
		args = append(args, inputFlags(in, v)...)
	}
	return args, env, errors.Join(errs...)
}

// inputFlags renders one input as flags.
func inputFlags(in actionInput, v string) []string {
	if in.bool {
		return []string{"--" + in.flag}
	}
	if !in.list {
		return []string{"--" + in.flag + "=" + v}
	}
	var out []string
	for _, item := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == ',' }) {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, "--"+in.flag+"="+item)
		}
	}
	return out
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
