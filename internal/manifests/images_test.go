package manifests

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gitops-promote/promote/internal/promotable"
	"github.com/gitops-promote/promote/internal/promotable/promotabletest"
)

func TestGolden(t *testing.T) {
	promotabletest.Golden(t, "testdata/golden", func(string) promotable.Scanner { return Images{} })
}

func TestScanFindsEveryContainer(t *testing.T) {
	fsys := fstest.MapFS{
		"env/all.yaml": {Data: []byte(`kind: Deployment
spec:
  template:
    spec:
      initContainers: [{name: init, image: "busybox:1.36"}]
      containers:
        - {name: web, image: "ghcr.io/acme/web:1.4.1@sha256:abc"}
        - {name: noimage}
        - {image: "unnamed:1"}
---
kind: ConfigMap
data: {image: "not-a-container:1"}
`)},
		"env/notes.txt":     {Data: []byte("image: ignored:1\n")},
		"env/.hidden/x.yml": {Data: []byte("kind: Pod\nspec: {containers: [{name: a, image: hidden:1}]}\n")},
	}
	got, err := Images{}.Scan(promotable.NewDir(fsys, "env"))
	if err != nil {
		t.Fatal(err)
	}
	var desc []string
	for _, f := range got {
		desc = append(desc, f.Name+"="+f.Value+"@"+f.At.Path)
	}
	want := "busybox=1.36@spec.template.spec.initContainers[name=init].image " +
		"ghcr.io/acme/web=1.4.1@sha256:abc@spec.template.spec.containers[name=web].image"
	if strings.Join(desc, " ") != want {
		t.Errorf("found %q\nwant  %q", strings.Join(desc, " "), want)
	}
}

func TestScanOnlyKustomizationFiles(t *testing.T) {
	// With a kustomization, only the files it names inside the directory
	// are manifests: an unlisted file is not read.
	fsys := fstest.MapFS{
		"env/kustomization.yaml":     {Data: []byte("resources: [deploy.yaml, ../base, sub]\n")},
		"env/deploy.yaml":            {Data: []byte("kind: Pod\nspec: {containers: [{name: a, image: listed:1}]}\n")},
		"env/stray.yaml":             {Data: []byte("kind: Pod\nspec: {containers: [{name: a, image: stray:1}]}\n")},
		"env/sub/kustomization.yaml": {Data: []byte("resources: [pod.yaml]\npatchesStrategicMerge: [patch.yaml]\n")},
		"env/sub/pod.yaml":           {Data: []byte("kind: Pod\nspec: {containers: [{name: b, image: nested:1}]}\n")},
		"env/sub/patch.yaml":         {Data: []byte("kind: Pod\nspec: {containers: [{name: b, image: nested:2}]}\n")},
		"base/deploy.yaml":           {Data: []byte("kind: Pod\nspec: {containers: [{name: a, image: base:1}]}\n")},
	}
	got, err := Images{}.Scan(promotable.NewDir(fsys, "env"))
	if err != nil {
		t.Fatal(err)
	}
	var desc []string
	for _, f := range got {
		desc = append(desc, f.File+":"+f.Name+":"+f.Value)
	}
	want := "env/sub/patch.yaml:nested:2 env/deploy.yaml:listed:1 env/sub/pod.yaml:nested:1"
	if strings.Join(desc, " ") != want {
		t.Errorf("found %q\nwant  %q (patches before resources, outer kustomizations first)", strings.Join(desc, " "), want)
	}
}

func TestScanBadYAML(t *testing.T) {
	fsys := fstest.MapFS{"env/bad.yaml": {Data: []byte("kind: Pod\nspec: [image\n")}}
	_, err := Images{}.Scan(promotable.NewDir(fsys, "env"))
	if err == nil || !strings.Contains(err.Error(), "env/bad.yaml:") || !strings.Contains(err.Error(), "invalid YAML") {
		t.Errorf("error %v, want one naming env/bad.yaml and its line", err)
	}
}

func TestParseImage(t *testing.T) {
	for ref, want := range map[string]promotable.Image{
		"nginx":                           {Name: "nginx"},
		"nginx:1.27":                      {Name: "nginx", Tag: "1.27"},
		"registry.local:5000/team/app":    {Name: "registry.local:5000/team/app"},
		"registry.local:5000/team/app:v2": {Name: "registry.local:5000/team/app", Tag: "v2"},
		"ghcr.io/a/b:1.0@sha256:abc":      {Name: "ghcr.io/a/b", Tag: "1.0", Digest: "sha256:abc"},
		"ghcr.io/a/b@sha256:abc":          {Name: "ghcr.io/a/b", Digest: "sha256:abc"},
	} {
		if got := promotable.ParseImage(ref); got != want {
			t.Errorf("ParseImage(%q) = %+v, want %+v", ref, got, want)
		}
		if got := want.String(); got != ref {
			t.Errorf("%+v.String() = %q, want %q", want, got, ref)
		}
	}
}

func TestEditMultiLineScalarIsAnError(t *testing.T) {
	data := []byte("kind: Pod\nspec:\n  containers:\n  - name: debug\n    image: >-\n      ghcr.io/acme/debug:0.1\n")
	e := promotable.Edit{At: promotable.Locator{Scanner: ScannerName, Path: "spec.containers[name=debug].image"},
		File: "env/pod.yaml", Name: "ghcr.io/acme/debug", Old: "0.1", New: "0.2", Image: &promotable.Image{Tag: "0.2"}}
	_, err := Images{}.Edit(data, e)
	if err == nil || !strings.Contains(err.Error(), "env/pod.yaml:5: set ghcr.io/acme/debug: value is a multi-line scalar") {
		t.Errorf("error %v, want one naming env/pod.yaml:5 and the multi-line scalar", err)
	}
}

func TestImagesSetByKustomizationAreLeftToIt(t *testing.T) {
	fsys := fstest.MapFS{
		"env/kustomization.yaml": {Data: []byte("resources: [deploy.yaml]\nimages: [{name: web, newTag: '2'}]\n")},
		"env/deploy.yaml":        {Data: []byte("kind: Deployment\nspec: {template: {spec: {containers: [{name: a, image: 'web:1'}, {name: b, image: 'sidecar:1'}]}}}\n")},
	}
	got, err := Images{}.Scan(promotable.NewDir(fsys, "env"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "sidecar" {
		t.Errorf("found %+v, want only sidecar: web is set by the kustomization's images: entry", got)
	}
}
