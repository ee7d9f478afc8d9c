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
// environment directory (not its subdirectories: Terraform reads them
// from the root module's directory).
type Variables struct {
	// Names are the variables that travel.
	Names []string
}

// Name implements promotable.Scanner.
func (Variables) Name() string { return VariablesName }

// Scan implements promotable.Scanner. Files are listed in the order their
// values take effect, the last one Terraform loads first: *.auto.tfvars
// (in reverse lexical order), terraform.tfvars, then other *.tfvars.
func (v Variables) Scan(d *promotable.Dir) ([]promotable.Found, error) {
	files, err := varFiles(d)
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
				out = append(out, promotable.Found{Kind: promotable.KindTerraform, Key: name, Name: name, Value: lit.Value, File: f, Line: lit.Line,
					At: promotable.Locator{Scanner: VariablesName, Path: name}})
			}
		}
	}
	return out, nil
}

func varFiles(d *promotable.Dir) ([]string, error) {
	entries, err := fs.ReadDir(d.FS, d.Path)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", d.Path, err)
	}
	var auto, main, other []string
	for _, e := range entries {
		n := e.Name()
		switch {
		case e.IsDir() || !strings.HasSuffix(n, ".tfvars"):
		case strings.HasSuffix(n, ".auto.tfvars"):
			auto = append(auto, path.Join(d.Path, n))
		case n == "terraform.tfvars":
			main = append(main, path.Join(d.Path, n))
		default:
			other = append(other, path.Join(d.Path, n))
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
