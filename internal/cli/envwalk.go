package cli

import (
	"fmt"

	"github.com/gitops-promote/promote/internal/workspace"
)

// envWalk is an environment's history as history and verify read it.
type envWalk = workspace.EnvWalk

// openEnvWalk resolves --ref (a branch environment's branch unless
// refSet) and walks the commits that changed env's directories.
func openEnvWalk(f *Factory, envName string, apps []string, ref string, refSet, allParents bool) (*envWalk, error) {
	ws, err := f.Workspace()
	if err != nil {
		return nil, err
	}
	return ws.Walk(envName, apps, ref, refSet, allParents)
}

// noteShallow tells, on stderr, where the walked history ends when the
// repository is a shallow clone: what is named ("the history shown")
// ends there.
func noteShallow(f *Factory, w *envWalk, what string) error {
	msg, err := w.Workspace.ShallowEnd(w.Tip)
	if err != nil {
		return err
	}
	if msg != "" {
		fmt.Fprintf(f.Stderr, "note: %s %s\n", what, msg)
	}
	return nil
}
