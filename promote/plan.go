package promote

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/parallel"
)

// Change kinds: images (kustomize images: entries and container images
// in manifests and patches) and files copied whole; see also KindHelm,
// KindChart, KindRef, KindTerraform and KindModule.
const (
	KindImage = "image"
	KindFile  = "file"
)

// Change is one edit of a plan.
type Change struct {
	// App is the app the change belongs to, empty without apps.
	App string `json:"app,omitempty"`
	// File is the edited file, relative to the repository root (the
	// directory of promote.yaml).
	File string `json:"file"`
	// Kind is image, file, helm, chart, ref, terraform or module.
	Kind string `json:"kind"`
	// Name is the image name or, for files, the path relative to the
	// environment directory; for the other kinds the values path, chart,
	// remote base or Git URL, variable or module.
	Name string `json:"name"`
	// Old and New are the values before and after: a kustomize image's
	// newName:newTag@digest or a container image's tag@digest (empty when
	// the image is added), a file's short content hash (empty when the
	// file is added), or the value of the other kinds.
	Old string `json:"old"`
	New string `json:"new"`
	// Line is the line of the value in File, 0 when added.
	Line int `json:"line,omitempty"`
	// Image holds the image before and after (for Helm image blocks too).
	Image *ImageChange `json:"image,omitempty"`
	// Source is the file copied, for file changes.
	Source string `json:"source,omitempty"`
	// At locates the value for every kind but kustomize images and files.
	At *Locator `json:"at,omitempty"`
	// Downgrade is set when New is a lower version than Old (semantic
	// versions): the source is behind the target.
	Downgrade bool `json:"downgrade,omitempty"`

	// src is where New was read, for messages.
	src from
}

// Image is a kustomize images: entry (name, newName, newTag, digest)
// as plans, snapshots and status read it.
type Image = kustomize.Image

// ImageChange is an image entry before (nil when added) and after.
type ImageChange struct {
	Old *Image `json:"old,omitempty"`
	New Image  `json:"new"`
}

// Plan is the list of changes that make the target's promotables equal
// the source's.
type Plan struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Apps is the selection; empty means every app.
	Apps []string `json:"apps,omitempty"`
	// Only is the --only selection of kinds; empty means every kind.
	Only []string `json:"only,omitempty"`
	// SourceCommit is the commit the source was read at, when known.
	SourceCommit string `json:"sourceCommit,omitempty"`
	// SourceRev is the revision the source was read at when it is not
	// the tip (a release set: --from staging@REV), as the user wrote it.
	SourceRev string   `json:"sourceRev,omitempty"`
	Changes   []Change `json:"changes"`
	// Notes are things a user should know that are not changes (an app
	// without an overlay in the target, for example).
	Notes []string `json:"notes,omitempty"`
	// Forced, when set, records that the plan is proposed despite the
	// pipeline policy (see EnforcePolicy): the reason and rules broken.
	Forced *Forced `json:"forced,omitempty"`
	// Gates are the conditions of the promotion and where they stand
	// (EvaluateGates), when they were evaluated.
	Gates []Gate `json:"gates,omitempty"`
	// Dirs are the source and target directories the plan read.
	Dirs []string `json:"-"`
	// Unpromotable lists what the environments still render differently
	// after the plan, where promote cannot edit it (see CheckRenders).
	Unpromotable []Unpromotable `json:"unpromotable,omitempty"`
	// NotCompared is set when the safety net could not render a source or
	// target directory (see Notes): "already matches" is then not said.
	NotCompared bool `json:"notCompared,omitempty"`
	// dirApps is the app of each pair of Dirs.
	dirApps []string
	// unmatched maps a files: glob to the source directories of this edge
	// where it matches no file.
	unmatched map[string][]string
	// Rollback is set when the plan returns To to its own state at the
	// commit RollbackTo (From is then To).
	Rollback   bool   `json:"rollback,omitempty"`
	RollbackTo string `json:"rollbackTo,omitempty"`
	// NotRolledBack lists the files of a rolled-back environment that
	// differ from their state at RollbackTo and stay as they are: only
	// promotables roll back.
	NotRolledBack []string `json:"notRolledBack,omitempty"`
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return len(p.Changes) == 0 }

// Request selects what to plan.
type Request struct {
	// From is the source environment; empty means the target's from:.
	From string
	// To is the target environment.
	To string
	// Apps restricts a monorepo plan to these apps; empty means all.
	Apps []string
	// Only limits what travels to these kinds (OnlyKinds); empty means
	// everything the configuration enables.
	Only []string
}

// Trees are the filesystems planning reads: the source environment's and
// the target's (the same tree for directory environments), both rooted at
// the repository root. A tree that implements EnvTrees is resolved per
// environment, so that branch environments are read from their branches.
type Trees struct {
	Source fs.FS
	Target fs.FS

	// kust, when set, shares parsed kustomizations between the readers
	// of Source and Target, which are then one tree (status).
	kust *kustomize.Cache
}

// NewPlan computes the plan for req. It only reads trees.
func NewPlan(cfg *Config, req Request, trees Trees) (*Plan, error) {
	from, to, err := cfg.Edge(req.From, req.To)
	if err != nil {
		return nil, err
	}
	all := trees
	if trees, err = trees.For(from.Name, to.Name); err != nil {
		return nil, err
	}
	if err := checkOnly(req.Only); err != nil {
		return nil, err
	}
	p := &Plan{From: from.Name, To: to.Name, Apps: req.Apps, Only: req.Only, Changes: []Change{}}
	apps, err := selectApps(cfg, from, to, req.Apps, trees, p)
	if err != nil {
		return nil, err
	}
	if err := planApps(cfg, p, from, to, apps, trees); err != nil {
		return nil, err
	}
	if err := noteUnmatched(cfg, p, apps, all); err != nil {
		return nil, err
	}
	sortChanges(p.Changes)
	markDowngrades(p.Changes)
	return p, nil
}

// planApps plans each app's directories, apps in parallel, and merges
// the results into p in app order.
func planApps(cfg *Config, p *Plan, from, to Environment, apps []string, trees Trees) error {
	prom := cfg.PromotablesFor(to).Only(p.Only)
	parts := make([]Plan, len(apps))
	err := parallel.ForEach(len(apps), func(i int) error {
		part := &parts[i]
		part.From, part.To = p.From, p.To
		src, dst := cfg.Dir(from, apps[i]), cfg.Dir(to, apps[i])
		part.Dirs = []string{src, dst}
		return planDir(part, apps[i], prom, trees, src, dst)
	})
	if err != nil {
		return err
	}
	for i, part := range parts {
		p.Dirs = append(p.Dirs, part.Dirs...)
		p.dirApps = append(p.dirApps, apps[i])
		p.Changes = append(p.Changes, part.Changes...)
		p.Notes = append(p.Notes, part.Notes...)
		for g, dirs := range part.unmatched {
			if p.unmatched == nil {
				p.unmatched = map[string][]string{}
			}
			p.unmatched[g] = append(p.unmatched[g], dirs...)
		}
	}
	return nil
}

// Edge resolves the source and target of a promotion. from may be empty
// when the target has a from:.
func (c *Config) Edge(from, to string) (Environment, Environment, error) {
	if to == "" {
		return Environment{}, Environment{}, fmt.Errorf("no target environment: expected --to (one of %s)", strings.Join(c.names(), ", "))
	}
	target, err := c.Lookup(to)
	if err != nil {
		return Environment{}, Environment{}, err
	}
	if from == "" {
		from = target.From
	}
	if from == "" {
		return Environment{}, Environment{}, fmt.Errorf("environment %q has no from: in %s, so its source is unknown: pass --from", to, c.File)
	}
	source, err := c.Lookup(from)
	if err != nil {
		return Environment{}, Environment{}, err
	}
	if source.Name == target.Name {
		return Environment{}, Environment{}, fmt.Errorf("cannot promote %q to itself", to)
	}
	return source, target, nil
}

func planDir(p *Plan, app string, prom Promotables, trees Trees, src, dst string) error {
	if err := requireDir(trees.Source, src, p.From); err != nil {
		return err
	}
	if err := requireDir(trees.Target, dst, p.To); err != nil {
		return err
	}
	return planKinds(p, app, prom, planInput{trees: trees, dirs: newEnvDirs(trees, p.From, p.To, src, dst), src: src, dst: dst})
}

// dropRepeated removes the changes after first that edit a value an
// earlier change already edits (an edge between a plain directory and an
// overlay finds some container images twice): the first one wins.
func dropRepeated(p *Plan, first int) {
	seen := map[string]bool{}
	kept := p.Changes[:first]
	for _, c := range p.Changes[first:] {
		key := fmt.Sprintf("%s\x00%d\x00%s\x00%s", c.File, c.Line, c.Kind, c.Name)
		if c.Line > 0 && seen[key] {
			continue
		}
		seen[key] = true
		kept = append(kept, c)
	}
	p.Changes = kept
}

// dropCopied removes the value changes in p.Changes[first:values] whose
// file is also copied whole: the copy carries the source's values.
func dropCopied(p *Plan, first, values int) {
	if values == len(p.Changes) {
		return
	}
	copied := map[string]bool{}
	for _, c := range p.Changes[values:] {
		copied[c.File] = true
	}
	kept := p.Changes[:first]
	for _, c := range p.Changes[first:values] {
		if !copied[c.File] {
			kept = append(kept, c)
		}
	}
	p.Changes = append(kept, p.Changes[values:]...)
}

func requireDir(fsys fs.FS, dir, env string) error {
	info, err := fs.Stat(fsys, dir)
	switch {
	case err != nil && !isNotExist(err):
		return fmt.Errorf("environment %q: %w", env, err)
	case err != nil:
		return fmt.Errorf("environment %q: directory %s does not exist", env, dir)
	}
	if !info.IsDir() {
		return fmt.Errorf("environment %q: %s is not a directory", env, dir)
	}
	return nil
}

// planImages plans the images: entries of the kustomizations. An
// environment without a kustomization on either side (plain manifests)
// has none; one only the source or only the target has is an error.
func planImages(p *Plan, app string, dirs envDirs) error {
	srcK, err := dirs.src.Kustomizations()
	if err != nil {
		return err
	}
	dstK, err := dirs.dst.Kustomizations()
	if err != nil {
		return err
	}
	switch {
	case srcK == nil && dstK == nil:
		return nil
	case srcK == nil || dstK == nil:
		return planAcross(p, app, dirs, dstK)
	}
	want, order := kustomize.Effective(srcK)
	have := kustomize.Occurrences(dstK)
	for _, name := range order {
		img := want[name]
		at := from{img.File, img.Line}
		img.File, img.Line = "", 0
		if len(have[name]) == 0 {
			p.Changes = append(p.Changes, Change{App: app, File: dstK[0].File, Kind: KindImage, Name: name,
				New: img.Ref(), Image: &ImageChange{New: img}, src: at})
			continue
		}
		for _, old := range have[name] {
			if old.SameValues(img) {
				continue
			}
			o := old
			p.Changes = append(p.Changes, Change{App: app, File: old.File, Kind: KindImage, Name: name,
				Old: old.Ref(), New: img.Ref(), Line: old.Line, Image: &ImageChange{Old: &o, New: img}, src: at})
		}
	}
	return nil
}

func planFiles(p *Plan, app string, globs []string, trees Trees, src, dst string) error {
	for _, g := range globs {
		matches, err := matchFiles(trees.Source, src, g)
		if errors.Is(err, errNoMatch) {
			if p.unmatched == nil {
				p.unmatched = map[string][]string{}
			}
			p.unmatched[g] = append(p.unmatched[g], src)
			continue
		}
		if err != nil {
			return err
		}
		for _, rel := range matches {
			if err := planFile(p, app, trees, path.Join(src, rel), path.Join(dst, rel), rel); err != nil {
				return err
			}
		}
	}
	return nil
}

// matchFiles returns the regular files under dir matching glob, relative
// to dir. A glob matching no file, or a kustomization, is an error.
func matchFiles(fsys fs.FS, dir, glob string) ([]string, error) {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(sub, glob)
	if err != nil {
		return nil, fmt.Errorf("files: %q: %w", glob, err)
	}
	var out []string
	for _, n := range names {
		info, err := fs.Lstat(sub, n)
		if err != nil {
			return nil, fmt.Errorf("files: %q matches %s: %w", glob, path.Join(dir, n), err)
		}
		if info.IsDir() {
			continue
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("files: %q matches %s, a symbolic link: refused, promote copies regular files only and never follows a link", glob, path.Join(dir, n))
		}
		if slices.Contains(kustomize.FileNames, path.Base(n)) {
			return nil, fmt.Errorf("files: %q matches %s: kustomizations are not copied whole (their images are promoted)", glob, path.Join(dir, n))
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("files: %q matches no file in %s: %w", glob, dir, errNoMatch)
	}
	return out, nil
}

// errNoMatch is a files: glob that matches no file in a directory.
var errNoMatch = errors.New("no match")

// noteUnmatched turns the files: globs that matched nothing in a source
// directory of the plan into notes, when they match a file in some
// environment (a file one environment lacks is normal); a glob that
// matches nothing anywhere is an error (a typo).
func noteUnmatched(cfg *Config, p *Plan, apps []string, all Trees) error {
	globs := make([]string, 0, len(p.unmatched))
	for g := range p.unmatched {
		globs = append(globs, g)
	}
	slices.Sort(globs)
	for _, g := range globs {
		dirs := p.unmatched[g]
		if !matchesSomewhere(cfg, apps, all, g) {
			return fmt.Errorf("files: %q matches no file in %s, nor in any other environment of %s", g, strings.Join(dirs, ", "), cfg.File)
		}
		for _, d := range dirs {
			p.Notes = append(p.Notes, fmt.Sprintf("files: %q matches no file in %s: nothing copied for it", g, d))
		}
	}
	return nil
}

// matchesSomewhere reports whether glob matches a file in the directory
// of some environment (and app).
func matchesSomewhere(cfg *Config, apps []string, all Trees, glob string) bool {
	for _, env := range cfg.Environments {
		fsys, err := envTree(all.Source, env.Name)
		if err != nil {
			continue
		}
		for _, app := range apps {
			if m, err := matchFiles(fsys, cfg.Dir(env, app), glob); err == nil && len(m) > 0 {
				return true
			}
		}
	}
	return false
}

func planFile(p *Plan, app string, trees Trees, src, dst, rel string) error {
	want, err := fs.ReadFile(trees.Source, src)
	if err != nil {
		return fmt.Errorf("read %s: %w", src, err)
	}
	have, err := fs.ReadFile(trees.Target, dst)
	old := ""
	switch {
	case err == nil && string(have) == string(want):
		return nil
	case err == nil:
		old = shortHash(have)
	case !isNotExist(err):
		return fmt.Errorf("read %s: %w", dst, err)
	}
	p.Changes = append(p.Changes, Change{App: app, File: dst, Kind: KindFile, Name: rel, Old: old, New: shortHash(want), Source: src})
	return nil
}

// sortChanges orders changes by app, kind (images first, files last),
// file, name and line.
func sortChanges(cs []Change) {
	rank := func(kind string) int {
		switch kind {
		case KindImage:
			return 0
		case KindFile:
			return 2
		}
		return 1
	}
	slices.SortStableFunc(cs, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.App, b.App), cmp.Compare(rank(a.Kind), rank(b.Kind)), cmp.Compare(a.File, b.File),
			cmp.Compare(a.Name, b.Name), cmp.Compare(a.Line, b.Line))
	})
}
