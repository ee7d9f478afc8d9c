package proposal

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitops-promote/promote/internal/testrepo"
	"github.com/gitops-promote/promote/internal/textdiff"
	"github.com/gitops-promote/promote/promote"
)

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
      - image: ghcr.io/acme/api:1.0
        name: api
      - image: quay.io/x/server:v1.0.0
        name: server
      - image: web:0.9
        name: web
`

// TestSetImageLikeKustomize runs `kustomize edit set image` and
// set-image on the same kustomizations (written the way kustomize writes
// them) and compares the lines each changes.
func TestSetImageLikeKustomize(t *testing.T) {
	bin := testrepo.KustomizeCLI(t)
	withImages := `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- deployment.yaml
images:
- name: quay.io/x/server
  newName: quay.io/x/server
  newTag: v1.0.0
- name: web
  newName: registry.local/web
  newTag: "1.0"
`
	noImages := `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- deployment.yaml
`
	for _, tt := range []struct{ name, kustomization, arg string }{
		{"ci tag bump keeps newName", withImages, "quay.io/x/server=quay.io/x/server:v1.1.0"},
		{"without newName clears it", withImages, "web:2.0"},
		{"star keeps newName", withImages, "web=*:3.0"},
		{"star keeps the tag", withImages, "quay.io/x/server=registry.local/server:*"},
		{"new name without a tag clears the tag", withImages, "web=registry.local/web2"},
		{"missing entry", noImages, "ghcr.io/acme/api:1.2.3"},
		{"missing entry with newName", noImages, "ghcr.io/acme/api=registry.local/api:1.2.3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := runKustomize(t, bin, tt.kustomization, tt.arg)
			got := runSetImage(t, tt.kustomization, tt.arg)
			wantDiff, gotDiff := changedLines(tt.kustomization, want), changedLines(tt.kustomization, got)
			if gotDiff != wantDiff {
				t.Errorf("set-image %s changed\n%s\nkustomize edit set image changed\n%s", tt.arg, gotDiff, wantDiff)
			}
		})
	}
}

func runKustomize(t *testing.T, bin, kustomization, arg string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range map[string]string{"kustomization.yaml": kustomization, "deployment.yaml": deployment} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, "edit", "set", "image", arg)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kustomize edit set image %s: %v\n%s", arg, err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func runSetImage(t *testing.T, kustomization, arg string) string {
	t.Helper()
	fsys := fstest.MapFS{
		"promote.yaml":           {Data: []byte("environments:\n  - {name: dev, path: env}\n")},
		"env/kustomization.yaml": {Data: []byte(kustomization)},
		"env/deployment.yaml":    {Data: []byte(deployment)},
	}
	cfg, err := promote.ParseConfig("promote.yaml", fsys["promote.yaml"].Data)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseImageSet(arg)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := SetImage("dev", "", []ImageSet{s})(cfg, fsys, plumbing.ZeroHash)
	if err != nil {
		t.Fatal(err)
	}
	edits, err := promote.Apply(plan, promote.Trees{Source: fsys, Target: fsys})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		if e.Path != "env/kustomization.yaml" {
			t.Fatalf("set-image edited %s", e.Path)
		}
		return string(e.Data)
	}
	return kustomization
}

// changedLines is the unified diff of a to b without context.
func changedLines(a, b string) string {
	return strings.TrimSpace(textdiff.Hunks(a, b, 0))
}

func TestParseImageSetRejects(t *testing.T) {
	for arg, want := range map[string]string{
		"*:1.0":                       "NAME cannot be *",
		"web=*:tag with space":        "without spaces",
		"Web=ghcr.io/acme/web:1":      `image name "Web": refused`,
		"web=ghcr.io/Acme/web:1":      `image name "ghcr.io/Acme/web": refused`,
		"web=ghcr.io/acme/web:-x":     `tag "-x"`,
		"web=ghcr.io/acme/web@sha256": `digest "sha256"`,
		"web":                         "expected a tag",
		"=ghcr.io/acme/web:1":         "expected NAME=IMAGE",
	} {
		if _, err := ParseImageSet(arg); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseImageSet(%q) = %v, want an error containing %q", arg, err, want)
		}
	}
}

// TestSetImageEditsWherePlanningReads sets images that no images: entry
// sets: in plain manifests and in an inline patch, byte-minimally.
func TestSetImageEditsWherePlanningReads(t *testing.T) {
	inline := `resources:
- ../../base
patches:
- target: {kind: Rollout}
  patch: |-
    - op: replace
      path: /spec/template/spec/containers/0/image
      value: argoproj/rollouts-demo:blue
`
	values := "replicaCount: 2\nimage:\n  repository: ghcr.io/acme/web # the app\n  tag: \"1.4.1\"\n"
	for _, tt := range []struct{ name, file, data, arg, want, err string }{
		{"helm image block", "env/values-dev.yaml", values, "web=*:1.5.0",
			strings.Replace(values, `"1.4.1"`, `"1.5.0"`, 1), ""},
		{"plain manifest", "env/deployment.yaml", deployment, "ghcr.io/acme/api=*:2.0",
			strings.Replace(deployment, "ghcr.io/acme/api:1.0", "ghcr.io/acme/api:2.0", 1), ""},
		{"inline patch", "env/kustomization.yaml", inline, "rollouts-demo=*:green",
			strings.Replace(inline, ":blue", ":green", 1), ""},
		{"unknown image", "env/deployment.yaml", deployment, "worker=ghcr.io/acme/worker:1", "",
			`no image "worker" in the kustomizations of env (images: ghcr.io/acme/api, quay.io/x/server, web); it runs ghcr.io/acme/api, quay.io/x/server, web`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"promote.yaml":        {Data: []byte("environments:\n  - {name: dev, path: env}\npromote:\n  helm: [{file: \"values-{env}.yaml\", paths: [image]}]\n")},
				"env/values-dev.yaml": {Data: []byte(values)},
			}
			fsys[tt.file] = &fstest.MapFile{Data: []byte(tt.data)}
			cfg, err := promote.ParseConfig("promote.yaml", fsys["promote.yaml"].Data)
			if err != nil {
				t.Fatal(err)
			}
			s, err := ParseImageSet(tt.arg)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := SetImage("dev", "", []ImageSet{s})(cfg, fsys, plumbing.ZeroHash)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			edits, err := promote.Apply(plan, promote.Trees{Source: fsys, Target: fsys})
			if err != nil || len(edits) != 1 {
				t.Fatalf("edits %v, %v", edits, err)
			}
			if string(edits[0].Data) != tt.want {
				t.Errorf("%s after set-image:\n%s\nwant\n%s", tt.file, edits[0].Data, tt.want)
			}
		})
	}
}

func TestParseImageSets(t *testing.T) {
	sets, err := ParseImageSets([]string{"web=ghcr.io/acme/web:1.5.0", "worker=*:2.1.0"})
	if err != nil || len(sets) != 2 || sets[1].name != "worker" || sets[1].tag != "2.1.0" {
		t.Errorf("ParseImageSets: %+v, %v", sets, err)
	}
	if _, err := ParseImageSets([]string{"web=ghcr.io/acme/web:1.5.0", "web=UPPER:1"}); err == nil || !strings.Contains(err.Error(), `"web=UPPER:1"`) {
		t.Errorf("a bad argument: %v", err)
	}
	if _, err := ParseImageSets(nil); err == nil || !strings.HasPrefix(err.Error(), "no image to set") {
		t.Errorf("no argument: %v", err)
	}
}
