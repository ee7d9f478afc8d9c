package proposal

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/grammar"
	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/promote"
)

// BuildSource is the source a set-image plan names: a new build, not an
// environment.
const BuildSource = "build"

// ImageSet is one NAME=IMAGE[:TAG][@DIGEST] argument of set-image.
type ImageSet struct {
	arg, name, image, tag, digest string
}

// ParseImageSet reads NAME=IMAGE[:TAG][@DIGEST]; without NAME= the
// image's name is the name.
func ParseImageSet(arg string) (ImageSet, error) {
	s := ImageSet{arg: arg}
	name, ref, ok := strings.Cut(arg, "=")
	if !ok {
		ref = arg
	}
	ref, s.digest, _ = strings.Cut(ref, "@")
	s.image = ref
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		s.image, s.tag = ref[:i], ref[i+1:]
	}
	s.name = name
	if !ok {
		s.name = s.image
	}
	switch {
	case s.name == "" || s.image == "" || strings.ContainsAny(arg, " \t\n"):
		return s, fmt.Errorf("%q: expected NAME=IMAGE[:TAG][@DIGEST], such as web=ghcr.io/acme/web:1.5.0", arg)
	case s.tag == "" && s.digest == "":
		return s, fmt.Errorf("%q: expected a tag (:TAG) or a digest (@sha256:...)", arg)
	case s.digest != "" && !strings.Contains(s.digest, ":"):
		return s, fmt.Errorf("%q: digest %q: expected ALGORITHM:HEX, such as sha256:9b1f...", arg, s.digest)
	}
	if err := grammar.Image(s.image, s.tag, s.digest); err != nil {
		return s, fmt.Errorf("%s: %w", grammar.Show(arg), err)
	}
	return s, nil
}

// SetImage plans setting the images of env (app) to sets on the base
// tip's tree: every entry for each image in the environment's
// kustomizations.
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
		ks, err := kustomize.Collect(tree, dir)
		if err != nil {
			return nil, err
		}
		p := &promote.Plan{From: BuildSource, To: e.Name, Changes: []promote.Change{}, Dirs: []string{dir}}
		if app != "" {
			p.Apps = []string{app}
		}
		occ := kustomize.Occurrences(ks)
		for _, s := range sets {
			name, err := matchImage(s, occ, dir)
			if err != nil {
				return nil, err
			}
			p.Changes = append(p.Changes, imageChanges(app, name, s, occ[name])...)
		}
		if err := promote.CheckValues(p); err != nil {
			return nil, err
		}
		return p, nil
	}
}

// matchImage finds the image s names: by its whole name, else by the
// last segment when one image has it.
func matchImage(s ImageSet, occ map[string][]kustomize.Image, dir string) (string, error) {
	if _, ok := occ[s.name]; ok {
		return s.name, nil
	}
	var names, matches []string
	for n := range occ {
		names = append(names, n)
		if path.Base(n) == s.name {
			matches = append(matches, n)
		}
	}
	sort.Strings(names)
	sort.Strings(matches)
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return "", fmt.Errorf("%s: no image %q in the kustomizations of %s (images: %s)", s.arg, s.name, dir, strings.Join(names, ", "))
	}
	return "", fmt.Errorf("%s: %q could be %s: give the whole name", s.arg, s.name, strings.Join(matches, " or "))
}

// imageChanges sets every entry of the image to s's values.
func imageChanges(app, name string, s ImageSet, entries []kustomize.Image) []promote.Change {
	img := kustomize.Image{Name: name, NewTag: s.tag, Digest: s.digest}
	if s.image != name {
		img.NewName = s.image
	}
	var out []promote.Change
	for _, old := range entries {
		if old.SameValues(img) {
			continue
		}
		o := old
		out = append(out, promote.Change{App: app, File: old.File, Kind: promote.KindImage, Name: name,
			Old: old.Ref(), New: img.Ref(), Line: old.Line, Image: &promote.ImageChange{Old: &o, New: img}})
	}
	return out
}
