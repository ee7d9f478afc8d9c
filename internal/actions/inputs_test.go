package actions

import (
	"slices"
	"strings"
	"testing"
)

func TestArgs(t *testing.T) {
	flags := func(command string) map[string]bool {
		if command != "set-image" {
			return map[string]bool{"to": true}
		}
		return map[string]bool{"env": true, "image": true, "dry-run": true, "direct": true}
	}
	for name, tc := range map[string]struct {
		inputs   map[string]string
		args     []string
		env      map[string]string
		errParts []string
	}{
		"run by default": {inputs: map[string]string{"TO": " prod "}, args: []string{"run", "--to=prod"}, env: map[string]string{}},
		"lists, booleans and variables": {
			inputs: map[string]string{"COMMAND": "set-image", "ENV": "dev", "IMAGES": "web=a:1, worker=b:2\n\n", "DRY-RUN": "True", "DIRECT": "false", "TOKEN": "ghs_x"},
			args:   []string{"set-image", "--env=dev", "--image=web=a:1", "--image=worker=b:2", "--dry-run"},
			env:    map[string]string{"GITHUB_TOKEN": "ghs_x"},
		},
		"every wrong input at once": {
			inputs:   map[string]string{"IMAGES": "web=a:1", "FORCE": "yes"},
			errParts: []string{"input images: promote run has no --image", `input force: "yes": expected true or false`},
		},
		"unknown command": {inputs: map[string]string{"COMMAND": "deploy"}, errParts: []string{`input command: "deploy": expected one of run, set-image`}},
	} {
		t.Run(name, func(t *testing.T) {
			args, env, err := Args(func(k string) string { return tc.inputs[strings.TrimPrefix(k, "INPUT_")] }, flags)
			if tc.errParts != nil {
				for _, part := range tc.errParts {
					if err == nil || !strings.Contains(err.Error(), part) {
						t.Errorf("error %v, want it to say %s", err, part)
					}
				}
				return
			}
			if err != nil || !slices.Equal(args, tc.args) || len(env) != len(tc.env) || env["GITHUB_TOKEN"] != tc.env["GITHUB_TOKEN"] {
				t.Errorf("Args: %q %v %v, want %q %v", args, env, err, tc.args, tc.env)
			}
		})
	}
}
