package kustomize

import (
	"testing"
)

// FuzzParse reads any kustomization: Parse never panics, an error names
// the file, and every image read names its line in the file.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"resources: [../base, deploy.yaml]\nimages:\n  - {name: web, newName: ghcr.io/a/web, newTag: \"1.2\", digest: sha256:00}\n",
		"images:\n- name: a\n  newTag: 1.10\n- name: b\n  digest: x\ncomponents: [../c]\nbases: [../../b]\n",
		"images: null\n", "[]\n", "images: [1, [2]]\n", "a: &a [x]\nb: [*a, *a]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := Parse("env/kustomization.yaml", data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		for _, img := range k.Images {
			if img.File != "env/kustomization.yaml" || img.Line <= 0 {
				t.Fatalf("image without its place: %+v", img)
			}
		}
		for _, d := range k.Dirs {
			if d == "" {
				t.Fatal("an empty resource path")
			}
		}
	})
}
