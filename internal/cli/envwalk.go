package cli

import (
	"fmt"
	"iter"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/workspace"
	"github.com/gitops-promote/promote/promote"
)

// envWalk is an environment's history as history and verify read it.
type envWalk struct {
	ws      *workspace.Workspace
	cfg     *promote.Config
	env     promote.Environment
	tip     plumbing.Hash
	ref     string
	commits iter.Seq2[promote.EnvCommit, error]
}

// openEnvWalk resolves --ref (a branch environment's branch unless
// refSet) and walks the commits that changed env's directories.
func openEnvWalk(f *Factory, envName string, apps []string, ref string, refSet, allParents bool) (*envWalk, error) {
	ws, repo, err := openRepo(f)
	if err != nil {
		return nil, err
	}
	tip, err := repo.Resolve(ref)
	if err != nil {
		return nil, fmt.Errorf("--ref: %w", err)
	}
	cfg, tree, err := ws.AtCommit(tip)
	if err != nil {
		return nil, err
	}
	env, err := cfg.Lookup(envName)
	if err != nil {
		return nil, err
	}
	if !refSet {
		if tip, ref, err = workspace.EnvWalkTip(tree, env, tip, ref); err != nil {
			return nil, err
		}
	}
	w := &envWalk{ws: ws, cfg: cfg, env: env, tip: tip, ref: ref}
	w.commits = ws.EnvCommits(cfg, env, apps, tip, allParents)
	return w, nil
}

// noteShallow tells, on stderr, where the walked history ends when the
// repository is a shallow clone: what is named ("the history shown")
// ends there.
func (w *envWalk) noteShallow(f *Factory, what string) error {
	msg, err := w.ws.ShallowEnd(w.tip)
	if err != nil {
		return err
	}
	if msg != "" {
		fmt.Fprintf(f.Stderr, "note: %s %s\n", what, msg)
	}
	return nil
}
