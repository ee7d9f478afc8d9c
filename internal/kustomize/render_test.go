package kustomize

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gitops-promote/promote/internal/fileerr"
	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/internal/testrepo"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/<name>, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", file, got, want)
	}
}

// describe prints a render or its error the way the golden files hold it.
func describe(r *Rendering, err error) string {
	var b strings.Builder
	var be *BuildError
	switch {
	case errors.As(err, &be):
		fmt.Fprintf(&b, "error: %s\nfile: %s\n", be.Error(), be.File)
		return b.String()
	case err != nil:
		return "unexpected error type: " + err.Error()
	}
	for _, n := range r.NotRendered {
		fmt.Fprintf(&b, "# %s\n", n)
	}
	for _, res := range r.Resources {
		fmt.Fprintf(&b, "# %s\n%s---\n", res.ID, res.YAML)
	}
	return b.String()
}

func TestRenderGolden(t *testing.T) {
	cases := []struct{ name, dir string }{
		{"remote", "remote/overlay"},
		{"generators", "generators"},
		{"broken-missing", "broken-missing"},
		{"broken-resource", "broken-resource"},
		{"load-restrictor", "load-restrictor/overlay"},
	}
	fsys := os.DirFS("testdata/render")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Render(fsys, c.dir)
			golden(t, "render/"+c.name+".golden", describe(r, err))
		})
	}
}

// TestRenderExample renders the bundled example's prod environment.
func TestRenderExample(t *testing.T) {
	r, err := Render(os.DirFS("../.."), "environments/prod")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "render/example-prod.golden", describe(r, err))
}

func TestRenderReportsRemoteOnce(t *testing.T) {
	// Two overlays share a base with a remote resource: kustomize reads
	// the base twice, the entry is reported once.
	fsys := fstest.MapFS{
		"base/kustomization.yaml": {Data: []byte("resources:\n- cm.yaml\n- git@github.com:acme/x.git//k?ref=v1\n")},
		"base/cm.yaml":            {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")},
		"a/kustomization.yaml":    {Data: []byte("resources: [../base]\nnamePrefix: a-\n")},
		"env/kustomization.yaml":  {Data: []byte("resources: [../a, ../b]\n")},
		"b/kustomization.yaml":    {Data: []byte("resources: [../base]\nnamePrefix: b-\n")},
	}
	r, err := Render(fsys, "env")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Resources) != 2 || len(r.NotRendered) != 1 {
		t.Fatalf("got %d resources and not rendered %v, want 2 and one entry", len(r.Resources), r.NotRendered)
	}
	want := "base/kustomization.yaml: resources: git@github.com:acme/x.git//k?ref=v1 not rendered: needs network"
	if got := r.NotRendered[0].String(); got != want {
		t.Errorf("not rendered:\n got %s\nwant %s", got, want)
	}
}

// TestRenderGitTree builds straight from a commit: no checkout.
func TestRenderGitTree(t *testing.T) {
	dir := t.TempDir()
	commit, err := testrepo.InitGit(dir, map[string][]byte{
		"envs/prod/kustomization.yaml": []byte("resources: [web.yaml]\nimages:\n- {name: web, newTag: \"2\"}\n"),
		"envs/prod/web.yaml":           []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - {name: web, image: web}\n"),
	})
	if err != nil {
		t.Fatal(err)
	}
	// Remove the working tree: only objects remain.
	if err := os.RemoveAll(filepath.Join(dir, "envs")); err != nil {
		t.Fatal(err)
	}
	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := repo.TreeFS(commit)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Render(tree, "envs/prod")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Resources) != 1 || !strings.Contains(string(r.Resources[0].YAML), "image: web:2") {
		t.Fatalf("render of the commit: %s", describe(r, nil))
	}
}

func TestRenderOverlayEdits(t *testing.T) {
	base := fstest.MapFS{
		"p/kustomization.yaml": {Data: []byte("resources: [a.yaml]\n")},
		"p/a.yaml":             {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")},
	}
	after := Overlay(base, map[string][]byte{
		"p/kustomization.yaml": []byte("resources: [a.yaml, b/b.yaml]\n"),
		"p/b/b.yaml":           []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n"),
	})
	r, err := Render(after, "p")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Resources) != 2 || r.Resources[1].ID.String() != "v1/ConfigMap b" {
		t.Fatalf("render with edits laid over: %s", describe(r, nil))
	}
	if _, err := fs.Stat(base, "p/b/b.yaml"); err == nil {
		t.Error("the overlay wrote into its base")
	}
}

func TestResourceIDString(t *testing.T) {
	for id, want := range map[ResourceID]string{
		{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web"}: "apps/v1/Deployment shop/web",
		{APIVersion: "v1", Kind: "Namespace", Name: "shop"}:                         "v1/Namespace shop",
	} {
		if got := id.String(); got != want {
			t.Errorf("%#v: got %q, want %q", id, got, want)
		}
	}
}

// TestRenderRefusesAFileOverTheLimits: a file kustomize would read (here
// an alias bomb listed in resources:) is refused before it is parsed,
// with its file and line, not as a build error.
func TestRenderRefusesAFileOverTheLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\nx:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "  a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 9), ", "))
	}
	fsys := fstest.MapFS{
		"env/kustomization.yaml": {Data: []byte("resources: [bomb.yaml]\n")},
		"env/bomb.yaml":          {Data: []byte(b.String())},
	}
	_, err := Render(fsys, "env")
	var fe *fileerr.Error
	if !errors.As(err, &fe) || fe.File != "env/bomb.yaml" || fe.Line != 10 || !strings.Contains(fe.Msg, "expanding aliases makes more than 100000 nodes: refused") {
		t.Fatalf("error %v (%T), want env/bomb.yaml:10 refused", err, err)
	}
}
