package promote

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"

	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/parallel"
	"github.com/gitops-promote/promote/internal/promotable"
)

// Snapshot is what one environment (one app of it in a monorepo) runs:
// its effective images and the content of its promoted files.
type Snapshot struct {
	// App is the app, empty without apps.
	App string `json:"app,omitempty"`
	// Dir is the directory read, relative to the repository root.
	Dir string `json:"dir"`
	// Images are the effective images (the outermost entry where an image
	// is listed at several levels), sorted by name.
	Images []Image `json:"images"`
	// Files maps each promoted file (relative to Dir) to its short content
	// hash.
	Files map[string]string `json:"files,omitempty"`
	// Values are the other promotables (container images in manifests,
	// Helm values, chart versions, refs, Terraform values) the edge into
	// the environment promotes, as they take effect.
	Values []Value `json:"values,omitempty"`
}

// ErrNoDir is returned (wrapped) by ReadSnapshot when the environment's
// directory does not exist in the tree.
var ErrNoDir = errors.New("directory does not exist")

// ReadSnapshot reads the promotables of env (for app, in monorepos) from
// fsys: the images of its kustomizations and the files matched by the
// files: globs of the edge into env. Unlike planning, a glob that matches
// nothing is not an error here: an environment's past need not have every
// file its present has.
func ReadSnapshot(cfg *Config, env Environment, app string, fsys fs.FS) (*Snapshot, error) {
	return readSnapshotAs(cfg, env, cfg.PromotablesFor(env), app, fsys, nil)
}

// readSnapshotAs reads env's directory (app's) for the promotables prom:
// a source environment read as its target sees it. Kustomizations are
// read through kc (nil: none).
func readSnapshotAs(cfg *Config, env Environment, prom Promotables, app string, fsys fs.FS, kc *kustomize.Cache) (*Snapshot, error) {
	dir := cfg.Dir(env, app)
	if ok, err := exists(fsys, dir); err != nil {
		return nil, err
	} else if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoDir, dir)
	}
	s := &Snapshot{App: app, Dir: dir, Images: []kustomize.Image{}}
	d := &promotable.Dir{FS: fsys, Path: dir, Env: env.Name, Cache: kc}
	if prom.ImagesEnabled() {
		ks, err := d.Kustomizations()
		if err != nil {
			return nil, err
		}
		want, _ := kustomize.Effective(ks)
		for _, img := range want {
			s.Images = append(s.Images, img)
		}
		slices.SortFunc(s.Images, func(a, b kustomize.Image) int { return cmp.Compare(a.Name, b.Name) })
	}
	files, err := snapshotFiles(fsys, dir, prom.Files)
	if err != nil {
		return nil, err
	}
	s.Files = files
	if s.Values, err = scanValues(prom, d); err != nil {
		return nil, err
	}
	return s, nil
}

// snapshotFiles hashes the regular files under dir matched by globs,
// kustomizations excepted.
func snapshotFiles(fsys fs.FS, dir string, globs []string) (map[string]string, error) {
	if len(globs) == 0 {
		return nil, nil
	}
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, g := range globs {
		names, err := fs.Glob(sub, g)
		if err != nil {
			return nil, fmt.Errorf("files: %q: %w", g, err)
		}
		for _, n := range names {
			if slices.Contains(kustomize.FileNames, path.Base(n)) {
				continue
			}
			if info, err := fs.Stat(sub, n); err != nil || info.IsDir() {
				continue
			}
			data, err := fs.ReadFile(sub, n)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", path.Join(dir, n), err)
			}
			out[n] = shortHash(data)
		}
	}
	return out, nil
}

// Image returns the snapshot's image called name.
func (s *Snapshot) Image(name string) (Image, bool) {
	i := slices.IndexFunc(s.Images, func(img kustomize.Image) bool { return img.Name == name })
	if i < 0 {
		return kustomize.Image{}, false
	}
	return s.Images[i], true
}

// diffSnapshots lists the changes from before to after (either may be nil:
// the directory did not exist): images set, added or removed, files
// replaced, added or removed. Removals have an empty New.
func diffSnapshots(before, after *Snapshot) []Change {
	if before == nil {
		before = &Snapshot{}
	}
	if after == nil {
		after = &Snapshot{App: before.App, Dir: before.Dir}
	}
	app, dir := cmp.Or(after.App, before.App), cmp.Or(after.Dir, before.Dir)
	var out []Change
	for _, name := range imageNames(before, after) {
		old, hadOld := before.Image(name)
		img, hasNew := after.Image(name)
		if hadOld && hasNew && old.SameValues(img) {
			continue
		}
		out = append(out, imageDiff(app, name, old, hadOld, img, hasNew))
	}
	out = append(out, diffValues(app, before.Values, after.Values)...)
	for _, rel := range fileNames(before, after) {
		old, hash := before.Files[rel], after.Files[rel]
		if old != hash {
			out = append(out, Change{App: app, File: path.Join(dir, rel), Kind: KindFile, Name: rel, Old: old, New: hash})
		}
	}
	sortChanges(out)
	return out
}

// imageDiff describes an image set (both present), added or removed.
func imageDiff(app, name string, old kustomize.Image, hadOld bool, img kustomize.Image, hasNew bool) Change {
	c := Change{App: app, Kind: KindImage, Name: name, File: img.File, Line: img.Line}
	ic := &ImageChange{New: kustomize.Image{Name: name}}
	if hasNew {
		c.New = img.Ref()
		ic.New = img
		ic.New.File, ic.New.Line = "", 0
	}
	if hadOld {
		o := old
		o.File, o.Line = "", 0
		c.Old, ic.Old = old.Ref(), &o
		if !hasNew {
			c.File = old.File
		}
	}
	c.Image = ic
	return c
}

func imageNames(a, b *Snapshot) []string {
	var names []string
	for _, s := range []*Snapshot{a, b} {
		for _, img := range s.Images {
			names = append(names, img.Name)
		}
	}
	return uniqueSorted(names)
}

func fileNames(a, b *Snapshot) []string {
	var names []string
	for _, s := range []*Snapshot{a, b} {
		for n := range s.Files {
			names = append(names, n)
		}
	}
	return uniqueSorted(names)
}

// Status is what every environment runs and, for each pipeline edge,
// whether the target differs from its source.
type Status struct {
	Environments []EnvStatus  `json:"environments"`
	Pipeline     []EdgeStatus `json:"pipeline"`
}

// EnvStatus is what one environment runs, app by app.
type EnvStatus struct {
	Name string `json:"name"`
	From string `json:"from,omitempty"`
	// Apps holds one snapshot per app (one with an empty app without
	// apps).
	Apps []*Snapshot `json:"apps"`
	// Error says why the environment could not be read.
	Error string `json:"error,omitempty"`
}

// EdgeStatus compares an environment with its source.
type EdgeStatus struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Behind is set when a promotion would change the target: Changes are
	// what it would change (the plan).
	Behind  bool     `json:"behind"`
	Changes []Change `json:"changes"`
	// Unpromotable lists what the two still render differently where
	// promote cannot edit it (see CheckRenders).
	Unpromotable []Unpromotable `json:"unpromotable,omitempty"`
	Notes        []string       `json:"notes,omitempty"`
	// Error says why the edge could not be planned.
	Error string `json:"error,omitempty"`
	// Gates are the gates of the promotion, when they were evaluated.
	Gates []Gate `json:"gates,omitempty"`

	plan *Plan
}

// Plan is the plan of the edge, nil when it could not be planned.
func (e EdgeStatus) Plan() *Plan { return e.plan }

// NewStatus reads every environment of cfg from fsys, in configuration
// order, and plans every pipeline edge. What cannot be read is reported
// in the Error fields rather than stopping the rest.
func NewStatus(cfg *Config, fsys fs.FS) *Status {
	return NewStatusWith(cfg, fsys, StatusOptions{})
}

// StatusOptions tune NewStatusWith.
type StatusOptions struct {
	// NoRender skips the safety net (CheckRenders) on edges with nothing
	// to promote: faster on large monorepos, but such an edge is then
	// "up to date" without its renders compared.
	NoRender bool
}

// NewStatusWith is NewStatus with options. An edge with nothing to
// promote is checked with CheckRenders unless o.NoRender; an edge that is
// behind is not (it is reported as behind either way).
func NewStatusWith(cfg *Config, fsys fs.FS, o StatusOptions) *Status {
	s := &Status{Environments: []EnvStatus{}, Pipeline: []EdgeStatus{}}
	// Snapshots and edges read the same kustomizations: each is parsed
	// once, unless each environment has a tree of its own.
	var kc *kustomize.Cache
	if !isEnvTrees(fsys) {
		kc = &kustomize.Cache{}
	}
	for _, env := range cfg.Environments {
		s.Environments = append(s.Environments, envStatus(cfg, env, fsys, kc))
		if env.From == "" {
			continue
		}
		edge := EdgeStatus{From: env.From, To: env.Name, Changes: []Change{}}
		trees := Trees{Source: fsys, Target: fsys, kust: kc}
		p, err := NewPlan(cfg, Request{To: env.Name}, trees)
		if err == nil && p.Empty() && !o.NoRender {
			err = CheckRenders(p, trees)
		}
		if err != nil {
			edge.Error = err.Error()
		} else {
			edge.Behind, edge.Changes, edge.Notes, edge.Unpromotable, edge.plan = !p.Empty(), p.Changes, p.Notes, p.Unpromotable, p
		}
		s.Pipeline = append(s.Pipeline, edge)
	}
	return s
}

func envStatus(cfg *Config, env Environment, fsys fs.FS, kc *kustomize.Cache) EnvStatus {
	es := EnvStatus{Name: env.Name, From: env.From, Apps: []*Snapshot{}}
	fsys, err := envTree(fsys, env.Name)
	if err != nil {
		es.Error = err.Error()
		return es
	}
	apps := []string{""}
	if cfg.Apps != nil {
		if apps, err = DiscoverApps(cfg, env, fsys); err != nil {
			es.Error = err.Error()
			return es
		}
	}
	snaps := make([]*Snapshot, len(apps))
	err = parallel.ForEach(len(apps), func(i int) error {
		var err error
		snaps[i], err = readSnapshotAs(cfg, env, cfg.PromotablesFor(env), apps[i], fsys, kc)
		return err
	})
	if err != nil {
		es.Error = err.Error()
		return es
	}
	es.Apps = snaps
	return es
}

// Lagging reports whether some environment differs from its source.
func (s *Status) Lagging() bool {
	return slices.ContainsFunc(s.Pipeline, func(e EdgeStatus) bool { return e.Behind || len(e.Unpromotable) > 0 })
}

// Err joins the problems reading environments and planning edges, nil
// when there is none.
func (s *Status) Err() error {
	var errs []error
	for _, e := range s.Environments {
		if e.Error != "" {
			errs = append(errs, fmt.Errorf("environment %s: %s", e.Name, e.Error))
		}
	}
	for _, e := range s.Pipeline {
		if e.Error != "" {
			errs = append(errs, fmt.Errorf("%s → %s: %s", e.From, e.To, e.Error))
		}
	}
	return errors.Join(errs...)
}
