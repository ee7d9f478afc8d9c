package promote

import (
	"strings"
	"testing"
)

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "environments:\n  - name: dev\n    path: d\n    form: x\n", "promote.yaml:4: field form not found"},
		{"unknown top key", "envs: []\n", "promote.yaml:1: field envs not found"},
		{"duplicate name", "environments:\n  - {name: dev, path: a}\n  - {name: dev, path: b}\n", `promote.yaml:3: environment "dev" is defined twice`},
		{"from unknown", "environments:\n  - {name: dev, path: a}\n  - {name: prod, path: b, from: stage}\n", `promote.yaml:3: environment "prod": from: "stage" names no environment (have dev, prod)`},
		{"cycle", "environments:\n  - {name: a, path: a, from: b}\n  - {name: b, path: b, from: a}\n", "promote.yaml:2: pipeline has a cycle: a <- b <- a"},
		{"self", "environments:\n  - {name: a, path: a, from: a}\n", "names itself"},
		{"absolute", "environments:\n  - {name: a, path: /etc}\n", `promote.yaml:2: environment "a": path "/etc": must be relative`},
		{"dotdot", "environments:\n  - name: a\n    path: envs/../../x\n", `promote.yaml:2: environment "a": path "envs/../../x": must not contain '..'`},
		{"missing path", "environments:\n  - name: a\n", `expected path:`},
		{"empty", "", "file is empty"},
		{"not yaml", "environments: [\n", "promote.yaml:1: did not find expected node content"},
		{"bad glob", "environments:\n  - {name: a, path: a}\npromote:\n  files: ['[']\n", `files: "[" is not a valid glob`},
		{"apps without app", "apps:\n  path: apps/x/{env}\nenvironments:\n  - {name: a}\n", "expected a template containing {app} and {env}"},
		{"apps partial segment", "apps:\n  path: apps/app-{app}/{env}\nenvironments:\n  - {name: a}\n", "{app} must be a whole path segment"},
		{"dotdot name", "environments:\n  - {name: a..b, path: a}\n", `promote.yaml:2: environment name "a..b": expected at most 63 letters`},
		{"long name", "environments:\n  - {name: " + strings.Repeat("x", 300) + ", path: a}\n", `(300 bytes): expected at most 63 letters`},
		{"lock name", "environments:\n  - {name: prod.lock, path: a}\n", `environment name "prod.lock"`},
		{"dash name", "environments:\n  - {name: -prod, path: a}\n", `environment name "-prod"`},
		{"dot name", "environments:\n  - {name: .prod, path: a}\n", `environment name ".prod"`},
		{"duplicate key", "environments:\n  - {name: a, path: a}\npromote: {}\nenvironments: []\n", "promote.yaml:4: key environments: already at line 1"},
		{"duplicate nested key", "environments:\n  - name: a\n    path: a\n    path: b\n", "promote.yaml:4: key path: already at line 3"},
		{"second document", "environments:\n  - {name: a, path: a}\n---\nenvironments: []\n", "promote.yaml:3: a second YAML document"},
		{"alias bomb", "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n", "expanding aliases makes more than 100000 nodes: refused"},
		{"wrong type", "environments:\n  - name: a\n    path: a\n    promote: {images: maybe}\n", "promote.yaml:4: cannot unmarshal !!str `maybe` into bool"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig("promote.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseConfigPipeline(t *testing.T) {
	cfg, err := ParseConfig("promote.yaml", []byte(`
environments:
  - name: dev
    path: environments/dev
  - name: staging
    path: environments/staging
    from: dev
  - {name: prod-eu, path: environments/prod-eu, from: staging, promote: {images: false, files: [a.txt]}}
  - {name: prod-us, path: environments/prod-us, from: staging}
promote:
  files: ["config/*"]
`))
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, e := range cfg.Targets("staging") {
		targets = append(targets, e.Name)
	}
	if strings.Join(targets, ",") != "prod-eu,prod-us" {
		t.Errorf("staging fans out to %v, want prod-eu and prod-us", targets)
	}
	eu, _ := cfg.Env("prod-eu")
	if p := cfg.PromotablesFor(eu); p.ImagesEnabled() || p.Files[0] != "a.txt" {
		t.Errorf("prod-eu override not used: %+v", p)
	}
	us, _ := cfg.Env("prod-us")
	if p := cfg.PromotablesFor(us); !p.ImagesEnabled() || p.Files[0] != "config/*" {
		t.Errorf("prod-us does not use the default: %+v", p)
	}
	if _, _, err := cfg.Edge("", "dev"); err == nil || !strings.Contains(err.Error(), "has no from:") {
		t.Errorf("edge into dev: %v, want an error about from:", err)
	}
	if _, _, err := cfg.Edge("", "qa"); err == nil || !strings.Contains(err.Error(), `unknown environment "qa"`) {
		t.Errorf("edge into qa: %v", err)
	}
}
