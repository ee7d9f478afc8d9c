package promote

import (
	"fmt"
	"slices"

	"github.com/gitops-promote/promote/internal/helm"
	"github.com/gitops-promote/promote/internal/manifests"
	"github.com/gitops-promote/promote/internal/promotable"
	"github.com/gitops-promote/promote/internal/refs"
	"github.com/gitops-promote/promote/internal/terraform"
)

// kind is one promotable kind of the planner: a row of kinds. Adding a
// kind is writing its package (a promotable.Scanner, which also edits
// the values it finds) and adding its row.
type kind struct {
	// name names the row.
	name string
	// units are the scanners the edge's promotables enable, configured;
	// none when the kind is off. Their changes are planned by diffing
	// what they find in the source and the target.
	units func(prom Promotables) []promotable.Scanner
	// editors are the kind's scanners as editors of the values they
	// found, by name (Locator.Scanner).
	editors []promotable.Scanner
	// plan, for a kind that is not scanned (kustomize image entries,
	// whole files), plans it itself when on says the edge promotes it;
	// claims tells its changes and edit makes one.
	on     func(prom Promotables) bool
	plan   func(p *Plan, app string, prom Promotables, in planInput) error
	claims func(c Change) bool
	edit   func(data []byte, c Change) ([]byte, error)
	// copies is set for the kind that copies whole files: value changes
	// to a file it copies are dropped, the copy carries them.
	copies bool
	// validate, when set, checks the kind's settings in promote.yaml.
	validate func(p *Promotables) error
}

// planInput is what planning one directory reads.
type planInput struct {
	trees    Trees
	dirs     envDirs
	src, dst string
}

// kinds are the planner's promotable kinds, in planning order: a file's
// changes are made in this order.
var kinds = []kind{
	{
		name:   "kustomize images",
		on:     Promotables.ImagesEnabled,
		plan:   func(p *Plan, app string, _ Promotables, in planInput) error { return planImages(p, app, in.dirs) },
		claims: isImageEntry,
		edit:   editImage,
	},
	{
		name: "container images",
		units: func(prom Promotables) []promotable.Scanner {
			if prom.ImagesEnabled() {
				return imagesOnly
			}
			return nil
		},
		editors: []promotable.Scanner{manifests.Images{}},
	},
	{
		name: "helm values",
		units: func(prom Promotables) []promotable.Scanner {
			if len(prom.Helm) == 0 {
				return nil
			}
			v := helm.Values{}
			for _, h := range prom.Helm {
				v.Files = append(v.Files, helm.ValuesFile{File: h.File, Paths: h.Paths})
			}
			return []promotable.Scanner{v}
		},
		editors:  []promotable.Scanner{helm.Values{}},
		validate: validateHelm,
	},
	{
		name:    "helm charts",
		units:   when(func(prom Promotables) bool { return prom.Charts }, helm.Charts{}),
		editors: []promotable.Scanner{helm.Charts{}},
	},
	{
		name:    "refs",
		units:   when(func(prom Promotables) bool { return prom.Refs }, refs.RemoteBases{}, refs.GitRepositories{}),
		editors: []promotable.Scanner{refs.RemoteBases{}, refs.GitRepositories{}},
	},
	{
		name: "terraform",
		units: func(prom Promotables) []promotable.Scanner {
			t := prom.Terraform
			if t == nil {
				return nil
			}
			var out []promotable.Scanner
			if len(t.Variables) > 0 {
				out = append(out, terraform.Variables{Names: t.Variables})
			}
			if t.Modules {
				out = append(out, terraform.Modules{})
			}
			return out
		},
		editors:  []promotable.Scanner{terraform.Variables{}, terraform.Modules{}},
		validate: validateTerraform,
	},
	{
		name: "files",
		on:   func(prom Promotables) bool { return len(prom.Files) > 0 },
		plan: func(p *Plan, app string, prom Promotables, in planInput) error {
			return planFiles(p, app, prom.Files, in.trees, in.src, in.dst)
		},
		claims: func(c Change) bool { return c.Kind == KindFile },
		edit:   func(data []byte, _ Change) ([]byte, error) { return data, nil }, // the copy is whole
		copies: true,
	},
}

// when returns units when on says the kind is enabled.
func when(on func(Promotables) bool, units ...promotable.Scanner) func(Promotables) []promotable.Scanner {
	return func(prom Promotables) []promotable.Scanner {
		if on(prom) {
			return units
		}
		return nil
	}
}

// imagesOnly are the units of the default promotables; it is never
// modified.
var imagesOnly = []promotable.Scanner{manifests.Images{}}

// scanners returns the units an edge's promotables enable, besides
// kustomize images and files, in the order of kinds. Nothing is scanned
// for a kind that is not enabled.
func scanners(prom Promotables) []promotable.Scanner {
	var out []promotable.Scanner
	for _, k := range kinds {
		if k.units == nil {
			continue
		}
		if u := k.units(prom); len(u) > 0 {
			if out == nil {
				out = u // the common case, one kind: no copy
				continue
			}
			out = append(slices.Clip(out), u...)
		}
	}
	return out
}

// editorFor returns the editor of the unit a locator names.
func editorFor(name string) (promotable.Editor, error) {
	for _, k := range kinds {
		for _, e := range k.editors {
			if e.Name() == name {
				return e, nil
			}
		}
	}
	return nil, fmt.Errorf("no editor for promotables found by %q", name)
}

// planKinds plans every kind the edge promotes into p, in the order of
// kinds, and drops the value changes to files that are copied whole.
func planKinds(p *Plan, app string, prom Promotables, in planInput) error {
	first, values := len(p.Changes), -1
	for _, k := range kinds {
		if k.copies && values < 0 {
			dropRepeated(p, first)
			values = len(p.Changes)
			if err := checkValues(p.Changes[first:]); err != nil {
				return err
			}
		}
		switch {
		case k.plan != nil:
			if k.on(prom) {
				if err := k.plan(p, app, prom, in); err != nil {
					return err
				}
			}
		case k.units != nil:
			for _, sc := range k.units(prom) {
				if err := planValues(p, app, sc, in.dirs); err != nil {
					return err
				}
			}
		}
	}
	if values >= 0 {
		dropCopied(p, first, values)
	}
	return nil
}

// editChange makes one change in data with its kind's editor: a value
// by the unit its locator names, others by the kind that claims them.
func editChange(data []byte, c Change) ([]byte, error) {
	if c.At != nil {
		return editValue(data, c)
	}
	for _, k := range kinds {
		if k.claims != nil && k.claims(c) {
			return k.edit(data, c)
		}
	}
	return nil, fmt.Errorf("%s: change of kind %q has no locator", c.File, c.Kind)
}
