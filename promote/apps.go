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
	has := existing(len(found), func(i int) (fs.FS, string) { return trees.Target, cfg.Dir(to, found[i]) })
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
			if dir := cfg.Dir(side.env, app); !exists(side.fsys, dir) {
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
	has := existing(len(names), func(i int) (fs.FS, string) { return fsys, cfg.Dir(env, names[i]) })
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
func existing(n int, dir func(i int) (fs.FS, string)) []bool {
	out := make([]bool, n)
	_ = parallel.ForEach(n, func(i int) error {
		out[i] = exists(dir(i))
		return nil
	})
	return out
}

func exists(fsys fs.FS, dir string) bool {
	info, err := fs.Stat(fsys, dir)
	return err == nil && info.IsDir()
}

func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
