package terraform

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/gitops-promote/promote/internal/promotable"
	"github.com/gitops-promote/promote/internal/refs"
)

// ModulesName names the modules unit in locators.
const ModulesName = "module"

// Modules is the scanner of module versions in the *.tf and *.tofu files
// of an environment directory: the ?ref= of a module's source
// ("git::https://github.com/acme/modules.git//app?ref=v1.2.3") and its
// version ("1.2.3"). A module is known by its block label.
type Modules struct{}

// Name implements promotable.Scanner.
func (Modules) Name() string { return ModulesName }

// Scan implements promotable.Scanner.
// Files of the environment directory and of every directory under it
// are read; a module below the environment directory is known by that
// directory and its label.
func (Modules) Scan(d *promotable.Dir) ([]promotable.Found, error) {
	dirs, err := moduleDirs(d)
	if err != nil {
		return nil, err
	}
	var out []promotable.Found
	for _, dir := range dirs {
		entries, err := fs.ReadDir(d.FS, dir)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", dir, err)
		}
		for _, e := range entries {
			if e.IsDir() || (path.Ext(e.Name()) != ".tf" && path.Ext(e.Name()) != ".tofu") {
				continue
			}
			found, err := scanModules(d, path.Join(dir, e.Name()))
			if err != nil {
				return nil, err
			}
			for i := range found {
				found[i].Key = moduleKey(d, dir, found[i].Key)
				found[i].Name = moduleKey(d, dir, found[i].Name)
			}
			out = append(out, found...)
		}
	}
	return out, nil
}

func scanModules(d *promotable.Dir, file string) ([]promotable.Found, error) {
	data, err := d.ReadFile(file)
	if err != nil || !bytes.Contains(data, []byte("module")) {
		return nil, err
	}
	body, err := parse(file, data)
	if err != nil {
		return nil, err
	}
	var out []promotable.Found
	for _, b := range body.Blocks {
		if b.Type != "module" || len(b.Labels) != 1 {
			continue
		}
		name := b.Labels[0]
		for _, attr := range []string{"source", "version"} {
			lit, ok, err := stringLiteral(file, b.Body, attr)
			if err != nil {
				return nil, fmt.Errorf("terraform: module %q: %w", name, err)
			}
			value := lit.Value
			if attr == "source" {
				_, value, _ = refs.SplitRef(lit.Value)
			}
			if !ok || value == "" {
				continue
			}
			out = append(out, promotable.Found{Kind: promotable.KindModule, Key: name + "#" + attr, Name: name, Value: value, File: file, Line: lit.Line,
				At: promotable.Locator{Scanner: ModulesName, Path: "module." + name + "." + attr}})
		}
	}
	return out, nil
}

// Edit implements promotable.Editor: a source gets the new ref, a
// version the new version.
func (Modules) Edit(data []byte, e promotable.Edit) ([]byte, error) {
	name, attr, ok := splitAddress(e.At.Path)
	if !ok {
		return nil, fmt.Errorf("%s: set %s: bad address %q (expected module.NAME.source or module.NAME.version)", e.File, e.Name, e.At.Path)
	}
	body, err := parse(e.File, data)
	if err != nil {
		return nil, err
	}
	find := func(b *hclsyntax.Body) (*hclsyntax.Body, string) { return moduleBody(b, name), attr }
	mb := moduleBody(body, name)
	if mb == nil {
		return nil, fmt.Errorf("%s: set %s: module %q not found", e.File, e.Name, name)
	}
	value := e.New
	if attr == "source" {
		lit, ok, err := stringLiteral(e.File, mb, attr)
		if err != nil || !ok {
			return nil, fmt.Errorf("%s: set %s: module %q has no source: %v", e.File, e.Name, name, err)
		}
		if _, ref, _ := refs.SplitRef(lit.Value); ref != e.Old {
			return nil, fmt.Errorf("%s:%d: set %s: the source's ref is %q, expected %q", e.File, lit.Line, e.Name, ref, e.Old)
		}
		value = refs.SetRef(lit.Value, e.New)
	}
	return editLiteral(data, e, mb, attr, value, find)
}

func splitAddress(a string) (name, attr string, ok bool) {
	rest, ok := strings.CutPrefix(a, "module.")
	if !ok {
		return "", "", false
	}
	i := strings.LastIndexByte(rest, '.')
	if i <= 0 {
		return "", "", false
	}
	name, attr = rest[:i], rest[i+1:]
	return name, attr, attr == "source" || attr == "version"
}

func moduleBody(body *hclsyntax.Body, name string) *hclsyntax.Body {
	for _, b := range body.Blocks {
		if b.Type == "module" && len(b.Labels) == 1 && b.Labels[0] == name {
			return b.Body
		}
	}
	return nil
}
