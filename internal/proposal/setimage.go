package proposal

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/grammar"
	"github.com/gitops-promote/promote/internal/helm"
	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/manifests"
	"github.com/gitops-promote/promote/internal/promotable"
	"github.com/gitops-promote/promote/promote"
)

// BuildSource is the source a set-image plan names: a new build, not an
// environment.
const BuildSource = "build"

// Keep is the value that keeps what an entry has (kustomize edit set
// image's "*"): web=*:1.5.0 changes the tag only.
const Keep = "*"

// ImageSet is one NAME=IMAGE[:TAG][@DIGEST] argument of set-image, read
// as `kustomize edit set image` reads it: NAME is the images: name, IMAGE
// its newName (without NAME=, the image is the name and newName is
// cleared); IMAGE, TAG and DIGEST may each be "*" to keep the entry's
// value; a part not given is cleared.
type ImageSet struct {
	arg                      string
	name, image, tag, digest string
	// named is set when NAME= was given.
	named bool
}

// ParseImageSets reads set-image's arguments with ParseImageSet; at
// least one is needed.
func ParseImageSets(args []string) ([]ImageSet, error) {
	var sets []ImageSet
	for _, a := range args {
		s, err := ParseImageSet(a)
		if err != nil {
			return nil, err
		}
		sets = append(sets, s)
	}
	if len(sets) == 0 {
		return nil, errors.New("no image to set: give NAME=IMAGE[:TAG][@DIGEST] arguments or --image")
	}
	return sets, nil
}

// ParseImageSet reads NAME=IMAGE[:TAG][@DIGEST] or IMAGE[:TAG][@DIGEST]
// and checks every part by its grammar.
func ParseImageSet(arg string) (ImageSet, error) {
	s := ImageSet{arg: arg}
	bad := func(format string, a ...any) (ImageSet, error) {
		return s, fmt.Errorf("%q: "+format, append([]any{arg}, a...)...)
	}
	if strings.ContainsAny(arg, " \t\r\n") {
		return bad("expected NAME=IMAGE[:TAG][@DIGEST] without spaces, such as web=ghcr.io/acme/web:1.5.0")
	}
	name, ref, named := strings.Cut(arg, "=")
	if !named {
		ref = arg
	}
	ref, s.digest, _ = strings.Cut(ref, "@")
	s.image = ref
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		s.image, s.tag = ref[:i], ref[i+1:]
	}
	s.name, s.named = name, named
	if !named {
		s.name = s.image
	}
	switch {
	case s.name == "" || s.image == "":
		return bad("expected NAME=IMAGE[:TAG][@DIGEST], such as web=ghcr.io/acme/web:1.5.0")
	case !named && s.tag == "" && s.digest == "":
		return bad("expected a tag (:TAG) or a digest (@sha256:...)")
	case s.name == Keep:
		return bad("NAME cannot be *: name the image whose entry to set")
	}
	if err := checkParts(s); err != nil {
		return s, fmt.Errorf("%s: %w", grammar.Show(arg), err)
	}
	if !named {
		s.image = ""
	}
	return s, nil
}

// checkParts checks NAME, IMAGE, TAG and DIGEST by their grammar; "*"
// is accepted for the last three.
func checkParts(s ImageSet) error {
	if err := grammar.ImageName(s.name); err != nil {
		return err
	}
	for _, c := range []struct {
		v     string
		check func(string) error
	}{{s.image, grammar.ImageName}, {s.tag, grammar.Tag}, {s.digest, grammar.Digest}} {
		if c.v == "" || c.v == Keep {
			continue
		}
		if err := c.check(c.v); err != nil {
			return err
		}
	}
	return nil
}

// apply is the entry old becomes: s's values, "*" keeping old's.
func (s ImageSet) apply(old kustomize.Image) kustomize.Image {
	pick := func(v, keep string) string {
		if v == Keep {
			return keep
		}
		return v
	}
	return kustomize.Image{Name: old.Name, NewName: pick(s.image, old.NewName), NewTag: pick(s.tag, old.NewTag), Digest: pick(s.digest, old.Digest)}
}

// SetImage plans setting the images of env (app) to sets on the base
// tip's tree, as a plan from the synthetic source "build". For each
// image, in order of preference: every images: entry for it in the
// environment's kustomizations is set as `kustomize edit set image`
// sets it; else every container image the planner reads for it in plain
// manifests (an environment without a kustomization), patch files and
// inline patches gets the new tag and digest; else every Helm image block
// of the values files promote.yaml lists;
// else, when the environment runs it (its render has it), an entry is
// added to the environment's kustomization, at the end of images: (a
// new images: goes at the end of the file, where kustomize puts it).
func SetImage(env, app string, sets []ImageSet) PlanFunc {
	return func(cfg *promote.Config, tree fs.FS, _ plumbing.Hash) (*promote.Plan, error) {
		e, err := cfg.Lookup(env)
		if err != nil {
			return nil, err
		}
		if cfg.Apps != nil && app == "" {
			return nil, fmt.Errorf("%s is a monorepo (apps: %s): pass --app APP", cfg.File, cfg.Apps.Path)
		}
		dir := cfg.Dir(e, app)
		env, err := readImageEnv(tree, dir, e.Name, helmValues(cfg.PromotablesFor(e)))
		if err != nil {
			return nil, err
		}
		p := &promote.Plan{From: BuildSource, To: e.Name, Changes: []promote.Change{}, Dirs: []string{dir}}
		if app != "" {
			p.Apps = []string{app}
		}
		for _, s := range sets {
			cs, err := env.changes(app, s)
			if err != nil {
				return nil, err
			}
			p.Changes = append(p.Changes, cs...)
		}
		if err := promote.CheckValues(p); err != nil {
			return nil, err
		}
		return p, nil
	}
}

// imageEnv is what set-image reads of an environment directory.
type imageEnv struct {
	dir string
	// top is the environment's own kustomization, "" for plain manifests.
	top string
	// entries are the images: entries by name; found the container
	// images the manifests scanner reads; running the image names the
	// render has.
	entries map[string][]kustomize.Image
	found   []promotable.Found
	running []string
	// blocks are the Helm image blocks (repository, tag, digest) of the
	// values files promote.yaml lists.
	blocks []promotable.Found
}

// helmValues is the scanner of the Helm values files prom lists.
func helmValues(prom promote.Promotables) helm.Values {
	var v helm.Values
	for _, h := range prom.Helm {
		v.Files = append(v.Files, helm.ValuesFile{File: h.File, Paths: h.Paths})
	}
	return v
}

func readImageEnv(tree fs.FS, dir, name string, values helm.Values) (*imageEnv, error) {
	d := &promotable.Dir{FS: tree, Path: dir, Env: name}
	ks, err := d.Kustomizations()
	if err != nil {
		return nil, err
	}
	env := &imageEnv{dir: dir, entries: kustomize.Occurrences(ks)}
	if len(ks) > 0 {
		env.top = ks[0].File
	}
	found, err := (manifests.Images{}).Scan(d)
	if err != nil {
		return nil, err
	}
	// With a kustomization, resources files are left alone: kustomize
	// sets their images with an images: entry; patches are edited.
	for _, f := range found {
		if !listedResource(ks, f.File) {
			env.found = append(env.found, f)
		}
	}
	if len(values.Files) > 0 {
		vs, err := values.Scan(d)
		if err != nil {
			return nil, err
		}
		for _, f := range vs {
			if f.Image != nil && f.Image.Name != "" {
				env.blocks = append(env.blocks, f)
			}
		}
	}
	if r, err := kustomize.RenderEnv(tree, dir); err == nil {
		for _, res := range r.Resources {
			for _, name := range promote.RenderedImages(res) {
				if !slices.Contains(env.running, name) {
					env.running = append(env.running, name)
				}
			}
		}
	}
	return env, nil
}

// changes plans one argument.
func (env *imageEnv) changes(app string, s ImageSet) ([]promote.Change, error) {
	if name, ok, err := env.match(s, mapKeys(env.entries)); err != nil || ok {
		return entryChanges(app, name, s, env.entries[name]), err
	}
	if name, ok, err := env.match(s, foundNames(env.found)); err != nil || ok {
		if err == nil {
			return env.containerChanges(app, name, s)
		}
		return nil, err
	}
	var blockNames []string
	for _, f := range env.blocks {
		blockNames = append(blockNames, f.Image.Name)
	}
	if name, ok, err := env.match(s, blockNames); err != nil || ok {
		if err == nil {
			return env.blockChanges(app, name, s), nil
		}
		return nil, err
	}
	name, ok, err := env.match(s, env.running)
	if err != nil {
		return nil, err
	}
	if !ok || env.top == "" {
		return nil, env.notFound(s)
	}
	img := s.apply(kustomize.Image{Name: name})
	if s.named && s.name != name && s.image == name {
		img.NewName = "" // web=ghcr.io/acme/web:1.5.0: no newName
	}
	return []promote.Change{{App: app, File: env.top, Kind: promote.KindImage, Name: name, New: img.Ref(), Image: &promote.ImageChange{New: img}}}, nil
}

// match finds the image s names among names: by its whole name, else by
// the last segment when one name has it.
func (env *imageEnv) match(s ImageSet, names []string) (string, bool, error) {
	if slices.Contains(names, s.name) {
		return s.name, true, nil
	}
	var matches []string
	for _, n := range names {
		if path.Base(n) == s.name && !slices.Contains(matches, n) {
			matches = append(matches, n)
		}
	}
	slices.Sort(matches)
	switch len(matches) {
	case 0:
		return "", false, nil
	case 1:
		return matches[0], true, nil
	}
	return "", false, fmt.Errorf("%s: %q could be %s: give the whole name", s.arg, s.name, strings.Join(matches, " or "))
}

// notFound names what the environment has when s matches nothing.
func (env *imageEnv) notFound(s ImageSet) error {
	var set []string
	for _, n := range slices.Concat(mapKeys(env.entries), foundNames(env.found)) {
		if !slices.Contains(set, n) {
			set = append(set, n)
		}
	}
	slices.Sort(set)
	running := slices.Clone(env.running)
	slices.Sort(running)
	have := "none"
	if len(set) > 0 {
		have = strings.Join(set, ", ")
	}
	msg := fmt.Sprintf("%s: no image %q in the kustomizations of %s (images: %s)", s.arg, s.name, env.dir, have)
	if len(running) > 0 {
		msg += "; it runs " + strings.Join(running, ", ")
	}
	return fmt.Errorf("%s", msg)
}

// entryChanges sets every images: entry of name as kustomize edit set
// image does. A short NAME (web for ghcr.io/acme/web) whose IMAGE is the
// entry's name adds no newName.
func entryChanges(app, name string, s ImageSet, entries []kustomize.Image) []promote.Change {
	var out []promote.Change
	for _, old := range entries {
		img := s.apply(old)
		if s.named && s.name != name && s.image == name && old.NewName == "" {
			img.NewName = ""
		}
		if old.SameValues(img) {
			continue
		}
		o := old
		o.File, o.Line = "", 0
		out = append(out, promote.Change{App: app, File: old.File, Kind: promote.KindImage, Name: name,
			Old: old.Ref(), New: img.Ref(), Line: old.Line, Image: &promote.ImageChange{Old: &o, New: img}})
	}
	return out
}

// containerChanges sets the tag and digest of every container image of
// name the manifests scanner reads.
func (env *imageEnv) containerChanges(app, name string, s ImageSet) ([]promote.Change, error) {
	var out []promote.Change
	for _, f := range env.found {
		if f.Name != name || f.Image == nil {
			continue
		}
		if s.image != "" && s.image != Keep && s.image != name {
			return nil, fmt.Errorf("%s: %s sets %s in a manifest, which keeps its name: give %s=%s:TAG (or *:TAG)", s.arg, f.File, name, s.name, name)
		}
		cur := kustomize.Image{Name: name, NewTag: f.Image.Tag, Digest: f.Image.Digest}
		img := s.apply(cur)
		img.NewName = ""
		if cur.SameValues(img) {
			continue
		}
		at := f.At
		out = append(out, promote.Change{App: app, File: f.File, Kind: promote.KindImage, Name: name, Old: f.Value,
			New: promotable.Image{Tag: img.NewTag, Digest: img.Digest}.Version(), Line: f.Line, At: &at,
			Image: &promote.ImageChange{Old: &kustomize.Image{Name: name, NewTag: cur.NewTag, Digest: cur.Digest}, New: img}})
	}
	return out, nil
}

// listedResource reports whether file is a resources: entry of one of
// the kustomizations.
func listedResource(ks []*kustomize.Kustomization, file string) bool {
	for _, k := range ks {
		if slices.Contains(k.Dirs, file) {
			return true
		}
	}
	return false
}

// blockChanges sets the Helm image blocks whose repository is name:
// repository (IMAGE when given), tag and digest as for an entry.
func (env *imageEnv) blockChanges(app, name string, s ImageSet) []promote.Change {
	var out []promote.Change
	for _, f := range env.blocks {
		if f.Image.Name != name {
			continue
		}
		cur := kustomize.Image{Name: name, NewName: name, NewTag: f.Image.Tag, Digest: f.Image.Digest}
		img := s.apply(cur)
		if img.NewName == "" {
			img.NewName = name
		}
		if cur.SameValues(img) {
			continue
		}
		next := promotable.Image{Name: img.NewName, Tag: img.NewTag, Digest: img.Digest}
		at := f.At
		out = append(out, promote.Change{App: app, File: f.File, Kind: promote.KindHelm, Name: f.Name, Old: f.Value,
			New: strings.TrimPrefix(next.String(), ":"), Line: f.Line, At: &at,
			Image: &promote.ImageChange{Old: &kustomize.Image{Name: name, NewTag: cur.NewTag, Digest: cur.Digest}, New: kustomize.Image{Name: img.NewName, NewTag: img.NewTag, Digest: img.Digest}}})
	}
	return out
}

func mapKeys(m map[string][]kustomize.Image) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func foundNames(fs []promotable.Found) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}
