package terraform

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/gitops-promote/promote/internal/promotable"
)

// VariablesName names the variables unit in locators.
const VariablesName = "tfvars"

// Variables is the scanner of variables in the *.tfvars files of an
// environment directory and of every directory under it (envs/prod/infra/
// app/terraform.tfvars): each directory is a root module of its own, so a
// variable is known by its directory relative to the environment's and
// its name.
type Variables struct {
	// Names are the variables that travel.
	Names []string
}

// Name implements promotable.Scanner.
func (Variables) Name() string { return VariablesName }

// Scan implements promotable.Scanner. In each directory, files are listed
// in the order their values take effect, the last one Terraform loads
// first: *.auto.tfvars (in reverse lexical order), terraform.tfvars, then
// other *.tfvars.
func (v Variables) Scan(d *promotable.Dir) ([]promotable.Found, error) {
	dirs, err := moduleDirs(d)
	if err != nil {
		return nil, err
	}
	var out []promotable.Found
	for _, dir := range dirs {
		found, err := v.scanDir(d, dir)
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

func (v Variables) scanDir(d *promotable.Dir, dir string) ([]promotable.Found, error) {
	files, err := varFiles(d, dir)
	if err != nil {
		return nil, err
	}
	var out []promotable.Found
	for _, f := range files {
		data, err := d.ReadFile(f)
		if err != nil {
			return nil, err
		}
		body, err := parse(f, data)
		if err != nil {
			return nil, err
		}
		for _, name := range v.Names {
			lit, ok, err := stringLiteral(f, body, name)
			if err != nil {
				return nil, fmt.Errorf("terraform: %w", err)
			}
			if ok {
				out = append(out, promotable.Found{Kind: promotable.KindTerraform, Key: moduleKey(d, dir, name), Name: moduleKey(d, dir, name), Value: lit.Value, File: f, Line: lit.Line,
					At: promotable.Locator{Scanner: VariablesName, Path: name}})
			}
		}
	}
	return out, nil
}

// moduleKey names a variable or module of directory dir: its name, after
// dir's path relative to the environment directory when dir is below it.
func moduleKey(d *promotable.Dir, dir, name string) string {
	rel := strings.TrimPrefix(strings.TrimPrefix(dir, d.Path), "/")
	if dir == d.Path || rel == "" {
		return name
	}
	return rel + ":" + name
}

// moduleDirs lists the environment directory and every directory under
// it, sorted; hidden ones (.terraform) and Helm chart templates are left
// out.
func moduleDirs(d *promotable.Dir) ([]string, error) {
	var out []string
	err := fs.WalkDir(d.FS, d.Path, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("list %s: %w", d.Path, err)
		}
		if !e.IsDir() {
			return nil
		}
		if p != d.Path && (strings.HasPrefix(e.Name(), ".") || e.Name() == "templates") {
			return fs.SkipDir
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

func varFiles(d *promotable.Dir, dir string) ([]string, error) {
	entries, err := fs.ReadDir(d.FS, dir)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	var auto, main, other []string
	for _, e := range entries {
		n := e.Name()
		switch {
		case e.IsDir() || !strings.HasSuffix(n, ".tfvars"):
		case strings.HasSuffix(n, ".auto.tfvars"):
			auto = append(auto, path.Join(dir, n))
		case n == "terraform.tfvars":
			main = append(main, path.Join(dir, n))
		default:
			other = append(other, path.Join(dir, n))
		}
	}
	slices.Sort(auto)
	slices.Reverse(auto)
	slices.Sort(other)
	return slices.Concat(auto, main, other), nil
}

// Edit implements promotable.Editor.
func (Variables) Edit(data []byte, e promotable.Edit) ([]byte, error) {
	body, err := parse(e.File, data)
	if err != nil {
		return nil, err
	}
	find := func(b *hclsyntax.Body) (*hclsyntax.Body, string) { return b, e.At.Path }
	return editLiteral(data, e, body, e.At.Path, e.New, find)
}

// editLiteral sets attribute name of body, checked to still hold e.Old,
// to value.
func editLiteral(data []byte, e promotable.Edit, body *hclsyntax.Body, name, value string, find func(*hclsyntax.Body) (*hclsyntax.Body, string)) ([]byte, error) {
	lit, ok, err := stringLiteral(e.File, body, name)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s: set %s: %s not found", e.File, e.Name, e.At.Path)
	}
	out, err := setLiteral(data, lit, value)
	if err == nil {
		err = check(e.File, out, value, find)
	}
	if err != nil {
		return nil, fmt.Errorf("%s:%d: set %s: %w", e.File, lit.Line, e.Name, err)
	}
	return out, nil
}
