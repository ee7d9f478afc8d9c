package terraform

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gitops-promote/promote/internal/promotable"
	"github.com/gitops-promote/promote/internal/promotable/promotabletest"
)

func TestGolden(t *testing.T) {
	promotabletest.Golden(t, "testdata/golden", func(name string) promotable.Scanner {
		if strings.HasPrefix(name, "modules") {
			return Modules{}
		}
		return Variables{Names: []string{"image_tag", "app_version"}}
	})
}

func TestVariablesEffectiveFirst(t *testing.T) {
	fsys := fstest.MapFS{
		"env/terraform.tfvars":  {Data: []byte(`image_tag = "1"`)},
		"env/a.auto.tfvars":     {Data: []byte(`image_tag = "2"`)},
		"env/b.auto.tfvars":     {Data: []byte(`image_tag = "3"`)},
		"env/extra.tfvars":      {Data: []byte(`image_tag = "4"`)},
		"env/sub/deep.tfvars":   {Data: []byte(`image_tag = "5"`)},
		"env/terraform.tfstate": {Data: []byte(`{}`)},
	}
	got, err := Variables{Names: []string{"image_tag"}}.Scan(promotable.NewDir(fsys, "env"))
	if err != nil {
		t.Fatal(err)
	}
	var vals []string
	for _, f := range got {
		vals = append(vals, f.Key+"="+f.Value)
	}
	want := "image_tag=3 image_tag=2 image_tag=1 image_tag=4 sub:image_tag=5"
	if strings.Join(vals, " ") != want {
		t.Errorf("values in order %v, want %s (the last auto.tfvars first, a subdirectory's by its path)", vals, want)
	}
}

func TestVariablesErrors(t *testing.T) {
	for file, want := range map[string]string{
		"image_tag = \"${var.x}\"\n":   `env/terraform.tfvars:1: image_tag: expected a quoted string`,
		"image_tag = 3\n":              `env/terraform.tfvars:1: image_tag: expected a quoted string`,
		"a = 1\nimage_tag = = \"1\"\n": `env/terraform.tfvars:2: invalid HCL`,
	} {
		fsys := fstest.MapFS{"env/terraform.tfvars": {Data: []byte(file)}}
		_, err := Variables{Names: []string{"image_tag"}}.Scan(promotable.NewDir(fsys, "env"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v\nwant it to contain %q", file, err, want)
		}
	}
}

func TestEditEscapesAndChecks(t *testing.T) {
	data := []byte("tag = \"1\" # keep\n")
	e := promotable.Edit{At: promotable.Locator{Scanner: VariablesName, Path: "tag"}, File: "x.tfvars", Name: "tag", Old: "1", New: `2"${x}`}
	out, err := Variables{}.Edit(data, e)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "tag = \"2\\\"$${x}\" # keep\n" {
		t.Errorf("got %q: quotes and interpolation must be escaped as hclwrite writes them", out)
	}
	e.At.Path = "missing"
	if _, err := (Variables{}).Edit(data, e); err == nil || !strings.Contains(err.Error(), "x.tfvars: set tag: missing not found") {
		t.Errorf("error %v, want one naming the missing variable", err)
	}
}

func TestModuleSourceStale(t *testing.T) {
	data := []byte("module \"app\" {\n  source = \"github.com/a/b//c?ref=v2\"\n}\n")
	e := promotable.Edit{At: promotable.Locator{Scanner: ModulesName, Path: "module.app.source"}, File: "main.tf", Name: "app", Old: "v1", New: "v3"}
	if _, err := (Modules{}).Edit(data, e); err == nil || !strings.Contains(err.Error(), `main.tf:2: set app: the source's ref is "v2", expected "v1"`) {
		t.Errorf("error %v, want a refusal naming main.tf:2", err)
	}
}
