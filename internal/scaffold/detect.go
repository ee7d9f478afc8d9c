package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/gitops-promote/promote/promote"
)

// Layout kinds.
const (
	// Directories: one directory per environment (envs/dev, envs/prod).
	Directories = "directories"
	// Apps: a monorepo with one directory per app and environment
	// (apps/web/overlays/dev).
	Apps = "apps"
	// Branches: one branch per environment (env/dev, env/prod).
	Branches = "branches"
)

// Options steer detection.
type Options struct {
	// Envs, when set, are the environments in pipeline order (--envs):
	// each promoted from the one before it.
	Envs []string
	// Branches are the repository's branch names (local and origin's,
	// without the origin/ prefix).
	Branches []string
}

// Env is one environment of the detected pipeline.
type Env struct {
	Name   string `json:"name"`
	Path   string `json:"path,omitempty"`
	Branch string `json:"branch,omitempty"`
	From   string `json:"from,omitempty"`
}

// Layout is what Detect found.
type Layout struct {
	// Kind is Directories, Apps or Branches.
	Kind string `json:"kind"`
	// Envs are the environments in pipeline order.
	Envs []Env `json:"environments"`
	// AppsPath is the apps: template of an Apps layout.
	AppsPath string `json:"appsPath,omitempty"`
	// Apps are the apps found under AppsPath.
	Apps []string `json:"apps,omitempty"`
	// What travels.
	Promote Promote `json:"promote"`
	// Notes are things the user should check, for comments and stderr.
	Notes []string `json:"notes,omitempty"`
}

// Promote is what the detected layout promotes.
type Promote struct {
	Files  []string `json:"files,omitempty"`
	Helm   []Helm   `json:"helm,omitempty"`
	Charts bool     `json:"charts,omitempty"`
	Refs   bool     `json:"refs,omitempty"`
}

// Helm is a values file and the paths in it that travel.
type Helm struct {
	File  string   `json:"file"`
	Paths []string `json:"paths"`
}

// ErrNoLayout is returned when no environments are found.
var ErrNoLayout = errors.New("no environments found")

// maxDepth bounds how deep environment directories are looked for.
const maxDepth = 5

// candidate is a group of environment directories sharing a template:
// envs/{env}, or apps/web/overlays/{env}.
type candidate struct {
	template string
	envs     map[string]string // name → directory
}

// Detect finds the environments of the repository in fsys.
func Detect(fsys fs.FS, opts Options) (*Layout, error) {
	groups, err := envDirs(fsys, opts.Envs)
	if err != nil {
		return nil, err
	}
	l := chooseDirs(groups, opts.Envs)
	if l == nil {
		l = branchLayout(opts.Branches, opts.Envs)
	}
	if l == nil {
		return nil, noLayoutError(opts)
	}
	if err := order(l, opts.Envs); err != nil {
		return nil, err
	}
	if err := infer(fsys, l); err != nil {
		return nil, err
	}
	return l, nil
}

func noLayoutError(opts Options) error {
	if len(opts.Envs) > 0 {
		return fmt.Errorf("%w: no directory (up to %d levels deep) or env/* branch is named %s", ErrNoLayout, maxDepth, strings.Join(opts.Envs, ", "))
	}
	return fmt.Errorf("%w: no directory (up to %d levels deep) or env/* branch has an environment's name (dev, qa, test, staging, prod, ...); name yours with --envs a,b,c", ErrNoLayout, maxDepth)
}

// envDirs groups the directories named like environments by template.
func envDirs(fsys fs.FS, names []string) (map[string]*candidate, error) {
	groups := map[string]*candidate{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() || p == "." {
			return nil
		}
		if skipDir(d.Name()) || strings.Count(p, "/") >= maxDepth {
			return fs.SkipDir
		}
		name := d.Name()
		if !isEnvName(name, names) || !holdsManifests(fsys, p) {
			return nil
		}
		tmpl := path.Join(path.Dir(p), "{env}")
		c := groups[tmpl]
		if c == nil {
			c = &candidate{template: tmpl, envs: map[string]string{}}
			groups[tmpl] = c
		}
		c.envs[name] = p
		return nil
	})
	return groups, err
}

func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor" || name == "templates" || name == "charts"
}

func isEnvName(name string, names []string) bool {
	if len(names) > 0 {
		return slices.Contains(names, name)
	}
	_, _, ok := stage(name)
	return ok && promote.ValidEnvName(name)
}

// holdsManifests reports whether dir holds a kustomization, YAML
// manifests or Terraform: something an environment is made of.
func holdsManifests(fsys fs.FS, dir string) bool {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		switch path.Ext(e.Name()) {
		case ".yaml", ".yml", ".tfvars", ".tf":
			return true
		}
		if e.Name() == "Kustomization" {
			return true
		}
	}
	return false
}

// chooseDirs picks the best directory layout: a monorepo template when
// several groups differ in one segment (apps/{app}/overlays/{env}),
// else the group with the most environments.
func chooseDirs(groups map[string]*candidate, names []string) *Layout {
	var best *Layout
	score := func(l *Layout) int { return len(l.Envs) * max(1, len(l.Apps)) }
	for _, l := range appLayouts(groups) {
		if best == nil || score(l) > score(best) {
			best = l
		}
	}
	for _, c := range sortedCandidates(groups) {
		if len(c.envs) < 2 && len(names) != 1 {
			continue
		}
		l := &Layout{Kind: Directories}
		for name, dir := range c.envs {
			l.Envs = append(l.Envs, Env{Name: name, Path: dir})
		}
		if best == nil || score(l) > score(best) {
			best = l
		}
	}
	if best != nil {
		noteOthers(best, groups)
	}
	return best
}

// sortedCandidates orders groups by preference: shallower first, then
// by name, so that ties are decided the same way every time.
func sortedCandidates(groups map[string]*candidate) []*candidate {
	var cs []*candidate
	for _, c := range groups {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool {
		di, dj := strings.Count(cs[i].template, "/"), strings.Count(cs[j].template, "/")
		if di != dj {
			return di < dj
		}
		return preference(cs[i].template) < preference(cs[j].template)
	})
	return cs
}

// preference ranks common parents of environment directories; clusters/
// (Flux's cluster entry points) after the directories that hold the
// apps' overlays.
func preference(template string) string {
	for i, p := range []string{"envs/", "environments/", "env/", "overlays/", "stages/", "apps/", "deploy/"} {
		if strings.HasPrefix(template, p) || strings.Contains(template, "/"+p) {
			return fmt.Sprintf("%d%s", i, template)
		}
	}
	return "9" + template
}

// appLayouts finds monorepo templates: groups whose templates differ in
// exactly one segment, which becomes {app}.
func appLayouts(groups map[string]*candidate) []*Layout {
	byApp := map[string]*Layout{}
	for _, c := range groups {
		segs := strings.Split(c.template, "/")
		for i := range len(segs) - 1 {
			if i == 0 && segs[1] == "{env}" {
				continue // {app}/{env}: top-level directories are not apps
			}
			appTmpl := strings.Join(slices.Concat(segs[:i], []string{"{app}"}, segs[i+1:]), "/")
			l := byApp[appTmpl]
			if l == nil {
				l = &Layout{Kind: Apps, AppsPath: appTmpl}
				byApp[appTmpl] = l
			}
			l.Apps = append(l.Apps, segs[i])
			for name := range c.envs {
				if !slices.ContainsFunc(l.Envs, func(e Env) bool { return e.Name == name }) {
					l.Envs = append(l.Envs, Env{Name: name})
				}
			}
		}
	}
	var out []*Layout
	for _, l := range byApp {
		if len(l.Apps) >= 2 && len(l.Envs) >= 2 {
			slices.Sort(l.Apps)
			out = append(out, l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].AppsPath < out[j].AppsPath })
	return out
}

// noteOthers mentions other places that look like environments, so the
// user knows the choice was made.
func noteOthers(l *Layout, groups map[string]*candidate) {
	chosen := l.AppsPath
	if l.Kind == Directories && len(l.Envs) > 0 {
		chosen = path.Join(path.Dir(l.Envs[0].Path), "{env}")
	}
	var others []string
	for _, c := range sortedCandidates(groups) {
		if len(c.envs) >= 2 && !matchesTemplate(c.template, chosen) {
			others = append(others, c.template)
		}
	}
	if len(others) > 0 {
		l.Notes = append(l.Notes, fmt.Sprintf("environments were also found under %s; this configuration uses %s", strings.Join(others, ", "), chosen))
	}
}

// matchesTemplate reports whether the directory template t is an
// instance of the apps template chosen.
func matchesTemplate(t, chosen string) bool {
	ts, cs := strings.Split(t, "/"), strings.Split(chosen, "/")
	if len(ts) != len(cs) {
		return false
	}
	for i := range ts {
		if ts[i] != cs[i] && cs[i] != "{app}" {
			return false
		}
	}
	return true
}

// branchPrefixes are the prefixes of environment branches.
var branchPrefixes = []string{"env/", "envs/", "environment/", "environments/"}

// branchLayout finds environment branches (env/dev, env/prod).
func branchLayout(branches, names []string) *Layout {
	l := &Layout{Kind: Branches}
	seen := map[string]bool{}
	for _, b := range branches {
		for _, p := range branchPrefixes {
			name, ok := strings.CutPrefix(b, p)
			if !ok || strings.Contains(name, "/") || seen[name] || !isEnvName(name, names) {
				continue
			}
			seen[name] = true
			l.Envs = append(l.Envs, Env{Name: name, Branch: b})
		}
	}
	if len(l.Envs) < 2 {
		return nil
	}
	return l
}
