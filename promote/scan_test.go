package promote

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"
)

const everyKind = `
environments:
  - {name: staging, path: envs/staging}
  - {name: prod, path: envs/prod, from: staging}
promote:
  images: true
  helm: [{file: values.yaml, paths: [image, worker.image.tag]}]
  charts: true
  refs: true
  terraform: {variables: [app_version], modules: true}
`

const digest = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

// mixedTree is one environment holding every kind: a kustomization with
// images, a chart and a remote base, a strategic-merge patch, a Helm
// values file, a Flux GitRepository, Terraform variables and a module.
func mixedTree() fstest.MapFS {
	return fstest.MapFS{
		"envs/staging/kustomization.yaml": file(`resources:
  - github.com/acme/app//deploy?ref=v1.3.0
  - sources.yaml
patches:
  - path: version.yml
images:
  - {name: ghcr.io/acme/web, newTag: "1.4.2"}
helmCharts:
  - {name: redis, version: 18.2.0}
`),
		"envs/staging/version.yml":      file("kind: Deployment\nspec: {template: {spec: {containers: [{name: api, image: 'ghcr.io/acme/api:3.1.0@" + digest + "'}]}}}\n"),
		"envs/staging/sources.yaml":     file("apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nspec: {url: https://github.com/acme/cfg, ref: {tag: v7}}\n"),
		"envs/staging/values.yaml":      file("image: {repository: ghcr.io/acme/chart-app, tag: 2.2.0}\nworker: {image: {tag: '5.1'}}\n"),
		"envs/staging/prod.auto.tfvars": file("app_version = \"2025.06.1\"\n"),
		"envs/staging/main.tf":          file("module \"db\" {\n  source = \"git::https://github.com/acme/tf.git//db?ref=v2.0.0\"\n}\n"),
		"envs/prod/kustomization.yaml": file(`# prod
resources:
  - github.com/acme/app//deploy?ref=v1.2.9   # pinned
  - sources.yaml
patches:
  - path: version.yml
images:
  - {name: ghcr.io/acme/web, newTag: "1.4.1"}
helmCharts:
  - {name: redis, version: 18.1.0}
`),
		"envs/prod/version.yml":      file("# the api pin\nkind: Deployment\nspec: {template: {spec: {containers: [{name: api, image: 'ghcr.io/acme/api:3.0.0'}]}}}\n"),
		"envs/prod/sources.yaml":     file("apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nspec: {url: https://github.com/acme/cfg, ref: {tag: v6}}\n"),
		"envs/prod/values.yaml":      file("# prod values\nimage: {repository: ghcr.io/acme/chart-app, tag: 2.1.0}\nworker: {image: {tag: '5.0'}}\nreplicas: 9\n"),
		"envs/prod/prod.auto.tfvars": file("# prod\napp_version = \"2025.05.3\" # release train\n"),
		"envs/prod/main.tf":          file("module \"db\" {\n  source = \"git::https://github.com/acme/tf.git//db?ref=v1.9.0\"\n}\n"),
	}
}

func TestPlanEveryKindInOneEnvironment(t *testing.T) {
	fsys := mixedTree()
	cfg := mustConfig(t, everyKind)
	p := planOf(t, cfg, Request{To: "prod"}, fsys)
	want := []string{
		"envs/prod/kustomization.yaml image ghcr.io/acme/web 1.4.1 -> 1.4.2",
		"envs/prod/version.yml image ghcr.io/acme/api 3.0.0 -> 3.1.0@" + digest,
		"envs/prod/kustomization.yaml ref github.com/acme/app//deploy v1.2.9 -> v1.3.0",
		"envs/prod/kustomization.yaml chart redis 18.1.0 -> 18.2.0",
		"envs/prod/main.tf module db v1.9.0 -> v2.0.0",
		"envs/prod/prod.auto.tfvars terraform app_version 2025.05.3 -> 2025.06.1",
		"envs/prod/sources.yaml ref https://github.com/acme/cfg v6 -> v7",
		"envs/prod/values.yaml helm image ghcr.io/acme/chart-app:2.1.0 -> ghcr.io/acme/chart-app:2.2.0",
		"envs/prod/values.yaml helm worker.image.tag 5.0 -> 5.1",
	}
	if got := describeChanges(p); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	trees := Trees{Source: fsys, Target: fsys}
	edits, err := Apply(p, trees)
	if err != nil {
		t.Fatal(err)
	}
	if len(edits) != 6 {
		t.Errorf("%d files edited, want 6 (one edit per file)", len(edits))
	}
	got := map[string]string{}
	for _, e := range edits {
		got[e.Path] = string(e.Data)
		fsys[e.Path] = file(string(e.Data))
	}
	for f, line := range map[string]string{
		"envs/prod/kustomization.yaml": "  - github.com/acme/app//deploy?ref=v1.3.0   # pinned\n",
		"envs/prod/version.yml":        "[{name: api, image: 'ghcr.io/acme/api:3.1.0@" + digest + "'}]",
		"envs/prod/values.yaml":        "# prod values\nimage: {repository: ghcr.io/acme/chart-app, tag: 2.2.0}\nworker: {image: {tag: '5.1'}}\nreplicas: 9\n",
		"envs/prod/prod.auto.tfvars":   "# prod\napp_version = \"2025.06.1\" # release train\n",
		"envs/prod/main.tf":            "ref=v2.0.0\"\n",
		"envs/prod/sources.yaml":       "ref: {tag: v7}",
	} {
		if !strings.Contains(got[f], line) {
			t.Errorf("%s:\n%s\nlacks %q", f, got[f], line)
		}
	}
	if again := planOf(t, cfg, Request{To: "prod"}, fsys); !again.Empty() {
		t.Errorf("plan after apply is not empty: %v", describeChanges(again))
	}
}

func TestValueChangeJSON(t *testing.T) {
	p := planOf(t, mustConfig(t, everyKind), Request{To: "prod"}, mixedTree())
	var c Change
	for _, ch := range p.Changes {
		if ch.Kind == KindImage && ch.At != nil {
			c = ch
		}
	}
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"file":"envs/prod/version.yml","kind":"image","name":"ghcr.io/acme/api","old":"3.0.0","new":"3.1.0@` + digest +
		`","line":3,"image":{"old":{"name":"ghcr.io/acme/api","newTag":"3.0.0"},"new":{"name":"ghcr.io/acme/api","newTag":"3.1.0","digest":"` + digest +
		`"}},"at":{"scanner":"manifest","path":"spec.template.spec.containers[name=api].image"}}`
	if string(data) != want {
		t.Errorf("JSON\n%s\nwant\n%s", data, want)
	}
}

func TestPlanRenderingOtherKinds(t *testing.T) {
	p := planOf(t, mustConfig(t, everyKind), Request{To: "prod"}, mixedTree())
	title := p.Title()
	for _, want := range []string{"web 1.4.2", "api 3.1.0@sha256:9f86d081884c", "redis 18.2.0", "app v1.3.0", "db v2.0.0",
		"app_version 2025.06.1", "cfg v7", "chart-app 2.2.0", "worker.image.tag 5.1"} {
		if !strings.Contains(title, want) {
			t.Errorf("title %q lacks %q", title, want)
		}
	}
	body := p.Markdown()
	for _, want := range []string{
		"| `ghcr.io/acme/api` | `3.0.0` | `3.1.0@sha256:9f86d081884c` |",
		"| kind | name | file | old | new |",
		"| terraform | `app_version` | `envs/prod/prod.auto.tfvars` | `2025.05.3` | `2025.06.1` |",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if msg := p.CommitMessage(); !strings.Contains(msg, "- envs/prod/values.yaml: helm worker.image.tag 5.0 → 5.1\n") ||
		!strings.Contains(msg, "Promote-Image: ghcr.io/acme/api=ghcr.io/acme/api:3.1.0@"+digest+"\n") {
		t.Errorf("commit message:\n%s", msg)
	}
}

func TestPlanPlainManifests(t *testing.T) {
	cfg := mustConfig(t, "environments:\n  - {name: staging, path: staging}\n  - {name: prod, path: prod, from: staging}\n")
	fsys := fstest.MapFS{
		"staging/web.yaml": file("kind: Deployment\nspec: {template: {spec: {containers: [{name: web, image: 'web:2'}]}}}\n"),
		"prod/web.yaml":    file("kind: Deployment\nspec: {template: {spec: {containers: [{name: web, image: 'web:1'}]}}}\n"),
		"prod/README.md":   file("image: not yaml\n"),
	}
	p := planOf(t, cfg, Request{To: "prod"}, fsys)
	if got := strings.Join(describeChanges(p), "\n"); got != "prod/web.yaml image web 1 -> 2" {
		t.Errorf("changes %q, want the Deployment's image (no kustomization needed)", got)
	}
}

func TestCopiedFileWinsOverValues(t *testing.T) {
	cfg := mustConfig(t, `
environments:
  - {name: staging, path: staging}
  - {name: prod, path: prod, from: staging}
promote:
  files: [values.yaml]
  helm: [{file: values.yaml, paths: [image.tag]}]
`)
	fsys := fstest.MapFS{
		"staging/kustomization.yaml": file("resources: []\n"),
		"prod/kustomization.yaml":    file("resources: []\n"),
		"staging/values.yaml":        file("image: {tag: '2'}\n"),
		"prod/values.yaml":           file("image: {tag: '1'}\n"),
	}
	p := planOf(t, cfg, Request{To: "prod"}, fsys)
	if len(p.Changes) != 1 || p.Changes[0].Kind != KindFile {
		t.Errorf("changes %v, want only the copy of values.yaml", describeChanges(p))
	}
}

func TestScannedConfigErrors(t *testing.T) {
	for cfg, want := range map[string]string{
		"helm: [{file: /abs.yaml, paths: [a]}]":          `helm[0]: file "/abs.yaml": must be relative`,
		"helm: [{file: values.yaml, paths: []}]":         "helm[0]: values.yaml: expected paths:",
		"helm: [{file: values.yaml, paths: ['[a=b]']}]":  `path "[a=b]": expected keys separated by dots`,
		"helm: [{file: values.yaml, paths: ['a..b']}]":   `path "a..b"`,
		"terraform: {variables: ['image tag']}":          `terraform: variables: "image tag" is not a variable name`,
		"terraform: {variables: [a], version: true}":     "field version not found",
		"helm: [{file: values.yaml, path: [image.tag]}]": "field path not found",
	} {
		_, err := ParseConfig("promote.yaml", []byte("environments:\n  - {name: a, path: a}\npromote:\n  "+cfg+"\n"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v\nwant it to contain %q", cfg, err, want)
		}
	}
}

func TestSnapshotAndHistoryOtherKinds(t *testing.T) {
	cfg := mustConfig(t, everyKind)
	before := mixedTree()
	env, _ := cfg.Env("prod")
	snap, err := ReadSnapshot(cfg, env, "", before)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Values) != 8 {
		t.Errorf("%d values in the snapshot, want 8: %+v", len(snap.Values), snap.Values)
	}
	after := mixedTree()
	after["envs/prod/values.yaml"] = file("image: {repository: ghcr.io/acme/chart-app, tag: 2.1.0}\nworker: {image: {tag: '5.2'}}\n")
	next, err := ReadSnapshot(cfg, env, "", after)
	if err != nil {
		t.Fatal(err)
	}
	got := describeChanges(&Plan{Changes: diffSnapshots(snap, next)})
	if strings.Join(got, "\n") != "envs/prod/values.yaml helm worker.image.tag 5.0 -> 5.2" {
		t.Errorf("history changes %q, want the worker tag", got)
	}
}

func TestRollbackOtherKinds(t *testing.T) {
	cfg := mustConfig(t, everyKind)
	past := mixedTree()
	present := mixedTree()
	present["envs/prod/prod.auto.tfvars"] = file("# prod\napp_version = \"2025.06.9\" # release train\n")
	p, err := NewRollback(cfg, RollbackRequest{Env: "prod", To: "0123456789abcdef"}, Trees{Source: past, Target: present})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(describeChanges(p), "\n"); got != "envs/prod/prod.auto.tfvars terraform app_version 2025.06.9 -> 2025.05.3" {
		t.Errorf("rollback changes %q", got)
	}
	if got, want := p.Title(), "rollback(prod): app_version 2025.06.9 → 2025.05.3"; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
}
