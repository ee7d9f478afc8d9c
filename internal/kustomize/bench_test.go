package kustomize

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// environment200 is an overlay on a base of 50 apps, each a Deployment,
// a Service, a ServiceAccount and a generated ConfigMap: 200 resources,
// with a namespace, an image entry per app and a patch per app.
func environment200() fstest.MapFS { return environment(50) }

// environment is an overlay on a base of n apps of four resources each.
func environment(n int) fstest.MapFS {
	fsys := fstest.MapFS{}
	var base, overlay strings.Builder
	base.WriteString("resources:\n")
	overlay.WriteString("namespace: prod\nresources:\n- ../base\nimages:\n")
	var patches strings.Builder
	patches.WriteString("patches:\n")
	var gens strings.Builder
	gens.WriteString("configMapGenerator:\n")
	for i := range n {
		app := fmt.Sprintf("app-%02d", i)
		fmt.Fprintf(&base, "- %s.yaml\n", app)
		fsys["base/"+app+".yaml"] = &fstest.MapFile{Data: []byte(fmt.Sprintf(appManifests, app))}
		fmt.Fprintf(&overlay, "- name: registry.example/%s\n  newTag: \"1.%d.0\"\n", app, i)
		fmt.Fprintf(&patches, "- target: {kind: Deployment, name: %s}\n  patch: '[{\"op\": \"replace\", \"path\": \"/spec/replicas\", \"value\": 3}]'\n", app)
		fmt.Fprintf(&gens, "- name: %s-config\n  literals: [LOG_LEVEL=info, APP=%s]\n", app, app)
	}
	fsys["base/kustomization.yaml"] = &fstest.MapFile{Data: []byte(base.String())}
	fsys["prod/kustomization.yaml"] = &fstest.MapFile{Data: []byte(overlay.String() + patches.String() + gens.String())}
	return fsys
}

const appManifests = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: %[1]s
  labels: {app: %[1]s}
spec:
  replicas: 1
  selector:
    matchLabels: {app: %[1]s}
  template:
    metadata:
      labels: {app: %[1]s}
    spec:
      serviceAccountName: %[1]s
      containers:
      - name: %[1]s
        image: registry.example/%[1]s
        envFrom:
        - configMapRef: {name: %[1]s-config}
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: %[1]s
spec:
  selector: {app: %[1]s}
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: %[1]s
`

// BenchmarkRender200 builds a 200-resource environment in process.
func BenchmarkRender200(b *testing.B) {
	fsys := environment200()
	r, err := Render(fsys, "prod")
	if err != nil {
		b.Fatal(err)
	}
	if len(r.Resources) != 200 {
		b.Fatalf("rendered %d resources, want 200", len(r.Resources))
	}
	for b.Loop() {
		if _, err := Render(fsys, "prod"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderApp builds one app's environment (an overlay with a
// namespace, an image, a patch and a generated ConfigMap over a base of
// four resources): the unit a gated run builds twice per changed app.
func BenchmarkRenderApp(b *testing.B) {
	fsys := environment(1)
	b.ReportAllocs()
	for b.Loop() {
		r, _, err := renderShared(fsys, "prod")
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Resources) != 4 {
			b.Fatalf("rendered %d resources, want 4", len(r.Resources))
		}
	}
}

// BenchmarkOverlay10000 lays the edited kustomizations of 10,000 apps
// over a tree, as a gated run of a whole monorepo does before rendering.
func BenchmarkOverlay10000(b *testing.B) {
	files := map[string][]byte{}
	for i := range 10000 {
		files[fmt.Sprintf("apps/app%05d/overlays/prod/kustomization.yaml", i)] = []byte("images: []\n")
	}
	base := fstest.MapFS{}
	b.ReportAllocs()
	for b.Loop() {
		o := Overlay(base, files)
		entries, err := fs.ReadDir(o, "apps")
		if err != nil || len(entries) != 10000 {
			b.Fatalf("ReadDir(apps) = %d entries, %v", len(entries), err)
		}
	}
}
