package promote

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// validateBranch checks the branch of a branch environment. Without
// path: (and apps:) the environment is the root of its branch's tree.
func (c *Config) validateBranch(e *Environment) error {
	if e.Branch == "" {
		return nil
	}
	b := e.Branch
	if strings.HasPrefix(b, "refs/") || strings.HasPrefix(b, "-") || strings.HasPrefix(b, "/") || plumbing.NewBranchReferenceName(b).Validate() != nil {
		return c.errorf(e.line, "environment %q: branch %q is not a valid branch name (expected a name such as env/%s)", e.Name, b, e.Name)
	}
	if e.Path == "" && c.Apps == nil {
		e.Path = "."
	}
	return nil
}

// HasBranches reports whether some environment lives on a branch.
func (c *Config) HasBranches() bool {
	for _, e := range c.Environments {
		if e.Branch != "" {
			return true
		}
	}
	return false
}

// EnvTrees is implemented by trees that know where branch environments
// live (the workspace's trees do, for a configuration with branch:
// environments). Planning reads an environment from EnvTree(name): the
// tree of its branch for a branch environment, the tree itself for a
// directory environment.
type EnvTrees interface {
	fs.FS
	EnvTree(env string) (fs.FS, error)
}

// envTree returns the tree env is read from in fsys.
func envTree(fsys fs.FS, env string) (fs.FS, error) {
	if et, ok := fsys.(EnvTrees); ok {
		t, err := et.EnvTree(env)
		if err != nil {
			return nil, fmt.Errorf("environment %q: %w", env, err)
		}
		return t, nil
	}
	return fsys, nil
}

// For returns the trees an edge from → to reads: Source resolved for
// from and Target for to (see EnvTrees). Trees that are not EnvTrees are
// returned as they are.
func (t Trees) For(from, to string) (Trees, error) {
	src, err := envTree(t.Source, from)
	if err != nil {
		return Trees{}, err
	}
	dst, err := envTree(t.Target, to)
	if err != nil {
		return Trees{}, err
	}
	out := Trees{Source: src, Target: dst}
	if !isEnvTrees(t.Source) && !isEnvTrees(t.Target) {
		out.kust = t.kust // the same trees
	}
	return out, nil
}

// isEnvTrees reports whether fsys resolves trees per environment.
func isEnvTrees(fsys fs.FS) bool {
	_, ok := fsys.(EnvTrees)
	return ok
}
