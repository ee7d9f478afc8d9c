package kustomize

import (
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/internal/testrepo"
)

// layered is an overlay whose build reads a base, a component, a patch
// and a globbed directory of the base: every kind of input a build has.
func layered() map[string][]byte {
	return map[string][]byte{
		"base/kustomization.yaml":       []byte("resources: [web.yaml, extra]\n"),
		"base/web.yaml":                 []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: web, image: ghcr.io/acme/web:1.0}\n"),
		"base/extra/kustomization.yaml": []byte("resources: [cm.yaml]\n"),
		"base/extra/cm.yaml":            []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {a: \"1\"}\n"),
		"comp/kustomization.yaml":       []byte("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels:\n- pairs: {team: blue}\n"),
		"prod/kustomization.yaml":       []byte("namespace: prod\nresources: [../base]\ncomponents: [../comp]\npatches:\n- path: replicas.yaml\nimages:\n- {name: ghcr.io/acme/web, newTag: \"1.1\"}\n"),
		"prod/replicas.yaml":            []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n"),
	}
}

func mapFS(files map[string][]byte) fstest.MapFS {
	out := fstest.MapFS{}
	for name, data := range files {
		out[name] = &fstest.MapFile{Data: data}
	}
	return out
}

// uncached builds dir without any cache.
func uncached(t *testing.T, fsys fs.FS, dir string) string {
	t.Helper()
	r, _, err := renderShared(fsys, dir)
	return describe(r, err)
}

// TestCacheBuildsEachContentOnce: the same directory on two trees with
// the same content is built once; the kept result is the build's.
func TestRenderCacheBuildsEachContentOnce(t *testing.T) {
	c := NewRenderCache(nil)
	for range 3 {
		fsys := mapFS(layered())
		r, err := c.Render(fsys, "prod")
		if got, want := describe(r, err), uncached(t, fsys, "prod"); got != want {
			t.Fatalf("cached render differs:\n%s\nwant\n%s", got, want)
		}
	}
	if builds, hits := c.Stats(); builds != 1 || hits != 2 {
		t.Errorf("%d builds and %d hits, want 1 and 2", builds, hits)
	}
}

// TestCacheChangedInputRebuilds: changing any file the build reads (the
// overlay, a patch, the base, a nested base, a component) or adding a
// kustomization file kustomize looks for makes the next render build
// again, in memory and on disk, and return the new result.
func TestRenderCacheChangedInputRebuilds(t *testing.T) {
	changes := map[string]func(map[string][]byte){
		"overlay": func(f map[string][]byte) {
			f["prod/kustomization.yaml"] = []byte(strings.Replace(string(f["prod/kustomization.yaml"]), "1.1", "1.2", 1))
		},
		"patch": func(f map[string][]byte) {
			f["prod/replicas.yaml"] = []byte(strings.Replace(string(f["prod/replicas.yaml"]), "3", "5", 1))
		},
		"base": func(f map[string][]byte) {
			f["base/web.yaml"] = []byte(strings.Replace(string(f["base/web.yaml"]), "name: web}", "name: web, labels: {x: y}}", 1))
		},
		"nested": func(f map[string][]byte) {
			f["base/extra/cm.yaml"] = []byte(strings.Replace(string(f["base/extra/cm.yaml"]), `"1"`, `"2"`, 1))
		},
		"component": func(f map[string][]byte) {
			f["comp/kustomization.yaml"] = []byte(strings.Replace(string(f["comp/kustomization.yaml"]), "blue", "green", 1))
		},
		"second kustomization": func(f map[string][]byte) {
			f["base/extra/kustomization.yml"] = []byte("resources: [cm.yaml]\n")
		},
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			disk := OpenDiskCache(t.TempDir())
			files := layered()
			mem := NewRenderCache(nil)
			firstCache := NewRenderCache(disk)
			first, err := firstCache.Render(mapFS(files), "prod")
			if err != nil {
				t.Fatal(err)
			}
			firstCache.Close()
			if _, err := mem.Render(mapFS(files), "prod"); err != nil {
				t.Fatal(err)
			}
			change(files)
			fsys := mapFS(files)
			want := uncached(t, fsys, "prod")
			if want == describe(first, nil) {
				t.Fatal("the change does not change the build: the test proves nothing")
			}
			// A later process (the disk holds the old build), and the
			// same process (its memory holds the old build).
			for i, c := range []*RenderCache{NewRenderCache(disk), mem} {
				before, _ := c.Stats()
				r, err := c.Render(fsys, "prod")
				if got := describe(r, err); got != want {
					t.Errorf("after the change the cache returned\n%s\nwant\n%s", got, want)
				}
				if after, _ := c.Stats(); after != before+1 {
					t.Errorf("cache %d: the changed tree was not built", i)
				}
			}
		})
	}
}

// TestDiskCacheReusesBuildsAcrossProcesses: a new cache on the same
// directory (a later process) builds nothing on unchanged input, read
// from a Git tree (files compared by their blob hashes) with edits laid
// over it.
func TestDiskCacheReusesBuildsAcrossProcesses(t *testing.T) {
	repoDir := t.TempDir()
	commit, err := testrepo.InitGit(repoDir, layered())
	if err != nil {
		t.Fatal(err)
	}
	repo, err := gitrepo.Open(repoDir)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := repo.TreeFS(commit)
	if err != nil {
		t.Fatal(err)
	}
	edited := Overlay(tree, map[string][]byte{"prod/replicas.yaml": []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 7}\n")})
	cacheDir := filepath.Join(repo.GitDir(), "promote", "renders")
	first := NewRenderCache(OpenDiskCache(cacheDir))
	for _, fsys := range []fs.FS{tree, edited} {
		if _, err := first.Render(fsys, "prod"); err != nil {
			t.Fatal(err)
		}
	}
	first.Close()
	later := NewRenderCache(OpenDiskCache(cacheDir))
	for _, fsys := range []fs.FS{tree, edited} {
		r, err := later.Render(fsys, "prod")
		if got, want := describe(r, err), uncached(t, fsys, "prod"); got != want {
			t.Errorf("kept build differs:\n%s\nwant\n%s", got, want)
		}
	}
	if builds, hits := later.Stats(); builds != 0 || hits != 2 {
		t.Errorf("the later process made %d builds and %d hits, want 0 and 2", builds, hits)
	}
	// A base file changed over the same commit is told by its hash.
	base := Overlay(tree, map[string][]byte{"base/extra/cm.yaml": []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {a: \"9\"}\n")})
	r, err := later.Render(base, "prod")
	if got, want := describe(r, err), uncached(t, base, "prod"); got != want || !strings.Contains(got, `a: "9"`) {
		t.Errorf("after changing the base got\n%s\nwant\n%s", got, want)
	}
	if builds, _ := later.Stats(); builds != 1 {
		t.Errorf("%d builds after changing the base, want 1", builds)
	}
}

// TestDiskCacheKeepsOnlyReproducibleBuilds: builds that left out a
// remote base, printed a deprecation warning or failed are not kept on
// disk.
func TestDiskCacheKeepsOnlyReproducibleBuilds(t *testing.T) {
	cm := []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
	for name, kust := range map[string]string{
		"remote":     "resources: [cm.yaml, https://github.com/acme/x//k?ref=v1]\n",
		"deprecated": "resources: [cm.yaml]\ncommonLabels: {a: b}\n",
		"broken":     "resources: [cm.yaml, missing.yaml]\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			fsys := fstest.MapFS{"env/kustomization.yaml": {Data: []byte(kust)}, "env/cm.yaml": {Data: cm}}
			want, wantErr := Render(fsys, "env")
			c := NewRenderCache(OpenDiskCache(dir))
			got, err := c.Render(fsys, "env")
			if describe(got, err) != describe(want, wantErr) {
				t.Errorf("cached build differs:\n%s\nwant\n%s", describe(got, err), describe(want, wantErr))
			}
			c.Close()
			if p := packs(t, dir); len(p) != 0 {
				t.Errorf("the build was kept on disk in %v", p)
			}
		})
	}
}

// TestCachePastItsBudgetKeepsOnlyThatItBuilds: past the memory budget
// a build is kept as having succeeded: Builds answers from it, Render
// builds again and returns the whole rendering.
func TestRenderCachePastItsBudgetKeepsOnlyThatItBuilds(t *testing.T) {
	fsys := mapFS(layered())
	probe := NewRenderCache(nil)
	if _, err := probe.Render(fsys, "prod"); err != nil {
		t.Fatal(err)
	}
	kept := probe.entries["prod"][0]
	c := NewRenderCache(nil)
	// Room for what the build observed, not for its rendering.
	c.budget = (&renderEntry{obs: kept.obs}).size()
	if kept.size() <= c.budget {
		t.Fatal("the rendering takes no room: the test proves nothing")
	}
	if err := c.Builds(fsys, "prod"); err != nil {
		t.Fatal(err)
	}
	if err := c.Builds(fsys, "prod"); err != nil {
		t.Fatal(err)
	}
	if builds, hits := c.Stats(); builds != 1 || hits != 1 {
		t.Errorf("Builds: %d builds and %d hits, want 1 and 1", builds, hits)
	}
	r, err := c.Render(fsys, "prod")
	if got, want := describe(r, err), uncached(t, fsys, "prod"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if builds, _ := c.Stats(); builds != 2 {
		t.Errorf("%d builds, want 2: a build kept without its rendering was returned", builds)
	}
}

// TestCacheConcurrently renders two contents of the same directory from
// many goroutines through caches sharing one directory on disk, as the
// safety net and the gate do on every core and concurrent runs do: each
// result is its content's build.
func TestRenderCacheConcurrently(t *testing.T) {
	dir := t.TempDir()
	files := layered()
	trees := []fs.FS{mapFS(files), nil}
	files["prod/replicas.yaml"] = []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 9}\n")
	trees[1] = mapFS(files)
	want := []string{uncached(t, trees[0], "prod"), uncached(t, trees[1], "prod")}
	caches := []*RenderCache{NewRenderCache(OpenDiskCache(dir)), NewRenderCache(OpenDiskCache(dir))}
	var wg sync.WaitGroup
	got := make([]string, 16)
	for i := range got {
		wg.Go(func() {
			r, err := caches[i%2].Render(trees[i/2%2], "prod")
			got[i] = describe(r, err)
		})
	}
	wg.Wait()
	for i, g := range got {
		if g != want[i/2%2] {
			t.Errorf("render %d:\n%s\nwant\n%s", i, g, want[i/2%2])
		}
	}
	for _, c := range caches {
		c.Close()
	}
	later := NewRenderCache(OpenDiskCache(dir))
	for i, fsys := range trees {
		r, err := later.Render(fsys, "prod")
		if g := describe(r, err); g != want[i] {
			t.Errorf("kept render %d:\n%s\nwant\n%s", i, g, want[i])
		}
	}
	if builds, _ := later.Stats(); builds != 0 {
		t.Errorf("%d builds after two processes kept both contents, want 0", builds)
	}
}
