package kustomize

import (
	"bytes"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/gitops-promote/promote/internal/testrepo"
)

// parityCase is a kustomization tree from testdata/parity: its files,
// and the directory to build (the archive's "build" file).
type parityCase struct {
	name  string
	dir   string
	files fstest.MapFS
}

func parityCases(t *testing.T) []parityCase {
	t.Helper()
	names, err := filepath.Glob("testdata/parity/*.txtar")
	if err != nil || len(names) == 0 {
		t.Fatalf("no parity cases: %v", err)
	}
	var out []parityCase
	for _, name := range names {
		a, err := txtar.ParseFile(name)
		if err != nil {
			t.Fatal(err)
		}
		c := parityCase{name: strings.TrimSuffix(filepath.Base(name), ".txtar"), files: fstest.MapFS{}}
		for _, f := range a.Files {
			if f.Name == "build" {
				c.dir = strings.TrimSpace(string(f.Data))
				continue
			}
			c.files[f.Name] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
		}
		if c.dir == "" {
			t.Fatalf("%s: no build file naming the directory to build", name)
		}
		out = append(out, c)
	}
	return out
}

// cliBuild runs kustomize build on the case written to a directory.
func cliBuild(t *testing.T, bin string, c parityCase) string {
	t.Helper()
	root := t.TempDir()
	for name, f := range c.files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "build", filepath.Join(root, filepath.FromSlash(c.dir)))
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kustomize build %s: %v\n%s", c.dir, err, stderr.String())
	}
	return string(out)
}

// joined prints a rendering as kustomize build does, its documents in
// sorted order: the CLI reorders resources (kind first), Render keeps
// kustomize's own order.
func joined(r *Rendering) string {
	docs := make([]string, len(r.Resources))
	for i, res := range r.Resources {
		docs[i] = string(res.YAML)
	}
	slices.Sort(docs)
	return strings.Join(docs, "---\n")
}

// sortedDocs puts the documents of kustomize build's output in sorted
// order.
func sortedDocs(out string) string {
	docs := strings.Split(out, "---\n")
	slices.Sort(docs)
	return strings.Join(docs, "---\n")
}

// TestRenderMatchesKustomizeCLI builds each tree of testdata/parity in
// process and with the kustomize CLI of the same release, unpatched,
// and wants the same documents, byte for byte: the patch promote carries to kustomize
// (third_party/kustomize) changes how fast a build is, never what it
// prints. The in-process builds run concurrently, several times each,
// so builds with different transformer configurations share the
// process as they do in a gated run.
func TestRenderMatchesKustomizeCLI(t *testing.T) {
	bin := testrepo.KustomizeCLI(t)
	cases := parityCases(t)
	want := make([]string, len(cases))
	for i, c := range cases {
		want[i] = sortedDocs(cliBuild(t, bin, c))
	}
	const rounds = 4
	got := make([][]string, len(cases))
	errs := make([][]error, len(cases))
	var wg sync.WaitGroup
	for i, c := range cases {
		got[i] = make([]string, rounds)
		errs[i] = make([]error, rounds)
		for round := range rounds {
			wg.Go(func() {
				r, err := Render(c.files, c.dir)
				if err == nil {
					got[i][round] = joined(r)
				}
				errs[i][round] = err
			})
		}
	}
	wg.Wait()
	for i, c := range cases {
		for round := range rounds {
			if errs[i][round] != nil {
				t.Errorf("%s: render %s: %v", c.name, path.Clean(c.dir), errs[i][round])
				continue
			}
			if got[i][round] != want[i] {
				t.Errorf("%s: render %s differs from kustomize build:\n--- promote\n%s\n--- kustomize\n%s", c.name, c.dir, got[i][round], want[i])
				break
			}
		}
	}
}
