package kustomize

import (
	"sync"
	"testing"
	"testing/fstest"
)

// TestCacheParsesOnce checks that readers through one Cache, at the same
// time, share one parse of each file, keep the parsed documents only of
// kustomizations with patches, and share errors too.
func TestCacheParsesOnce(t *testing.T) {
	fsys := fstest.MapFS{
		"prod/kustomization.yaml":    {Data: []byte("resources:\n- ../base\nimages:\n- name: web\n  newTag: \"1.0\"\n")},
		"staging/kustomization.yaml": {Data: []byte("patches:\n- path: p.yaml\nimages:\n- name: web\n  newTag: \"1.1\"\n")},
		"broken/kustomization.yaml":  {Data: []byte("images: [\n")},
	}
	var c Cache
	var wg sync.WaitGroup
	got := make([][]*Kustomization, 8)
	for i := range got {
		wg.Go(func() {
			for _, dir := range []string{"prod", "staging"} {
				ks, err := CollectWith(fsys, dir, &c)
				if err != nil {
					t.Error(err)
					return
				}
				got[i] = append(got[i], ks...)
			}
		})
	}
	wg.Wait()
	for i := range got {
		if len(got[i]) != 2 || got[i][0] != got[0][0] || got[i][1] != got[0][1] {
			t.Fatalf("reader %d got other kustomizations than reader 0", i)
		}
	}
	prod, staging := got[0][0], got[0][1]
	if prod.Docs != nil || staging.Docs == nil {
		t.Errorf("docs kept: prod %v, staging %v; want only staging's (it has patches)", prod.Docs != nil, staging.Docs != nil)
	}
	if len(prod.Images) != 1 || prod.Images[0].NewTag != "1.0" || len(prod.Dirs) != 1 {
		t.Errorf("prod = %+v", prod)
	}
	_, err1 := CollectWith(fsys, "broken", &c)
	_, err2 := CollectWith(fsys, "broken", &c)
	_, want := Collect(fsys, "broken")
	if err1 == nil || err1 != err2 || err1.Error() != want.Error() {
		t.Errorf("errors %v, %v; want the same error twice: %v", err1, err2, want)
	}
}

// TestCollectFindsTheFirstName checks that Collect, which reads the
// kustomization names in turn instead of looking for them first, finds
// the same file Find does and reports the same errors.
func TestCollectFindsTheFirstName(t *testing.T) {
	fsys := fstest.MapFS{
		"yml/kustomization.yml":         {Data: []byte("images:\n- name: a\n  newTag: \"1\"\n")},
		"both/kustomization.yaml":       {Data: []byte("images:\n- name: b\n  newTag: \"1\"\n")},
		"both/Kustomization":            {Data: []byte("images:\n- name: c\n  newTag: \"1\"\n")},
		"upper/Kustomization":           {Data: []byte("images:\n- name: d\n  newTag: \"1\"\n")},
		"dir/kustomization.yaml/x":      {Data: []byte("x")},
		"bad/kustomization.yaml":        {Data: []byte("images: [\n")},
		"none/deploy.yaml":              {Data: []byte("kind: Deployment\n")},
		"file":                          {Data: []byte("x")},
		"nested/kustomization.yaml":     {Data: []byte("components:\n- comp\n")},
		"nested/comp/kustomization.yml": {Data: []byte("images:\n- name: e\n  newTag: \"1\"\n")},
	}
	for _, dir := range []string{"yml", "both", "upper", "dir", "bad", "none", "file", "missing", "nested"} {
		ks, err := Collect(fsys, dir)
		top, ferr := Find(fsys, dir)
		switch {
		case ferr != nil || top == "":
			if err == nil {
				t.Errorf("%s: Collect found %d kustomizations, Find %q, %v", dir, len(ks), top, ferr)
			}
		case err != nil:
			if _, rerr := Read(fsys, top); rerr == nil || rerr.Error() != err.Error() {
				t.Errorf("%s: Collect error %v, reading %s gives %v", dir, err, top, rerr)
			}
		case ks[0].File != top:
			t.Errorf("%s: Collect read %s first, Find finds %s", dir, ks[0].File, top)
		}
	}
	if ks, err := Collect(fsys, "nested"); err != nil || len(ks) != 2 || ks[1].File != "nested/comp/kustomization.yml" {
		t.Errorf("nested: %d kustomizations, %v", len(ks), err)
	}
}

// TestCacheKeepsDocsEveryScannerReads: the documents are kept for every
// field whose scanner reads them (remote bases, Helm charts, patches),
// so none parses the file a second time.
func TestCacheKeepsDocsEveryScannerReads(t *testing.T) {
	fsys := fstest.MapFS{
		"remote/kustomization.yaml": {Data: []byte("resources:\n- https://github.com/acme/base//deploy?ref=v1.2.0\n")},
		"helm/kustomization.yaml":   {Data: []byte("helmCharts:\n- name: podinfo\n  version: 6.7.0\n  repo: https://stefanprodan.github.io/podinfo\n")},
		"patch/kustomization.yaml":  {Data: []byte("patchesStrategicMerge:\n- p.yaml\n")},
		"plain/kustomization.yaml":  {Data: []byte("images:\n- name: web\n  newTag: \"1.0\"\n")},
	}
	var c Cache
	for dir, want := range map[string]bool{"remote": true, "helm": true, "patch": true, "plain": false} {
		ks, err := CollectWith(fsys, dir, &c)
		if err != nil || len(ks) != 1 {
			t.Fatalf("%s: %d kustomizations, %v", dir, len(ks), err)
		}
		if got := ks[0].Docs != nil; got != want {
			t.Errorf("%s: docs kept %v, want %v", dir, got, want)
		}
	}
}
