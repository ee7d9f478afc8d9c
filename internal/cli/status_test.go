package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/promote"
)

// TestStatusShowsProdBehindAfterStagingMoves reads the working directory
// and, with --ref, a commit.
func TestStatusShowsProdBehindAfterStagingMoves(t *testing.T) {
	r := newPromotedRepo(t)
	code, out, _ := runCLI(t, r.dir, false, nil, "status", "--exit-code")
	if code != ExitOK || !strings.Contains(out, "staging → prod  up to date") {
		t.Fatalf("before staging moves: exit %d\n%s", code, out)
	}
	before := git(t, r.dir, "rev-parse", "HEAD")
	commitAll(t, r.dir, "ci: web 1.3 in staging", map[string]string{"envs/staging/kustomization.yaml": overlay("1.3")})

	code, out, _ = runCLI(t, r.dir, false, nil, "status", "--exit-code")
	want := "ENVIRONMENT  IMAGE             TAG  DIGEST\n" +
		"staging      ghcr.io/acme/web  1.3  -\n" +
		"prod         ghcr.io/acme/web  1.2  -\n" +
		"\n" +
		"PIPELINE        STATE   BEHIND BY\n" +
		"staging → prod  behind  ghcr.io/acme/web 1.2 → 1.3\n"
	if code != ExitChanges || out != want {
		t.Errorf("exit %d, want 2; got\n%s\nwant\n%s", code, out, want)
	}

	var st promote.Status
	_, out, _ = runCLI(t, r.dir, false, nil, "status", "-o", "json")
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	if e := st.Pipeline[0]; !e.Behind || e.Changes[0].Old != "1.2" || e.Changes[0].New != "1.3" || st.Environments[1].Apps[0].Images[0].NewTag != "1.2" {
		t.Errorf("json: %s", out)
	}

	code, out, _ = runCLI(t, r.dir, false, nil, "status", "--ref", before, "--exit-code", "-o", "markdown")
	if code != ExitOK || !strings.Contains(out, "| staging | `ghcr.io/acme/web` | `1.2` |  |") || !strings.Contains(out, "| staging → prod | up to date | - |") {
		t.Errorf("--ref %s: exit %d\n%s", before, code, out)
	}
}

func TestStatusApps(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"promote.yaml":                        "apps:\n  path: apps/{app}/{env}\nenvironments:\n  - name: staging\n  - name: prod\n    from: staging\n",
		"apps/web/staging/kustomization.yaml": "images:\n- name: web\n  newTag: \"2\"\n  digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
		"apps/web/prod/kustomization.yaml":    "images:\n- name: web\n  newTag: \"1\"\n",
		"apps/api/staging/kustomization.yaml": "images:\n- name: api\n  newName: mirror/api\n  newTag: \"1\"\n",
		"apps/api/prod/kustomization.yaml":    "images:\n- name: api\n  newName: mirror/api\n  newTag: \"1\"\n",
	})
	code, out, _ := runCLI(t, dir, false, nil, "status")
	for _, want := range []string{
		"ENVIRONMENT  APP  IMAGE             TAG  DIGEST\n",
		"staging      api  api → mirror/api  1    -\n",
		"staging      web  web               2    sha256:0123456789ab\n",
		"staging → prod  behind  [web] web 1 → 2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("exit %d, output lacks %q:\n%s", code, want, out)
		}
	}
}

func TestStatusErrors(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"promote.yaml":         "environments:\n- {name: staging, path: s}\n- {name: prod, path: p, from: staging}\n",
		"s/kustomization.yaml": "images:\n- name: web\n  newTag: \"2\"\n",
	})
	code, out, stderr := runCLI(t, dir, false, nil, "status")
	wantErr := "promote: environment prod: directory does not exist: p\nstaging → prod: environment \"prod\": directory p does not exist\n"
	if code != ExitFailure || stderr != wantErr || !strings.Contains(out, "staging      web    2    -\n") {
		t.Errorf("missing prod directory: exit %d\n%s\n%s", code, out, stderr)
	}
}
