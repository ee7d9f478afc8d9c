package cli

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/gitops-promote/promote/internal/actions"
	"github.com/gitops-promote/promote/internal/proposal"
)

// releasedImage is how action.yml names the image: a release's, pinned
// to its exact version, never rebuilt from source in every job.
var releasedImage = regexp.MustCompile(`^docker://ghcr\.io/gitops-promote/promote:v\d+\.\d+\.\d+$`)

// TestDockerfileDefaultUser: the default (last) stage of the Dockerfile,
// the image the action runs, sets no USER, as GitHub requires of Docker
// actions; the nonroot stage does, for running elsewhere.
func TestDockerfileDefaultUser(t *testing.T) {
	data, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	stages := map[string][]string{}
	var last string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 0 || strings.HasPrefix(f[0], "#"):
		case strings.EqualFold(f[0], "FROM"):
			last = f[len(f)-1]
		default:
			stages[last] = append(stages[last], strings.ToUpper(f[0]))
		}
	}
	if last != "action" || slices.Contains(stages["action"], "USER") || slices.Contains(stages["runtime"], "USER") {
		t.Errorf("the default stage is %q and sets USER (stages %v): GitHub runs Docker actions as the image's default user, root", last, stages)
	}
	if !slices.Contains(stages["nonroot"], "USER") {
		t.Error("the nonroot stage sets no USER")
	}
}

// actionYAML reads the repository's action.yml.
func actionYAML(t *testing.T) (inputs map[string]map[string]string, outputs map[string]any) {
	t.Helper()
	data, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Inputs  map[string]map[string]string `yaml:"inputs"`
		Outputs map[string]any               `yaml:"outputs"`
		Runs    struct {
			Using string   `yaml:"using"`
			Image string   `yaml:"image"`
			Args  []string `yaml:"args"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if a.Runs.Using != "docker" || !releasedImage.MatchString(a.Runs.Image) || !slices.Equal(a.Runs.Args, []string{"action"}) {
		t.Errorf("action.yml runs: %+v, want a released image (docker://ghcr.io/gitops-promote/promote:vX.Y.Z) with args [action]", a.Runs)
	}
	return a.Inputs, a.Outputs
}

// TestActionInputsAreFlags: every input of action.yml is one the action
// entry point knows, and each maps to a flag of at least one command the
// action runs (token to GITHUB_TOKEN); set alone for such a command, it
// parses as that flag with its value.
func TestActionInputsAreFlags(t *testing.T) {
	inputs, _ := actionYAML(t)
	known := map[string]actions.Input{}
	for _, in := range actions.Inputs {
		known[in.Name] = in
		if _, ok := inputs[in.Name]; !ok {
			t.Errorf("the entry point reads input %s, which action.yml does not declare", in.Name)
		}
	}
	for name := range inputs {
		if name == "command" {
			continue
		}
		in, ok := known[name]
		if !ok {
			t.Errorf("action.yml input %s maps to no flag of promote", name)
			continue
		}
		if in.Env != "" {
			continue
		}
		var users []string
		for _, c := range actions.Commands {
			if commandFlags(c)[in.Flag] {
				users = append(users, c)
			}
		}
		if len(users) == 0 {
			t.Errorf("input %s maps to --%s, which no command of the action has", name, in.Flag)
			continue
		}
		checkInputParses(t, users[0], in)
	}
}

// checkInputParses sets in (and command) as the runner would and parses
// the resulting command line with the real command.
func checkInputParses(t *testing.T, command string, in actions.Input) {
	t.Helper()
	value := "sample"
	if in.Bool {
		value = "true"
	}
	if in.Flag == "timeout" {
		value = "5m"
	}
	if in.Flag == "steps" {
		value = "2"
	}
	env := map[string]string{"INPUT_COMMAND": command, "INPUT_" + strings.ToUpper(in.Name): value}
	args, _, err := actionArgs(func(k string) string { return env[k] })
	if err != nil {
		t.Errorf("input %s with command %s: %v", in.Name, command, err)
		return
	}
	root := NewRootCmd(&Factory{Getenv: func(string) string { return "" }})
	c, rest, err := root.Find(args)
	if err != nil || c.Name() != command {
		t.Errorf("%v: found %v, %v", args, c, err)
		return
	}
	if err := c.ParseFlags(rest); err != nil {
		t.Errorf("input %s: promote %s: %v", in.Name, strings.Join(args, " "), err)
		return
	}
	fl := c.Flags().Lookup(in.Flag)
	if fl == nil || !fl.Changed || (!in.Bool && !strings.Contains(fl.Value.String(), value)) {
		t.Errorf("input %s=%s: --%s not set by %v", in.Name, value, in.Flag, args)
	}
}

func TestActionArgs(t *testing.T) {
	env := map[string]string{"INPUT_COMMAND": "set-image", "INPUT_ENV": "dev", "INPUT_IMAGES": "web=ghcr.io/acme/web:1.5.0\nworker=ghcr.io/acme/worker:2.1.0\n",
		"INPUT_DRY-RUN": "true", "INPUT_DIRECT": "false", "INPUT_TOKEN": "ghs_x", "INPUT_FORGE": "auto"}
	args, vars, err := actionArgs(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"set-image", "--env=dev", "--image=web=ghcr.io/acme/web:1.5.0", "--image=worker=ghcr.io/acme/worker:2.1.0", "--forge=auto", "--dry-run"}
	if !slices.Equal(args, want) || vars["GITHUB_TOKEN"] != "ghs_x" {
		t.Errorf("args %q vars %v, want %q", args, vars, want)
	}
	env = map[string]string{"INPUT_COMMAND": "run", "INPUT_IMAGES": "web=x:1", "INPUT_DRY-RUN": "yes"}
	if _, _, err := actionArgs(func(k string) string { return env[k] }); err == nil ||
		!strings.Contains(err.Error(), "input images: promote run has no --image") || !strings.Contains(err.Error(), `input dry-run: "yes": expected true or false`) {
		t.Errorf("inputs that do not apply: %v", err)
	}
	env = map[string]string{"INPUT_COMMAND": "deploy"}
	if _, _, err := actionArgs(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), `input command: "deploy"`) {
		t.Errorf("unknown command: %v", err)
	}
}

func TestActionOutputsAreDeclared(t *testing.T) {
	_, outputs := actionYAML(t)
	outs, err := actions.ProposalOutputs(&proposalResultForTest)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		if _, ok := outputs[o.Name]; !ok {
			t.Errorf("output %s is written but action.yml does not declare it", o.Name)
		}
	}
	if len(outs) != len(outputs) {
		t.Errorf("action.yml declares %d outputs, promote writes %d", len(outputs), len(outs))
	}
}

var proposalResultForTest = proposal.Result{}
