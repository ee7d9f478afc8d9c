package kustomize

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"testing/fstest"

	"sigs.k8s.io/kustomize/kyaml/openapi"
)

// TestRenderConcurrently builds many overlays at once, as the validation
// gate does on every core, and checks each result equals the serial
// build. Under -race (as CI runs it) it also proves that kustomize's
// builds, as promote calls them, share no unguarded state (the kind of
// global-state race kustomize has had: patches, generators, name
// references, namespaces and images all run here).
func TestRenderConcurrently(t *testing.T) {
	fsys := environment(4)
	const overlays = 8
	for i := range overlays {
		fsys[fmt.Sprintf("env%02d/kustomization.yaml", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"namespace: ns-%02d\nresources: [../prod]\nnamePrefix: p%02d-\nimages:\n- name: registry.example/app-01\n  newTag: \"9.%d\"\n", i, i, i))}
	}
	want := make([][]byte, overlays)
	for i := range overlays {
		want[i] = renderBytes(t, fsys, fmt.Sprintf("env%02d", i))
	}
	var wg sync.WaitGroup
	got := make([][]byte, overlays*2)
	for j := range overlays * 2 {
		wg.Go(func() { got[j] = renderBytes(t, fsys, fmt.Sprintf("env%02d", j%overlays)) })
	}
	wg.Wait()
	for j, g := range got {
		if !bytes.Equal(g, want[j%overlays]) {
			t.Fatalf("concurrent build %d of env%02d differs from the serial build", j, j%overlays)
		}
	}
}

func renderBytes(t *testing.T, fsys fstest.MapFS, dir string) []byte {
	r, err := Render(fsys, dir)
	if err != nil {
		t.Errorf("render %s: %v", dir, err)
		return nil
	}
	var b bytes.Buffer
	for _, res := range r.Resources {
		b.Write(res.YAML)
		b.WriteString("---\n")
	}
	return b.Bytes()
}

// TestSchemaSettingBuildsRunAlone builds overlays that set kustomize's
// process-wide OpenAPI schema (openapi: path) among ones that do not,
// concurrently: every build matches its serial build, and the default
// schema is back afterwards, as for a fresh kustomize process.
func TestSchemaSettingBuildsRunAlone(t *testing.T) {
	fsys := environment(2)
	const overlays = 6
	for i := range overlays {
		extra := ""
		if i%2 == 0 {
			extra = "openapi:\n  path: schema.json\n"
			fsys[fmt.Sprintf("env%02d/schema.json", i)] = &fstest.MapFile{Data: []byte(`{"definitions": {}}`)}
		}
		fsys[fmt.Sprintf("env%02d/kustomization.yaml", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"%snamespace: ns-%02d\nresources: [../prod]\nimages:\n- name: registry.example/app-01\n  newTag: \"9.%d\"\n", extra, i, i))}
	}
	def := openapi.GetSchemaVersion()
	want := make([][]byte, overlays)
	for i := range overlays {
		want[i] = renderBytes(t, fsys, fmt.Sprintf("env%02d", i))
		if v := openapi.GetSchemaVersion(); v != def {
			t.Fatalf("after building env%02d the schema is %q, want the default %q", i, v, def)
		}
	}
	var wg sync.WaitGroup
	got := make([][]byte, overlays*3)
	for j := range got {
		wg.Go(func() { got[j] = renderBytes(t, fsys, fmt.Sprintf("env%02d", j%overlays)) })
	}
	wg.Wait()
	for j, g := range got {
		if !bytes.Equal(g, want[j%overlays]) {
			t.Fatalf("concurrent build %d of env%02d differs from the serial build", j, j%overlays)
		}
	}
	if v := openapi.GetSchemaVersion(); v != def {
		t.Errorf("after the builds the schema is %q, want the default %q", v, def)
	}
}
