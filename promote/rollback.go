package promote

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"

	"github.com/gitops-promote/promote/internal/kustomize"
)

// LabelRollback is the label a forge puts on rollback proposals.
const LabelRollback = "rollback"

// RollbackRequest selects a rollback.
type RollbackRequest struct {
	// Env is the environment rolled back.
	Env string
	// Apps restricts a monorepo's rollback to these apps; empty means all.
	Apps []string
	// To is the commit whose state the environment returns to; it names
	// the rollback in messages and trailers.
	To string
}

// NewRollback plans returning env's promotables in trees.Target (its
// present) to their values in trees.Source (its state at req.To), with
// the same planning as a promotion from the environment onto itself: images
// are set back to their old newName/newTag/digest and promoted files
// restored. Nothing else rolls back: the other files of the environment
// that differ from their state at req.To are listed in NotRolledBack.
// The plan is empty when the promotables already have those values.
func NewRollback(cfg *Config, req RollbackRequest, trees Trees) (*Plan, error) {
	env, err := cfg.Lookup(req.Env)
	if err != nil {
		return nil, err
	}
	p := &Plan{From: env.Name, To: env.Name, Apps: req.Apps, Rollback: true, RollbackTo: req.To, Changes: []Change{}}
	apps, err := rollbackApps(cfg, env, req, trees, p)
	if err != nil {
		return nil, err
	}
	prom := cfg.PromotablesFor(env)
	for _, app := range apps {
		dir := cfg.Dir(env, app)
		p.Dirs = append(p.Dirs, dir)
		appProm := prom
		appProm.Files = globsMatching(trees.Source, dir, prom.Files)
		if err := planDir(p, app, appProm, trees, dir, dir); err != nil {
			return nil, fmt.Errorf("roll back %s to %s: %w", env.Name, shortCommit(req.To), err)
		}
		if prom.ImagesEnabled() {
			if err := rollbackEntries(p, app, trees, dir); err != nil {
				return nil, err
			}
		}
	}
	sortChanges(p.Changes)
	if p.NotRolledBack, err = notRolledBack(p, trees); err != nil {
		return nil, err
	}
	return p, nil
}

// rollbackApps returns the apps to roll back: [""] without apps, else the
// selection or every app with a directory both then and now. An
// environment (or selected app) that did not exist at req.To is an error.
func rollbackApps(cfg *Config, env Environment, req RollbackRequest, trees Trees, p *Plan) ([]string, error) {
	at := shortCommit(req.To)
	if cfg.Apps == nil {
		if len(req.Apps) > 0 {
			return nil, fmt.Errorf("--app given but %s has no apps: section", cfg.File)
		}
		if ok, err := exists(trees.Source, env.Path); err != nil {
			return nil, fmt.Errorf("environment %q at commit %s: %w", env.Name, at, err)
		} else if !ok {
			return nil, fmt.Errorf("environment %q did not exist at commit %s: it has no directory %s", env.Name, at, env.Path)
		}
		return []string{""}, nil
	}
	if len(req.Apps) > 0 {
		for _, app := range req.Apps {
			dir := cfg.Dir(env, app)
			if ok, err := exists(trees.Source, dir); err != nil {
				return nil, fmt.Errorf("app %q of environment %q at commit %s: %w", app, env.Name, at, err)
			} else if !ok {
				return nil, fmt.Errorf("app %q of environment %q did not exist at commit %s: it has no directory %s", app, env.Name, at, dir)
			}
		}
		return checkSelection(cfg, env, env, req.Apps, trees)
	}
	past, err := DiscoverApps(cfg, env, trees.Source)
	if err != nil {
		return nil, fmt.Errorf("environment %q did not exist at commit %s: %w", env.Name, at, err)
	}
	present, _ := DiscoverApps(cfg, env, trees.Target)
	var apps []string
	for _, app := range past {
		if slices.Contains(present, app) {
			apps = append(apps, app)
			continue
		}
		p.Notes = append(p.Notes, fmt.Sprintf("app %s has no directory %s any more: not rolled back", app, cfg.Dir(env, app)))
	}
	for _, app := range present {
		if !slices.Contains(past, app) {
			p.Notes = append(p.Notes, fmt.Sprintf("app %s did not exist at commit %s: not rolled back", app, at))
		}
	}
	return apps, nil
}

// globsMatching keeps the globs that match a file under dir in fsys: a
// promoted file the environment did not have then cannot be restored (it
// shows among the files not rolled back).
func globsMatching(fsys fs.FS, dir string, globs []string) []string {
	var out []string
	for _, g := range globs {
		if files, err := snapshotFiles(fsys, dir, []string{g}); err != nil || len(files) > 0 {
			out = append(out, g) // planning reports the error
		}
	}
	return out
}

// notRolledBack lists the files under the plan's directories that still
// differ from the past once the plan is applied.
func notRolledBack(p *Plan, trees Trees) ([]string, error) {
	after, err := applied(p, trees)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, dir := range p.Dirs {
		differ, err := differingFiles(trees.Source, dir, after, dir)
		if err != nil {
			return nil, err
		}
		for _, d := range differ {
			out = append(out, path.Join(dir, d.Name))
		}
	}
	slices.Sort(out)
	return out, nil
}

// fileDiff is a file that differs between two directories: its path
// relative to them and its content on each side (nil when absent).
type fileDiff struct {
	Name string
	A, B []byte
}

// applied is the target tree with the plan applied to it.
func applied(p *Plan, trees Trees) (fs.FS, error) {
	edits, err := Apply(p, trees)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, e := range edits {
		files[e.Path] = e.Data
	}
	return kustomize.Overlay(trees.Target, files), nil
}

// differingFiles compares the regular files under dirA in a with those
// under dirB in b, by path relative to the directories, sorted by name.
func differingFiles(a fs.FS, dirA string, b fs.FS, dirB string) ([]fileDiff, error) {
	fa, err := readFiles(a, dirA)
	if err != nil {
		return nil, err
	}
	fb, err := readFiles(b, dirB)
	if err != nil {
		return nil, err
	}
	var names []string
	for n := range fa {
		names = append(names, n)
	}
	for n := range fb {
		names = append(names, n)
	}
	var out []fileDiff
	for _, n := range uniqueSorted(names) {
		da, inA := fa[n]
		db, inB := fb[n]
		if inA != inB || !bytes.Equal(da, db) {
			out = append(out, fileDiff{Name: n, A: da, B: db})
		}
	}
	return out, nil
}

// readFiles reads every regular file under dir, by path relative to dir;
// an absent directory has none.
func readFiles(fsys fs.FS, dir string) (map[string][]byte, error) {
	out := map[string][]byte{}
	if ok, err := exists(fsys, dir); err != nil || !ok {
		return out, err
	}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		rel := p[len(dir)+1:]
		if dir == "." {
			rel = p
		}
		out[rel] = data
		return nil
	})
	return out, err
}
