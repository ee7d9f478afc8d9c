package kustomize

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"slices"
	"testing"
	"testing/fstest"
)

var tree = fstest.MapFS{
	"envs/prod/kustomization.yaml": {Data: []byte("resources: [a.yaml]\n")},
	"envs/prod/a.yaml":             {Data: []byte("a")},
	"envs/prod/.hidden.yaml":       {Data: []byte("h")},
	"envs/prod/sub/b.yaml":         {Data: []byte("b")},
}

func TestTreeFileSystemReads(t *testing.T) {
	t.Parallel()
	fsys := NewTreeFileSystem(tree)
	for _, p := range []string{"envs/prod/a.yaml", "/envs/prod/a.yaml", "/envs/../envs/prod/a.yaml"} {
		data, err := fsys.ReadFile(p)
		if err != nil || string(data) != "a" {
			t.Errorf("ReadFile(%q) = %q, %v; want \"a\"", p, data, err)
		}
	}
	if _, err := fsys.ReadFile("envs/prod/missing.yaml"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile of a missing file: %v, want fs.ErrNotExist", err)
	}
	if !fsys.IsDir("/envs/prod") || fsys.IsDir("envs/prod/a.yaml") || !fsys.Exists("envs/prod/sub") || fsys.Exists("nope") {
		t.Error("IsDir/Exists disagree with the tree")
	}
	d, f, err := fsys.CleanedAbs("envs/prod/a.yaml")
	if err != nil || d != "/envs/prod" || f != "a.yaml" {
		t.Errorf("CleanedAbs(file) = %q, %q, %v", d, f, err)
	}
	d, f, err = fsys.CleanedAbs("envs/prod/sub/")
	if err != nil || d != "/envs/prod/sub" || f != "" {
		t.Errorf("CleanedAbs(dir) = %q, %q, %v", d, f, err)
	}
	if _, _, err := fsys.CleanedAbs("envs/nope"); err == nil {
		t.Error("CleanedAbs of a missing path: no error")
	}
	names, err := fsys.ReadDir("/envs/prod")
	if want := []string{".hidden.yaml", "a.yaml", "kustomization.yaml", "sub"}; err != nil || !slices.Equal(names, want) {
		t.Errorf("ReadDir = %v, %v; want %v", names, err, want)
	}
	f2, err := fsys.Open("envs/prod/sub/b.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := io.ReadAll(f2); string(data) != "b" {
		t.Errorf("Open+Read = %q, want \"b\"", data)
	}
}

func TestTreeFileSystemGlobAndWalk(t *testing.T) {
	t.Parallel()
	fsys := NewTreeFileSystem(tree)
	got, err := fsys.Glob("/envs/prod/*.yaml")
	if want := []string{"/envs/prod/a.yaml", "/envs/prod/kustomization.yaml"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("Glob = %v, %v; want %v (hidden files left out)", got, err, want)
	}
	var walked []string
	err = fsys.Walk("envs/prod", func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		walked = append(walked, p)
		return nil
	})
	want := []string{"/envs/prod", "/envs/prod/.hidden.yaml", "/envs/prod/a.yaml", "/envs/prod/kustomization.yaml", "/envs/prod/sub", "/envs/prod/sub/b.yaml"}
	if err != nil || !slices.Equal(walked, want) {
		t.Errorf("Walk = %v, %v; want %v", walked, err, want)
	}
}

func TestTreeFileSystemIsReadOnly(t *testing.T) {
	t.Parallel()
	fsys := NewTreeFileSystem(tree)
	errs := []error{
		fsys.WriteFile("envs/prod/a.yaml", []byte("x")),
		fsys.Mkdir("envs/new"),
		fsys.MkdirAll("envs/new/deeper"),
		fsys.RemoveAll("envs/prod"),
	}
	_, err := fsys.Create("envs/prod/c.yaml")
	errs = append(errs, err)
	f, _ := fsys.Open("envs/prod/a.yaml")
	_, err = f.Write([]byte("x"))
	errs = append(errs, err)
	for i, err := range errs {
		if !errors.Is(err, errReadOnly) {
			t.Errorf("write %d: %v, want a read-only error", i, err)
		}
	}
	if string(tree["envs/prod/a.yaml"].Data) != "a" || len(tree) != 4 {
		t.Error("the tree changed")
	}
}

func TestOverlayIsAValidFS(t *testing.T) {
	t.Parallel()
	o := Overlay(tree, map[string][]byte{
		"envs/prod/a.yaml":                []byte("A"),
		"envs/prod/config/x.env":          []byte("X=1\n"),
		"envs/staging/kustomization.yaml": []byte("resources: []\n"),
	})
	if err := fstest.TestFS(o, "envs/prod/a.yaml", "envs/prod/config/x.env", "envs/staging/kustomization.yaml", "envs/prod/sub/b.yaml"); err != nil {
		t.Fatal(err)
	}
	if data, _ := fs.ReadFile(o, "envs/prod/a.yaml"); string(data) != "A" {
		t.Errorf("overlaid file reads %q, want \"A\"", data)
	}
	entries, _ := fs.ReadDir(o, "envs")
	if len(entries) != 2 || entries[0].Name() != "prod" || entries[1].Name() != "staging" {
		t.Errorf("ReadDir(envs) = %v, want prod and staging", entries)
	}
}
