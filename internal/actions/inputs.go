package actions

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Input is one input of action.yml and the flag it becomes.
type Input struct {
	Name string
	// Flag is the command-line flag; Env, for inputs that are not flags,
	// the environment variable set instead.
	Flag, Env string
	// List inputs hold one value per line (or comma-separated): one flag
	// each. Bool inputs are passed only when "true".
	List, Bool bool
}

// Inputs are action.yml's inputs besides command. A test of the command
// line checks that they are exactly action.yml's and that each flag
// exists.
var Inputs = []Input{
	{Name: "token", Env: "GITHUB_TOKEN"},
	{Name: "to", Flag: "to"},
	{Name: "from", Flag: "from"},
	{Name: "apps", Flag: "app", List: true},
	{Name: "env", Flag: "env"},
	{Name: "images", Flag: "image", List: true},
	{Name: "steps", Flag: "steps"},
	{Name: "event", Flag: "event"},
	{Name: "config", Flag: "config"},
	{Name: "working-directory", Flag: "chdir"},
	{Name: "base", Flag: "base"},
	{Name: "forge", Flag: "forge"},
	{Name: "repo", Flag: "repo"},
	{Name: "timeout", Flag: "timeout"},
	{Name: "reason", Flag: "reason"},
	{Name: "dry-run", Flag: "dry-run", Bool: true},
	{Name: "github-api-commits", Flag: "github-api-commits", Bool: true},
	{Name: "direct", Flag: "direct", Bool: true},
	{Name: "skip-validation", Flag: "skip-validation", Bool: true},
	{Name: "force", Flag: "force", Bool: true},
}

// Commands are the commands the action's command input may name.
var Commands = []string{"run", "set-image", "rollback", "chatops", "plan", "status", "validate", "history", "diff"}

// InputValue reads an action input as the runner passes it:
// INPUT_<NAME>, upper case, hyphens kept, trimmed.
func InputValue(getenv func(string) string, name string) string {
	return strings.TrimSpace(getenv("INPUT_" + strings.ToUpper(strings.ReplaceAll(name, " ", "_"))))
}

// Args turns the step's inputs into the command line (the command
// input, run by default, then a flag per input set) and the environment
// variables to set. flags lists the flags a command accepts: an input
// its command has no flag for is an error.
func Args(getenv func(string) string, flags func(command string) map[string]bool) ([]string, map[string]string, error) {
	command := InputValue(getenv, "command")
	if command == "" {
		command = "run"
	}
	if !slices.Contains(Commands, command) {
		return nil, nil, fmt.Errorf("input command: %s: expected one of %s", strconv.Quote(command), strings.Join(Commands, ", "))
	}
	known := flags(command)
	args := []string{command}
	env := map[string]string{}
	var errs []error
	for _, in := range Inputs {
		v := InputValue(getenv, in.Name)
		if v == "" {
			continue
		}
		if in.Bool {
			on, err := ParseBool(in.Name, v)
			if err != nil {
				errs = append(errs, err)
			}
			if !on {
				continue
			}
		}
		switch {
		case in.Env != "":
			env[in.Env] = v
			continue
		case !known[in.Flag]:
			errs = append(errs, fmt.Errorf("input %s: promote %s has no --%s", in.Name, command, in.Flag))
			continue
		}
		args = append(args, in.flags(v)...)
	}
	return args, env, errors.Join(errs...)
}

// flags renders the input, set to v, as flags.
func (in Input) flags(v string) []string {
	if in.Bool {
		return []string{"--" + in.Flag}
	}
	if !in.List {
		return []string{"--" + in.Flag + "=" + v}
	}
	var out []string
	for _, item := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == ',' }) {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, "--"+in.Flag+"="+item)
		}
	}
	return out
}
