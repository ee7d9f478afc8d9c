package promote

import (
	"cmp"
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
}

// Trees are the filesystems planning reads: the source environment's and
// the target's (the same tree for directory environments), both rooted at
// the repository root. A tree that implements EnvTrees is resolved per
// environment, so that branch environments are read from their branches.
type Trees struct {
	Source fs.FS
	Target fs.FS
}

// NewPlan computes the plan for req. It only reads trees.
func NewPlan(cfg *Config, req Request, trees Trees) (*Plan, error) {
	from, to, err := cfg.Edge(req.From, req.To)
	if err != nil {
		return nil, err
	}
	if trees, err = trees.For(from.Name, to.Name); err != nil {
		return nil, err
	}
	p := &Plan{From: from.Name, To: to.Name, Apps: req.Apps, Changes: []Change{}}
	apps, err := selectApps(cfg, from, to, req.Apps, trees, p)
	if err != nil {
		return nil, err
	}
	if err := planApps(cfg, p, from, to, apps, trees); err != nil {
		return nil, err
	}
	sortChanges(p.Changes)
	return p, nil
}

// planApps plans each app's directories, apps in parallel, and merges
// the results into p in app order.
func planApps(cfg *Config, p *Plan, from, to Environment, apps []string, trees Trees) error {
	prom := cfg.PromotablesFor(to)
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
	for _, part := range parts {
		p.Dirs = append(p.Dirs, part.Dirs...)
		p.Changes = append(p.Changes, part.Changes...)
		p.Notes = append(p.Notes, part.Notes...)
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
	return planKinds(p, app, prom, planInput{trees: trees, dirs: newEnvDirs(trees, src, dst), src: src, dst: dst})
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
	case srcK == nil:
		_, err = kustomize.Collect(dirs.src.FS, dirs.src.Path)
		return err
	case dstK == nil:
		_, err = kustomize.Collect(dirs.dst.FS, dirs.dst.Path)
		return err
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
		if err != nil || info.IsDir() {
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
		return nil, fmt.Errorf("files: %q matches no file in %s", glob, dir)
	}
	return out, nil
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
