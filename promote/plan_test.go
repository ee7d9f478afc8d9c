package promote

import (
	"strings"
	"testing"
	"testing/fstest"
)

const pipeline = `
environments:
  - {name: dev, path: envs/dev}
  - {name: staging, path: envs/staging, from: dev}
  - {name: prod, path: envs/prod, from: staging}
promote:
  files: ["config/*.properties"]
`

func mustConfig(t *testing.T, y string) *Config {
	t.Helper()
	cfg, err := ParseConfig("promote.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func exampleTree() fstest.MapFS {
	return fstest.MapFS{
		"envs/staging/kustomization.yaml": file(`resources: [../base, extra]
images:
  - name: ghcr.io/acme/web
    newTag: "1.4.2"
  - name: ghcr.io/acme/worker
    newTag: 2.0.1
    digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
  - name: redis
    newName: mirror.local/redis
    newTag: "7.2"
`),
		"envs/staging/extra/kustomization.yaml": file("images:\n- name: ghcr.io/acme/web\n  newTag: ignored-inner\n"),
		"envs/staging/config/app.properties":    file("level=info\n"),
		"envs/staging/config/new.properties":    file("flag=true\n"),
		"envs/prod/kustomization.yaml": file(`# prod
resources:
  - ../base
  - sidecar
images:
  - name: ghcr.io/acme/web
    newTag: "1.4.1" # current
  - name: ghcr.io/acme/worker
    newTag: 2.0.0
  - name: only-in-prod
    newTag: "9"
`),
		"envs/prod/sidecar/kustomization.yaml": file("images:\n- name: ghcr.io/acme/web\n  newTag: 1.3.0\n"),
		"envs/prod/config/app.properties":      file("level=debug\n"),
		"envs/dev/kustomization.yaml":          file("images: []\n"),
	}
}

func planOf(t *testing.T, cfg *Config, req Request, fsys fstest.MapFS) *Plan {
	t.Helper()
	p, err := NewPlan(cfg, req, Trees{Source: fsys, Target: fsys})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNewPlanImagesAndFiles(t *testing.T) {
	p := planOf(t, mustConfig(t, pipeline), Request{To: "prod"}, exampleTree())
	got := describeChanges(p)
	want := []string{
		"envs/prod/kustomization.yaml image ghcr.io/acme/web 1.4.1 -> 1.4.2",
		"envs/prod/kustomization.yaml image ghcr.io/acme/worker 2.0.0 -> 2.0.1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"envs/prod/kustomization.yaml image redis  -> mirror.local/redis:7.2",
		"envs/prod/sidecar/kustomization.yaml image ghcr.io/acme/web 1.3.0 -> 1.4.2",
		"envs/prod/config/app.properties file config/app.properties " + shortHash([]byte("level=debug\n")) + " -> " + shortHash([]byte("level=info\n")),
		"envs/prod/config/new.properties file config/new.properties  -> " + shortHash([]byte("flag=true\n")),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if p.From != "staging" || p.To != "prod" {
		t.Errorf("edge %s -> %s, want staging -> prod (from the pipeline)", p.From, p.To)
	}
}

func describeChanges(p *Plan) []string {
	var out []string
	for _, c := range p.Changes {
		out = append(out, strings.TrimSpace(c.App+" "+c.File+" "+c.Kind+" "+c.Name+" "+c.Old+" -> "+c.New))
	}
	return out
}

func TestApplyEditsOnlyValues(t *testing.T) {
	fsys := exampleTree()
	cfg := mustConfig(t, pipeline)
	p := planOf(t, cfg, Request{To: "prod"}, fsys)
	edits, err := Apply(p, Trees{Source: fsys, Target: fsys})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range edits {
		got[e.Path] = string(e.Data)
	}
	want := `# prod
resources:
  - ../base
  - sidecar
images:
  - name: ghcr.io/acme/web
    newTag: "1.4.2" # current
  - name: ghcr.io/acme/worker
    newTag: 2.0.1
    digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
  - name: only-in-prod
    newTag: "9"
  - name: redis
    newName: mirror.local/redis
    newTag: "7.2"
`
	if got["envs/prod/kustomization.yaml"] != want {
		t.Errorf("prod kustomization:\n%s\nwant:\n%s", got["envs/prod/kustomization.yaml"], want)
	}
	if got["envs/prod/config/new.properties"] != "flag=true\n" || got["envs/prod/config/app.properties"] != "level=info\n" {
		t.Errorf("files not copied: %q", got)
	}
	// Applying to the edited tree leaves nothing to do.
	for _, e := range edits {
		fsys[e.Path] = file(string(e.Data))
	}
	if again := planOf(t, cfg, Request{To: "prod"}, fsys); !again.Empty() {
		t.Errorf("plan after apply is not empty: %v", describeChanges(again))
	}
}

func TestNewPlanErrors(t *testing.T) {
	tests := []struct {
		name   string
		config string
		mutate func(fstest.MapFS)
		req    Request
		want   string
	}{
		{"glob matches nothing", strings.Replace(pipeline, "config/*.properties", "secrets/*.env", 1), nil, Request{To: "prod"},
			`files: "secrets/*.env" matches no file in envs/staging`},
		{"duplicate image", pipeline, func(m fstest.MapFS) {
			m["envs/prod/kustomization.yaml"] = file("images:\n- name: a\n  newTag: '1'\n- name: a\n  newTag: '2'\n")
		}, Request{To: "prod"}, `envs/prod/kustomization.yaml:4: image "a" is listed twice (first at line 2)`},
		{"malformed yaml", pipeline, func(m fstest.MapFS) {
			m["envs/prod/kustomization.yaml"] = file("images:\n  - name: a\n newTag: [\n")
		}, Request{To: "prod"}, "envs/prod/kustomization.yaml:2: invalid YAML"},
		{"missing env dir", pipeline, func(m fstest.MapFS) {
			for k := range m {
				if strings.HasPrefix(k, "envs/prod/") {
					delete(m, k)
				}
			}
		}, Request{To: "prod"}, `environment "prod": directory envs/prod does not exist`},
		{"plain target, source does not build", pipeline, func(m fstest.MapFS) {
			delete(m, "envs/prod/kustomization.yaml")
		}, Request{To: "prod"}, "kustomize build envs/staging: accumulating resources"},
		{"no from", pipeline, nil, Request{To: "dev"}, `environment "dev" has no from:`},
		{"app without apps", pipeline, nil, Request{To: "prod", Apps: []string{"web"}}, "has no apps: section"},
		{"copy kustomization", strings.Replace(pipeline, "config/*.properties", "*.yaml", 1), nil, Request{To: "prod"}, "kustomizations are not copied whole"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := exampleTree()
			if tt.mutate != nil {
				tt.mutate(fsys)
			}
			_, err := NewPlan(mustConfig(t, tt.config), tt.req, Trees{Source: fsys, Target: fsys})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

const monorepo = `
apps:
  path: "apps/{app}/overlays/{env}"
environments:
  - {name: staging}
  - {name: prod, from: staging}
`

func appsTree() fstest.MapFS {
	k := func(tag string) *fstest.MapFile { return file("images:\n- name: img\n  newTag: \"" + tag + "\"\n") }
	return fstest.MapFS{
		"apps/api/overlays/staging/kustomization.yaml":  k("2"),
		"apps/api/overlays/prod/kustomization.yaml":     k("1"),
		"apps/web/overlays/staging/kustomization.yaml":  k("5"),
		"apps/web/overlays/prod/kustomization.yaml":     k("5"),
		"apps/new/overlays/staging/kustomization.yaml":  k("1"),
		"apps/docs/README.md":                           file("not an app"),
		"apps/cron/overlays/staging/kustomization.yaml": k("3"),
		"apps/cron/overlays/prod/kustomization.yaml":    k("2"),
	}
}

func TestNewPlanApps(t *testing.T) {
	cfg := mustConfig(t, monorepo)
	p := planOf(t, cfg, Request{To: "prod"}, appsTree())
	got := strings.Join(describeChanges(p), "\n")
	want := "api apps/api/overlays/prod/kustomization.yaml image img 1 -> 2\ncron apps/cron/overlays/prod/kustomization.yaml image img 2 -> 3"
	if got != want {
		t.Errorf("changes:\n%s\nwant:\n%s", got, want)
	}
	if len(p.Notes) != 1 || !strings.Contains(p.Notes[0], "app new has no prod overlay") {
		t.Errorf("notes %q, want one about app new", p.Notes)
	}
	one := planOf(t, cfg, Request{To: "prod", Apps: []string{"cron"}}, appsTree())
	if len(one.Changes) != 1 || one.Changes[0].App != "cron" {
		t.Errorf("--app cron planned %v", describeChanges(one))
	}
	_, err := NewPlan(cfg, Request{To: "prod", Apps: []string{"new"}}, Trees{Source: appsTree(), Target: appsTree()})
	if err == nil || !strings.Contains(err.Error(), `app "new": prod has no directory apps/new/overlays/prod`) {
		t.Errorf("selecting an app missing in prod: %v", err)
	}
}

func TestPlanRendering(t *testing.T) {
	p := planOf(t, mustConfig(t, pipeline), Request{To: "prod"}, exampleTree())
	p.SourceCommit = "0123456789abcdef0123456789abcdef01234567"
	if got, want := p.Title(), "promote(prod): web 1.4.2, worker 2.0.1@sha256:0123456789ab, redis 7.2, app.properties, new.properties"; got != want {
		t.Errorf("title %q\nwant  %q", got, want)
	}
	msg := p.CommitMessage()
	for _, want := range []string{
		"\n\nPromote-From: staging\nPromote-To: prod\nPromote-Source-Commit: 0123456789abcdef0123456789abcdef01234567\n",
		"Promote-Image: ghcr.io/acme/web=ghcr.io/acme/web:1.4.2\n",
		"Promote-Image: redis=mirror.local/redis:7.2\n",
		"- envs/prod/kustomization.yaml: ghcr.io/acme/web 1.4.1 → 1.4.2\n",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("commit message lacks %q:\n%s", want, msg)
		}
	}
	body := p.Markdown()
	for _, want := range []string{"| `ghcr.io/acme/web` | `1.4.1` | `1.4.2` |", "| `redis` | (added) | `mirror.local/redis:7.2` |", "- `envs/prod/config/new.properties` from `envs/staging/config/new.properties` (added)"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
}

func TestTitleIsCut(t *testing.T) {
	p := &Plan{To: "prod"}
	for i := 0; i < 100; i++ {
		p.Changes = append(p.Changes, Change{Kind: KindFile, Name: strings.Repeat("x", 5) + string(rune('a'+i%26)) + strings.Repeat("y", i)})
	}
	if got := p.Title(); len(got) > MaxTitle || !strings.HasSuffix(got, "...") {
		t.Errorf("title of %d bytes, want at most %d ending in ...", len(got), MaxTitle)
	}
}
