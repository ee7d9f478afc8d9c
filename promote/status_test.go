package promote

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestStatus(t *testing.T) {
	cfg := mustConfig(t, pipeline)
	fsys := exampleTree()
	fsys["envs/dev/kustomization.yaml"] = file("images:\n  - name: ghcr.io/acme/web\n    newTag: \"1.4.2\"\n")
	fsys["envs/dev/config/app.properties"] = file("level=info\n")
	s := NewStatus(cfg, fsys)
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	var envs []string
	for _, e := range s.Environments {
		envs = append(envs, e.Name)
	}
	if strings.Join(envs, " ") != "dev staging prod" {
		t.Errorf("environments %q, want config order", envs)
	}
	prod := s.Environments[2].Apps[0]
	web, ok := prod.Image("ghcr.io/acme/web")
	if !ok || web.NewTag != "1.4.1" || len(prod.Images) != 3 || prod.Files["config/app.properties"] != shortHash([]byte("level=debug\n")) {
		t.Errorf("prod snapshot %+v: web %+v", prod, web)
	}
	worker, _ := s.Environments[1].Apps[0].Image("ghcr.io/acme/worker")
	if worker.NewTag != "2.0.1" || !strings.HasPrefix(worker.Digest, "sha256:0123") {
		t.Errorf("staging worker %+v", worker)
	}
	if len(s.Pipeline) != 2 {
		t.Fatalf("pipeline %+v", s.Pipeline)
	}
	dev, staging := s.Pipeline[0], s.Pipeline[1]
	if dev.From != "dev" || dev.To != "staging" || !dev.Behind {
		t.Errorf("dev → staging: %+v", dev)
	}
	want := planOf(t, cfg, Request{To: "prod"}, fsys)
	if staging.To != "prod" || !staging.Behind || len(staging.Changes) != len(want.Changes) || !s.Lagging() {
		t.Errorf("staging → prod: behind %v by %d changes", staging.Behind, len(staging.Changes))
	}
}

func TestStatusUpToDateAndErrors(t *testing.T) {
	cfg := mustConfig(t, "environments:\n  - {name: staging, path: s}\n  - {name: prod, path: p, from: staging}\n  - {name: qa, path: q, from: staging}\n")
	same := "images:\n  - name: web\n    newTag: \"1\"\n"
	fsys := fstest.MapFS{"s/kustomization.yaml": file(same), "p/kustomization.yaml": file("# prod\n" + same)}
	s := NewStatus(cfg, fsys)
	if s.Pipeline[0].Behind || s.Pipeline[0].Error != "" {
		t.Errorf("prod matches staging: %+v", s.Pipeline[0])
	}
	if s.Lagging() {
		t.Error("Lagging with every readable environment up to date")
	}
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "environment qa") || !strings.Contains(err.Error(), "directory does not exist: q") {
		t.Errorf("missing directory: %v", err)
	}
}
