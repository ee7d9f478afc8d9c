package cli

import (
	"errors"
	"fmt"
	"slices"
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
--dry-run). An input the command has no flag for is an error.`,
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
	args, env, err := actionArgs(f.Getenv)
	if err != nil {
		return err
	}
	if gh := actions.DetectGitHub(f.Getenv, f.Stderr); gh != nil {
		for _, v := range env {
			gh.Mask(v)
		}
	}
	sub := *f
	parent := f.Getenv
	sub.Getenv = func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return parent(k)
	}
	fmt.Fprintf(f.Stderr, "promote %s\n", strings.Join(args, " "))
	root := NewRootCmd(&sub)
	root.SetArgs(args)
	root.SetOut(f.Stdout)
	root.SetErr(f.Stderr)
	return root.ExecuteContext(cmd.Context())
}

// actionArgs turns the inputs into the command line and the environment
// variables to set.
func actionArgs(getenv func(string) string) ([]string, map[string]string, error) {
	command := input(getenv, "command")
	if command == "" {
		command = "run"
	}
	if !slices.Contains(actionCommands, command) {
		return nil, nil, fmt.Errorf("input command: %q: expected one of %s", command, strings.Join(actionCommands, ", "))
	}
	flags := commandFlags(command)
	args := []string{command}
	env := map[string]string{}
	var errs []error
	for _, in := range actionInputs {
		v := input(getenv, in.name)
		switch {
		case v == "" || in.bool && v == "false":
			continue
		case in.env != "":
			env[in.env] = v
			continue
		case !flags[in.flag]:
			errs = append(errs, fmt.Errorf("input %s: promote %s has no --%s", in.name, command, in.flag))
			continue
		case in.bool && v != "true":
			errs = append(errs, fmt.Errorf("input %s: %q: expected true or false", in.name, v))
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
