package scaffold

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gitops-promote/promote/promote"
)

func files(kv ...string) fstest.MapFS {
	m := fstest.MapFS{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = &fstest.MapFile{Data: []byte(kv[i+1])}
	}
	return m
}

const kustomization = "resources: [../../base]\n"

func TestDetect(t *testing.T) {
	tests := []struct {
		name     string
		fsys     fstest.MapFS
		opts     Options
		want     []string // the lines promote.yaml must hold, in order
		pipeline string
	}{
		{
			name: "kustomize envs with version and settings patch files, regions in parallel",
			fsys: files(
				"base/kustomization.yaml", "resources: [deployment.yml]\n",
				"base/deployment.yml", "kind: Deployment\n",
				"envs/qa/kustomization.yml", kustomization, "envs/qa/version.yml", "kind: Deployment\n", "envs/qa/settings.yml", "kind: Deployment\n", "envs/qa/replicas.yml", "x: 1\n",
				"envs/staging/kustomization.yml", kustomization, "envs/staging/version.yml", "kind: Deployment\n", "envs/staging/settings.yml", "kind: Deployment\n", "envs/staging/replicas.yml", "x: 1\n",
				"envs/prod-us/kustomization.yml", kustomization, "envs/prod-us/version.yml", "kind: Deployment\n", "envs/prod-us/settings.yml", "kind: Deployment\n",
				"envs/prod-eu/kustomization.yml", kustomization, "envs/prod-eu/version.yml", "kind: Deployment\n", "envs/prod-eu/settings.yml", "kind: Deployment\n",
			),
			want: []string{
				"  - name: qa\n    path: envs/qa\n",
				"  - name: staging\n    path: envs/staging\n    from: qa\n",
				"  - name: prod-eu\n    path: envs/prod-eu\n    from: staging\n",
				"  - name: prod-us\n    path: envs/prod-us\n    from: staging\n",
				"  files: [version.yml, settings.yml]",
			},
			pipeline: "qa → staging → prod-eu, prod-us",
		},
		{
			name: "Kargo-style stages with a Flux-style clusters directory beside them",
			fsys: files(
				"base/kustomization.yaml", "resources: []\n",
				"stages/test/kustomization.yaml", kustomization,
				"stages/uat/kustomization.yaml", kustomization,
				"stages/prod/kustomization.yaml", kustomization,
				"clusters/prod/app.yaml", "kind: Kustomization\n",
				"clusters/test/app.yaml", "kind: Kustomization\n",
			),
			want: []string{
				"# Note: environments were also found under clusters/{env}; this configuration uses stages/{env}.",
				"  - name: test\n    path: stages/test\n",
				"  - name: uat\n    path: stages/uat\n    from: test\n",
				"  - name: prod\n    path: stages/prod\n    from: uat\n",
			},
			pipeline: "test → uat → prod",
		},
		{
			name: "monorepo with clusters/*/overlays/*",
			fsys: files(
				"clusters/aks/overlays/dev/kustomization.yaml", kustomization,
				"clusters/aks/overlays/production/kustomization.yaml", kustomization,
				"clusters/eks/overlays/dev/kustomization.yaml", kustomization,
				"clusters/eks/overlays/production/kustomization.yaml", kustomization,
				"clusters/gke/overlays/dev/kustomization.yaml", kustomization,
			),
			want: []string{
				"apps:\n  path: \"clusters/{app}/overlays/{env}\"  # 3 apps found: aks, eks, gke\n",
				"  - name: dev\n",
				"  - name: production\n    from: dev\n",
			},
			pipeline: "dev → production",
		},
		{
			name: "Flux apps per environment with HelmRelease patches",
			fsys: files(
				"apps/base/podinfo/release.yaml", "kind: HelmRelease\n",
				"apps/staging/kustomization.yaml", "resources: [../base/podinfo]\npatches: [{path: podinfo-values.yaml}]\n",
				"apps/staging/podinfo-values.yaml", "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n",
				"apps/production/kustomization.yaml", "resources: [../base/podinfo]\n",
				"apps/production/podinfo-values.yaml", "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n",
			),
			want: []string{
				"  - name: staging\n    path: apps/staging\n",
				"  - name: production\n    path: apps/production\n    from: staging\n",
				"  charts: true",
			},
			pipeline: "staging → production",
		},
		{
			name: "Helm values with an image block",
			fsys: files(
				"envs/dev/values.yaml", "image:\n  repository: ghcr.io/acme/web\n  tag: \"1.2.0\"\n",
				"envs/prod/values.yaml", "image:\n  repository: ghcr.io/acme/web\n  tag: \"1.1.0\"\n",
			),
			want: []string{
				"  - name: prod\n    path: envs/prod\n    from: dev\n",
				"  helm:                  # Helm values that travel\n    - {file: values.yaml, paths: [image]}\n",
			},
			pipeline: "dev → prod",
		},
		{
			name: "environment branches",
			fsys: files("README.md", "# app\n"),
			opts: Options{Branches: []string{"main", "env/prod", "env/dev", "env/staging", "feature/x"}},
			want: []string{
				"  - name: dev\n    branch: env/dev\n",
				"  - name: staging\n    branch: env/staging\n    from: dev\n",
				"  - name: prod\n    branch: env/prod\n    from: staging\n",
			},
			pipeline: "dev → staging → prod",
		},
		{
			name: "names given with --envs",
			fsys: files(
				"deploy/blue/kustomization.yaml", kustomization,
				"deploy/green/kustomization.yaml", kustomization,
			),
			opts: Options{Envs: []string{"green", "blue"}},
			want: []string{
				"  - name: green\n    path: deploy/green\n",
				"  - name: blue\n    path: deploy/blue\n    from: green\n",
			},
			pipeline: "green → blue",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Detect(tt.fsys, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			out := string(l.YAML())
			rest := out
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("promote.yaml lacks (in order) %q:\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
			if got := l.Pipeline(); got != tt.pipeline {
				t.Errorf("Pipeline() = %q, want %q", got, tt.pipeline)
			}
			if _, err := promote.ParseConfig("promote.yaml", []byte(out)); err != nil {
				t.Errorf("the written promote.yaml does not validate: %v\n%s", err, out)
			}
		})
	}
}

func TestDetectRefuses(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		opts Options
		want string
	}{
		{"no environments", files("app/main.go", "package main\n"), Options{}, "no environments found: no directory (up to 5 levels deep) or env/* branch has an environment's name"},
		{"--envs names a missing environment", files("envs/dev/k.yaml", "a: 1\n", "envs/prod/k.yaml", "a: 1\n"), Options{Envs: []string{"dev", "qa", "prod"}}, "--envs: qa not found (found dev, prod)"},
		{"a single environment", files("envs/dev/k.yaml", "a: 1\n"), Options{}, "no environments found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Detect(tt.fsys, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Detect() error = %v, want it to contain %q", err, tt.want)
			}
			if tt.want == "no environments found" && !errors.Is(err, ErrNoLayout) {
				t.Errorf("error is not ErrNoLayout: %v", err)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"envs/dev":             "envs/dev",
		"apps/{app}/{env}":     `"apps/{app}/{env}"`,
		"yes":                  `"yes"`,
		"odd name: with colon": `"odd name: with colon"`,
		"#comment":             `"#comment"`,
	} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}
