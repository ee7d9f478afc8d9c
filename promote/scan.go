package promote

import (
	"fmt"
	"regexp"

	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/promotable"
	"github.com/gitops-promote/promote/internal/yamledit"
)

// Change kinds besides images and files; see package promotable.
const (
	KindHelm      = promotable.KindHelm
	KindChart     = promotable.KindChart
	KindRef       = promotable.KindRef
	KindTerraform = promotable.KindTerraform
	KindModule    = promotable.KindModule
)

// ImageValue is a container image found as a value (a manifest's
// image:, a Helm image block): name, tag and digest.
type ImageValue = promotable.Image

// Locator says where a change's value is in its file: the scanner that
// found it, the YAML document and path or the HCL address.
type Locator = promotable.Locator

var tfIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// validateScanned checks the settings of every kind (helm:,
// terraform:) with its row's validate.
func validateScanned(p *Promotables) error {
	for _, k := range kinds {
		if k.validate != nil {
			if err := k.validate(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// validateHelm checks the helm: settings.
func validateHelm(p *Promotables) error {
	for i, h := range p.Helm {
		if err := checkRelPath(h.File); err != nil {
			return fmt.Errorf("helm[%d]: file %q: %v", i, h.File, err)
		}
		if len(h.Paths) == 0 {
			return fmt.Errorf("helm[%d]: %s: expected paths: (such as [image.tag])", i, h.File)
		}
		for _, s := range h.Paths {
			yp, err := yamledit.ParsePath(s)
			if err != nil || len(yp) == 0 || yp[0].Field != "" {
				return fmt.Errorf("helm[%d]: %s: path %q: expected keys separated by dots, list items as [field=value] (image.tag, workers[name=a].image.tag)", i, h.File, s)
			}
		}
	}
	return nil
}

// validateTerraform checks the terraform: settings.
func validateTerraform(p *Promotables) error {
	if t := p.Terraform; t != nil {
		for _, v := range t.Variables {
			if !tfIdent.MatchString(v) {
				return fmt.Errorf("terraform: variables: %q is not a variable name", v)
			}
		}
	}
	return nil
}

// envDirs are the source and target directories of one planning step,
// shared by every unit so that each file is read and parsed once.
type envDirs struct {
	src, dst *promotable.Dir
}

func newEnvDirs(trees Trees, from, to, src, dst string) envDirs {
	both := [2]promotable.Dir{{FS: trees.Source, Path: src, Env: from, Cache: trees.kust}, {FS: trees.Target, Path: dst, Env: to, Cache: trees.kust}}
	return envDirs{src: &both[0], dst: &both[1]}
}

// planValues adds the changes one unit finds: each target value that
// differs from the source's, and values only the source has when the
// unit can add them.
func planValues(p *Plan, app string, sc promotable.Scanner, dirs envDirs) error {
	src, err := sc.Scan(dirs.src)
	if err != nil {
		return fmt.Errorf("%s: %w", p.From, err)
	}
	dst, err := sc.Scan(dirs.dst)
	if err != nil {
		return fmt.Errorf("%s: %w", p.To, err)
	}
	var add func(promotable.Found) (promotable.Found, bool, error)
	if a, ok := sc.(promotable.Adder); ok {
		add = func(f promotable.Found) (promotable.Found, bool, error) { return a.Add(dirs.dst, f) }
	}
	pairs, err := promotable.Diff(src, dst, add)
	if err != nil {
		return err
	}
	for _, pr := range pairs {
		p.Changes = append(p.Changes, valueChange(app, pr))
	}
	return nil
}

// valueChange is the change a pair makes.
func valueChange(app string, pr promotable.Pair) Change {
	t, w := pr.Target, pr.Want
	at := t.At
	c := Change{App: app, File: t.File, Kind: t.Kind, Name: t.Name, Old: t.Value, New: w.Value, Line: t.Line, At: &at, src: from{w.File, w.Line}}
	if w.Image != nil {
		c.Image = &ImageChange{New: kustomizeImage(*w.Image)}
		if t.Image != nil {
			o := kustomizeImage(*t.Image)
			c.Image.Old = &o
		}
		if t.Kind == KindImage {
			c.Image.New.Name = t.Name
		}
	}
	return c
}

// kustomizeImage shows an image the way kustomize image entries are
// shown: name, newTag, digest.
func kustomizeImage(img promotable.Image) kustomize.Image {
	return kustomize.Image{Name: img.Name, NewTag: img.Tag, Digest: img.Digest}
}

// editValue makes a value change in data with its unit's editor.
func editValue(data []byte, c Change) ([]byte, error) {
	ed, err := editorFor(c.At.Scanner)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.File, err)
	}
	e := promotable.Edit{At: *c.At, File: c.File, Name: c.Name, Old: c.Old, New: c.New}
	if c.Image != nil {
		img := promotable.Image{Name: c.Image.New.Name, Tag: c.Image.New.NewTag, Digest: c.Image.New.Digest}
		e.Image = &img
	}
	return ed.Edit(data, e)
}

// Value is one promotable other than a kustomize image or a promoted file
// as an environment has it (status, history).
type Value struct {
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	Value string `json:"value"`
	File  string `json:"file"`
	Line  int    `json:"line,omitempty"`
	// Image is set for images: name, tag and digest.
	Image *ImageValue `json:"image,omitempty"`

	key string
}

// scanValues reads the effective value of every promotable the enabled
// units find in dir: the first occurrence of each key.
func scanValues(prom Promotables, d *promotable.Dir) ([]Value, error) {
	var out []Value
	for _, sc := range scanners(prom) {
		found, err := sc.Scan(d)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, f := range found {
			if seen[f.Key] {
				continue
			}
			seen[f.Key] = true
			out = append(out, Value{Kind: f.Kind, Name: f.Name, Value: f.Value, File: f.File, Line: f.Line, Image: f.Image, key: sc.Name() + "\x00" + f.Key})
		}
	}
	return out, nil
}

// diffValues lists the values set, added or removed from before to
// after (removals have an empty New).
func diffValues(app string, before, after []Value) []Change {
	index := func(vs []Value) map[string]Value {
		m := make(map[string]Value, len(vs))
		for _, v := range vs {
			m[v.key] = v
		}
		return m
	}
	b, a := index(before), index(after)
	var out []Change
	for _, v := range after {
		old, had := b[v.key]
		if had && old.Value == v.Value {
			continue
		}
		out = append(out, Change{App: app, File: v.File, Kind: v.Kind, Name: v.Name, Old: old.Value, New: v.Value, Line: v.Line})
	}
	for _, v := range before {
		if _, ok := a[v.key]; !ok {
			out = append(out, Change{App: app, File: v.File, Kind: v.Kind, Name: v.Name, Old: v.Value, Line: v.Line})
		}
	}
	return out
}
