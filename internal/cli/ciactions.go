package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/actions"
)

// annotateErrors makes every command's error, inside GitHub Actions, an
// ::error annotation on the file and line it names (promote.yaml, a
// kustomization), so that it shows in the pull request's diff.
func annotateErrors(f *Factory, root *cobra.Command) {
	for _, c := range root.Commands() {
		annotateErrors(f, c)
		run := c.RunE
		if run == nil || c.Name() == "action" {
			continue // action runs a command tree of its own, which annotates
		}
		c.RunE = func(cmd *cobra.Command, args []string) error {
			err := run(cmd, args)
			annotate(f, err)
			return err
		}
	}
}

func annotate(f *Factory, err error) {
	var ee *ExitError
	if err == nil || errors.As(err, &ee) && ee.Err == nil {
		return
	}
	gh := f.gitHub()
	if gh == nil {
		return
	}
	f.annotated = true
	file, line := actions.ErrorPosition(err)
	gh.Error(actions.RepoRelative(f.Getenv, f.Dir, file), line, err.Error())
}
