package promote

import (
	"errors"
	"os"
	"testing"

	"github.com/gitops-promote/promote/internal/fileerr"
)

// FuzzParseConfig reads any promote.yaml: ParseConfig never panics, an
// error is a *ConfigError naming the file, and a configuration accepted
// has environments whose names are valid branch name parts.
func FuzzParseConfig(f *testing.F) {
	if b, err := os.ReadFile("../promote.yaml"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		"environments:\n  - {name: dev, path: envs/dev}\n  - {name: prod, path: envs/prod, from: dev, autoPromote: true}\n",
		"apps: {path: apps/{app}/{env}}\nenvironments:\n  - name: dev\n  - {name: prod, from: dev, approvers: [a, org/team]}\n",
		"environments:\n  - {name: prod, branch: env/prod, path: k8s}\npromote: {files: ['*.env'], charts: true, refs: true}\n",
		"environments: [{name: a..b, path: x}]\n", "a: &a [1]\nb: *a\n", "environments: []\nenvironments: []\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig("promote.yaml", data)
		if err != nil {
			var ce *fileerr.Error
			if !errors.As(err, &ce) || ce.File != "promote.yaml" {
				t.Fatalf("error %v (%T): want a *ConfigError naming promote.yaml", err, err)
			}
			return
		}
		for _, e := range cfg.Environments {
			if !ValidEnvName(e.Name) {
				t.Fatalf("accepted environment name %q", e.Name)
			}
		}
	})
}
