package promote

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestDrift(t *testing.T) {
	cfg := mustConfig(t, pipeline)
	fsys := fstest.MapFS{
		"envs/staging/kustomization.yaml":    file("resources: [replicas.yaml]\nimages:\n  - name: web\n    newTag: \"1.2\"\n"),
		"envs/staging/replicas.yaml":         file("kind: Deployment\nspec:\n  replicas: 2\n  paused: false\n"),
		"envs/staging/debug.yaml":            file("debug: true\n"),
		"envs/staging/config/app.properties": file("a=2\n"),
		"envs/prod/kustomization.yaml":       file("resources: [replicas.yaml]\nimages:\n  - name: web\n    newTag: \"1.1\"\n"),
		"envs/prod/replicas.yaml":            file("kind: Deployment\nspec:\n  replicas: 6\n  paused: false\n"),
		"envs/prod/hpa.yaml":                 file("max: 10\n"),
		"envs/prod/config/app.properties":    file("a=1\n"),
		"envs/prod/logo.png":                 file("\x89PNG\x00\x01"),
		"envs/staging/logo.png":              file("\x89PNG\x00\x02"),
	}
	d, err := NewDrift(cfg, Request{To: "prod"}, Trees{Source: fsys, Target: fsys}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Plan.Changes) != 2 {
		t.Errorf("plan: %q", describeChanges(d.Plan))
	}
	var got []string
	for _, f := range d.Files {
		got = append(got, f.State+" "+f.Name+" "+f.Source+" "+f.Target)
	}
	want := []string{
		"source-only debug.yaml envs/staging/debug.yaml ",
		"target-only hpa.yaml  envs/prod/hpa.yaml",
		"modified logo.png envs/staging/logo.png envs/prod/logo.png",
		"modified replicas.yaml envs/staging/replicas.yaml envs/prod/replicas.yaml",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("drift (the kustomization and the promoted file are fixed by the promotion):\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	patch := d.Files[3].Patch
	if !strings.HasPrefix(patch, "diff --git a/envs/staging/replicas.yaml b/envs/prod/replicas.yaml\nindex ") || !strings.Contains(patch, "--- a/envs/staging/replicas.yaml\n+++ b/envs/prod/replicas.yaml\n@@ -1,4 +1,4 @@\n kind: Deployment\n spec:\n-  replicas: 2\n+  replicas: 6\n   paused: false\n") {
		t.Errorf("patch:\n%s", patch)
	}
	if p := d.Files[2].Patch; !strings.Contains(p, "Binary files a/envs/staging/logo.png and b/envs/prod/logo.png differ") {
		t.Errorf("binary patch:\n%s", p)
	}
	if p := d.Files[1].Patch; !strings.Contains(p, "new file mode 100644") || !strings.Contains(p, "+max: 10\n") {
		t.Errorf("target-only patch:\n%s", p)
	}
	noPatch, err := NewDrift(cfg, Request{To: "prod"}, Trees{Source: fsys, Target: fsys}, false)
	if err != nil || noPatch.Files[3].Patch != "" {
		t.Errorf("patch without asking: %q, %v", noPatch.Files[3].Patch, err)
	}
}

func TestDriftOfIdenticalEnvironments(t *testing.T) {
	cfg := mustConfig(t, "environments:\n  - {name: a, path: a}\n  - {name: b, path: b, from: a}\n")
	k := file("images:\n  - name: web\n    newTag: \"1\"\n")
	fsys := fstest.MapFS{"a/kustomization.yaml": k, "b/kustomization.yaml": k}
	d, err := NewDrift(cfg, Request{To: "b"}, Trees{Source: fsys, Target: fsys}, true)
	if err != nil || !d.Plan.Empty() || len(d.Files) != 0 {
		t.Errorf("identical environments: plan %v, files %+v, %v", describeChanges(d.Plan), d.Files, err)
	}
}
