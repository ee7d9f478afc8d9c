package promote

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"syscall"

	"github.com/gitops-promote/promote/internal/parallel"
)

// selectApps returns the apps to plan: [""] without apps, the selection
// when given (each must exist in source and target), otherwise every app
// discovered in the source. Apps without a target overlay are noted.
func selectApps(cfg *Config, from, to Environment, sel []string, trees Trees, p *Plan) ([]string, error) {
	if cfg.Apps == nil {
		if len(sel) > 0 {
			return nil, fmt.Errorf("--app given but %s has no apps: section", cfg.File)
		}
		return []string{""}, nil
	}
	if len(sel) > 0 {
		return checkSelection(cfg, from, to, sel, trees)
	}
	found, err := DiscoverApps(cfg, from, trees.Source)
	if err != nil {
		return nil, err
	}
	has, err := existing(len(found), func(i int) (fs.FS, string) { return trees.Target, cfg.Dir(to, found[i]) })
	if err != nil {
		return nil, err
	}
	var apps []string
	for i, app := range found {
		if has[i] {
			apps = append(apps, app)
			continue
		}
		p.Notes = append(p.Notes, fmt.Sprintf("app %s has no %s overlay (%s): skipped", app, to.Name, cfg.Dir(to, app)))
	}
	return apps, nil
}

func checkSelection(cfg *Config, from, to Environment, sel []string, trees Trees) ([]string, error) {
	apps := slices.Clone(sel)
	slices.Sort(apps)
	apps = slices.Compact(apps)
	for _, app := range apps {
		if !ValidEnvName(app) {
			return nil, fmt.Errorf("app %q: expected letters, digits, '.', '_' or '-'", app)
		}
		for _, side := range []struct {
			env  Environment
			fsys fs.FS
		}{{from, trees.Source}, {to, trees.Target}} {
			dir := cfg.Dir(side.env, app)
			if ok, err := exists(side.fsys, dir); err != nil {
				return nil, fmt.Errorf("app %q: %w", app, err)
			} else if !ok {
				return nil, fmt.Errorf("app %q: %s has no directory %s", app, side.env.Name, dir)
			}
		}
	}
	return apps, nil
}

// DiscoverApps lists the apps that have a directory for env, sorted.
func DiscoverApps(cfg *Config, env Environment, fsys fs.FS) ([]string, error) {
	if cfg.Apps == nil {
		return nil, nil
	}
	tmpl := strings.ReplaceAll(cfg.Apps.Path, "{env}", env.Name)
	parent, _, _ := strings.Cut(tmpl, "{app}")
	parent = strings.TrimSuffix(parent, "/")
	if parent == "" {
		parent = "."
	}
	entries, err := fs.ReadDir(fsys, parent)
	if err != nil {
		return nil, fmt.Errorf("apps: read %s: %w", parent, err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && ValidEnvName(e.Name()) {
			names = append(names, e.Name())
		}
	}
	has, err := existing(len(names), func(i int) (fs.FS, string) { return fsys, cfg.Dir(env, names[i]) })
	if err != nil {
		return nil, fmt.Errorf("apps: %w", err)
	}
	var apps []string
	for i, name := range names {
		if has[i] {
			apps = append(apps, name)
		}
	}
	if len(apps) == 0 {
		return nil, fmt.Errorf("apps: no app has a %s directory (%s)", env.Name, tmpl)
	}
	return apps, nil
}

// existing reports, for each of n directories dir(i) returns, whether it
// exists; the checks run on every core (a monorepo has thousands of apps).
// A directory that cannot be read (a link out of the checkout) is an
// error, not an absent directory.
func existing(n int, dir func(i int) (fs.FS, string)) ([]bool, error) {
	out := make([]bool, n)
	err := parallel.ForEach(n, func(i int) error {
		var err error
		out[i], err = exists(dir(i))
		return err
	})
	return out, err
}

// exists reports whether dir is a directory of fsys. A path that is
// absent (or under a file) is not; one that cannot be read, such as a
// symbolic link the checkout refuses to follow, is an error: treating it
// as absent would report "nothing to promote" for a directory never read.
func exists(fsys fs.FS, dir string) (bool, error) {
	info, err := fs.Stat(fsys, dir)
	switch {
	case err == nil:
		return info.IsDir(), nil
	case isNotExist(err):
		return false, nil
	}
	return false, err
}

func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
