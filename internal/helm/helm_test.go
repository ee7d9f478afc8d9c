package helm

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gitops-promote/promote/internal/promotable"
	"github.com/gitops-promote/promote/internal/promotable/promotabletest"
)

func TestValuesGolden(t *testing.T) {
	scanners := map[string]Values{
		"values-paths":       {Files: []ValuesFile{{File: "values.yaml", Paths: []string{"image.tag", "worker.image.tag", "appVersion"}}}},
		"values-image-block": {Files: []ValuesFile{{File: "values-prod.yaml", Paths: []string{"image", "sidecar.image"}}}},
		"values-added":       {Files: []ValuesFile{{File: "values.yaml", Paths: []string{"image.tag", "featureFlags.checkoutV2"}}}},
	}
	promotabletest.Golden(t, "testdata/golden", func(name string) promotable.Scanner {
		if strings.HasPrefix(name, "charts-") {
			return Charts{}
		}
		sc, ok := scanners[name]
		if !ok {
			t.Fatalf("no scanner for case %s", name)
		}
		return sc
	})
}

func TestValuesErrors(t *testing.T) {
	fsys := fstest.MapFS{
		"env/values.yaml": {Data: []byte("image:\n  tags: [1, 2]\nempty: {}\n")},
	}
	for _, tt := range []struct {
		v    Values
		want string
	}{
		{Values{Files: []ValuesFile{{File: "missing.yaml", Paths: []string{"a"}}}}, "helm: values file env/missing.yaml does not exist"},
		{Values{Files: []ValuesFile{{File: "values.yaml", Paths: []string{"image.tags"}}}}, "env/values.yaml:2: helm: image.tags: expected a value or an image block (repository, tag, digest), found a list"},
		{Values{Files: []ValuesFile{{File: "values.yaml", Paths: []string{"empty"}}}}, "env/values.yaml:3: helm: empty: expected a value or an image block"},
	} {
		_, err := tt.v.Scan(promotable.NewDir(fsys, "env"))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("error %v\nwant it to contain %q", err, tt.want)
		}
	}
}

func TestValuesAddNeedsParent(t *testing.T) {
	v := Values{Files: []ValuesFile{{File: "values.yaml", Paths: []string{"worker.image.tag"}}}}
	fsys := fstest.MapFS{
		"src/values.yaml": {Data: []byte("worker: {image: {tag: '2'}}\n")},
		"dst/values.yaml": {Data: []byte("image: {tag: '1'}\n")},
	}
	src, err := v.Scan(promotable.NewDir(fsys, "src"))
	if err != nil || len(src) != 1 {
		t.Fatalf("scan: %v %v", src, err)
	}
	_, _, err = v.Add(promotable.NewDir(fsys, "dst"), src[0])
	if err == nil || !strings.Contains(err.Error(), "dst/values.yaml has no worker.image to add it to") {
		t.Errorf("error %v, want one saying worker.image is missing", err)
	}
}

func TestChartsKeys(t *testing.T) {
	fsys := fstest.MapFS{"env/app.yaml": {Data: []byte(`apiVersion: argoproj.io/v1alpha1
kind: Application
spec: {source: {repoURL: "https://github.com/acme/web.git", path: deploy, targetRevision: main}}
---
apiVersion: example.com/v1
kind: Application
spec: {source: {chart: other, targetRevision: "1"}}
`)}}
	got, err := Charts{}.Scan(promotable.NewDir(fsys, "env"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "https://github.com/acme/web" || got[0].Value != "main" || got[0].Line != 3 {
		t.Errorf("found %+v, want the Argo CD git source only, named by its repoURL", got)
	}
}
