package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/promote"
)

// Workspace is where a command runs: the directory holding promote.yaml
// (the root every configured path is relative to) and its repository.
type Workspace struct {
	// Dir is the absolute directory of the configuration; empty for a
	// bare repository, whose configuration is read from commits.
	Dir string
	// ConfigFile is the configuration given with --config, or empty.
	ConfigFile string
	// ConfigRev, when set, is the branch the configuration is read from:
	// the checkout (an environment branch) has no promote.yaml, the
	// repository's default branch has.
	ConfigRev string
	// Signing overrides git's configuration for signing the commits
	// written in the repository (--sign, --no-sign, --sign-key).
	Signing gitrepo.SignOptions

	start      string
	repo       *gitrepo.Repo
	signingSet bool
}

// Locate finds the workspace for a command started in dir. configFile is
// the --config flag (relative to dir), or empty to search dir and its
// parents up to the repository's top for promote.yaml.
func Locate(dir, configFile string) (*Workspace, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", dir, err)
	}
	if info, err := os.Stat(abs); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("-C %s: not a directory", dir)
	}
	w := &Workspace{start: abs}
	if configFile != "" {
		if !filepath.IsAbs(configFile) {
			configFile = filepath.Join(abs, configFile)
		}
		w.ConfigFile, w.Dir = configFile, filepath.Dir(configFile)
		// A configuration outside the repository being worked in (kept
		// on another checkout of the default branch) configures this
		// repository: its paths are relative to the repository's top.
		if repo, err := gitrepo.Open(abs); err == nil && repo.Root() != "" && !within(repo.Root(), configFile) {
			w.Dir, w.repo = repo.Root(), repo
		}
		return w, nil
	}
	if w.Dir = search(abs); w.Dir != "" {
		return w, nil
	}
	repo, err := gitrepo.Open(abs)
	if err == nil && repo.Root() == "" {
		w.repo = repo
		return w, nil
	}
	if err == nil {
		if rev := defaultConfigRev(repo); rev != "" {
			w.Dir, w.repo, w.ConfigRev = repo.Root(), repo, rev
			return w, nil
		}
	}
	return nil, fmt.Errorf("no %s in %s or its parents up to the repository's top, nor on the default branch: create one or pass --config", promote.ConfigFile, abs)
}

// defaultBranches are where the configuration of a checkout without one
// (an environment branch) is looked for, in order.
var defaultBranches = []string{"origin/HEAD", "main", "master", "origin/main", "origin/master"}

// defaultConfigRev is the first default branch of repo whose top holds
// promote.yaml, "" when none does.
func defaultConfigRev(repo *gitrepo.Repo) string {
	for _, rev := range defaultBranches {
		c, err := repo.Resolve(rev)
		if err != nil {
			continue
		}
		tree, err := repo.TreeFS(c)
		if err != nil {
			continue
		}
		if _, err := fs.Stat(tree, promote.ConfigFile); err == nil {
			return rev
		}
	}
	return ""
}

// within reports whether file is under dir (symlinks resolved).
func within(dir, file string) bool {
	d, err1 := filepath.EvalSymlinks(dir)
	f, err2 := filepath.EvalSymlinks(file)
	if err1 != nil || err2 != nil {
		d, f = dir, file
	}
	rel, err := filepath.Rel(d, f)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// search walks up from dir to the first directory holding promote.yaml,
// stopping after a directory that holds .git.
func search(dir string) string {
	for {
		if _, err := os.Stat(filepath.Join(dir, promote.ConfigFile)); err == nil {
			return dir
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil || isBare(dir) {
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// isBare reports whether dir is a bare repository (HEAD, objects/ and
// refs/): its configuration lives in its commits, never in a parent
// directory.
func isBare(dir string) bool {
	for _, name := range []string{"HEAD", "objects", "refs"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return false
		}
	}
	return true
}

// Repo opens the Git repository around the workspace.
// Commits written in it are signed as git's configuration and Signing
// say.
func (w *Workspace) Repo() (*gitrepo.Repo, error) {
	if w.repo == nil {
		dir := w.Dir
		if dir == "" {
			dir = w.start
		}
		repo, err := gitrepo.Open(dir)
		if err != nil {
			return nil, err
		}
		w.repo = repo
	}
	if !w.signingSet {
		w.repo.SetSigning(w.Signing)
		w.signingSet = true
	}
	return w.repo, nil
}

// Prefix is the workspace directory relative to the repository's top, "."
// when they are the same.
func (w *Workspace) Prefix() (string, error) {
	repo, err := w.Repo()
	if err != nil {
		return "", err
	}
	if w.Dir == "" || repo.Root() == "" {
		return ".", nil
	}
	root, err := filepath.EvalSymlinks(repo.Root())
	if err != nil {
		return "", err
	}
	dir, err := filepath.EvalSymlinks(w.Dir)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == ".." || len(rel) > 2 && rel[:3] == ".."+string(filepath.Separator) {
		return "", fmt.Errorf("%s is outside the repository at %s", w.Dir, repo.Root())
	}
	return filepath.ToSlash(rel), nil
}

// Disk returns the configuration and the working directory as a tree.
// With branch environments the tree is a *Tree: environments on other
// branches than the checked-out one are read from those branches.
func (w *Workspace) Disk() (*promote.Config, fs.FS, error) {
	if w.Dir == "" {
		return nil, nil, errors.New("a bare repository has no working tree: use run, or plan with --ref")
	}
	fsys, err := openJail(w.Dir)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := w.config(fsys)
	if err != nil {
		return nil, nil, err
	}
	return cfg, w.wrap(cfg, fsys, w.currentBranch()), nil
}

// currentBranch is the checked-out branch, "" when HEAD is detached or
// there is no repository.
func (w *Workspace) currentBranch() string {
	repo, err := w.Repo()
	if err != nil {
		return ""
	}
	b, err := repo.CurrentBranch()
	if err != nil {
		return ""
	}
	return b
}

// AtCommit returns the configuration and the workspace's tree at commit.
// The configuration comes from --config when given, else from the commit.
// With branch environments the tree is a *Tree: branch environments are
// read from their branches.
func (w *Workspace) AtCommit(commit plumbing.Hash) (*promote.Config, fs.FS, error) {
	repo, err := w.Repo()
	if err != nil {
		return nil, nil, err
	}
	prefix, err := w.Prefix()
	if err != nil {
		return nil, nil, err
	}
	tree, err := repo.TreeFS(commit)
	if err != nil {
		return nil, nil, err
	}
	sub, err := fs.Sub(tree, prefix)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := w.config(sub)
	if err != nil && errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("commit %s has no %s: %w", commit.String()[:12], path.Join(prefix, promote.ConfigFile), err)
	}
	if err != nil {
		return nil, nil, err
	}
	return cfg, w.wrap(cfg, sub, ""), nil
}

func (w *Workspace) config(fsys fs.FS) (*promote.Config, error) {
	if w.ConfigFile != "" {
		data, err := os.ReadFile(w.ConfigFile)
		if err != nil {
			return nil, fmt.Errorf("read config: %w", err)
		}
		return promote.ParseConfig(w.ConfigFile, data)
	}
	if w.ConfigRev != "" {
		return w.configAt(w.ConfigRev)
	}
	data, err := fs.ReadFile(fsys, promote.ConfigFile)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return promote.ParseConfig(w.displayConfig(), data)
}

// configAt reads promote.yaml at the top of branch rev.
func (w *Workspace) configAt(rev string) (*promote.Config, error) {
	repo, err := w.Repo()
	if err != nil {
		return nil, err
	}
	c, err := repo.Resolve(rev)
	if err != nil {
		return nil, fmt.Errorf("read config from %s: %w", rev, err)
	}
	tree, err := repo.TreeFS(c)
	if err != nil {
		return nil, err
	}
	data, err := fs.ReadFile(tree, promote.ConfigFile)
	if err != nil {
		return nil, fmt.Errorf("read config from %s: %w", rev, err)
	}
	return promote.ParseConfig(promote.ConfigFile+" (on "+rev+")", data)
}

// displayConfig names the configuration file in messages.
func (w *Workspace) displayConfig() string {
	if w.Dir == "" {
		return promote.ConfigFile
	}
	if rel, err := filepath.Rel(w.start, filepath.Join(w.Dir, promote.ConfigFile)); err == nil {
		return rel
	}
	return filepath.Join(w.Dir, promote.ConfigFile)
}

// CurrentBranch is the branch checked out, the default base of
// proposals; a detached HEAD is an error saying to pass --base.
func (w *Workspace) CurrentBranch() (string, error) {
	repo, err := w.Repo()
	if err != nil {
		return "", err
	}
	b, err := repo.CurrentBranch()
	if errors.Is(err, gitrepo.ErrDetached) {
		return "", errors.New("HEAD is detached, so there is no branch to build on: pass --base BRANCH")
	}
	return b, err
}

// NoRenderCacheEnv, set to any value, keeps kustomize builds from being
// kept on disk (see RenderCache).
const NoRenderCacheEnv = "PROMOTE_NO_RENDER_CACHE"

// RenderCache is the cache of kustomize builds for commands on w: in
// memory, and under the git directory (promote/renders) unless noDisk or
// the repository cannot be opened.
func (w *Workspace) RenderCache(noDisk bool) *kustomize.RenderCache {
	if noDisk {
		return kustomize.NewRenderCache(nil)
	}
	repo, err := w.Repo()
	if err != nil || repo.GitDir() == "" {
		return kustomize.NewRenderCache(nil)
	}
	return kustomize.NewRenderCache(kustomize.OpenDiskCache(filepath.Join(repo.GitDir(), "promote", "renders")))
}
