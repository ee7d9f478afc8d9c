package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/promote"
)

func TestDiffListsPromotablesThenDrift(t *testing.T) {
	r := newPromotedRepo(t)
	commitAll(t, r.dir, "ci: web 1.3 in staging", map[string]string{"envs/staging/kustomization.yaml": overlay("1.3"), "envs/staging/debug.yaml": "debug: true\n"})

	code, out, _ := runCLI(t, r.dir, false, nil, "diff", "--from", "staging", "--to", "prod", "--exit-code")
	want := "staging → prod: 1 change\n\n" +
		"envs/prod/kustomization.yaml\n" +
		"  image ghcr.io/acme/web 1.2 → 1.3\n" +
		"\n" +
		"2 other files differ (a promotion leaves them as they are):\n" +
		"  only in staging  envs/staging/debug.yaml\n" +
		"  differs          envs/prod/replicas.yaml\n"
	if code != ExitChanges || out != want {
		t.Errorf("exit %d, want 2; got\n%s\nwant\n%s", code, out, want)
	}

	_, out, _ = runCLI(t, r.dir, false, nil, "diff", "--to", "prod", "--patch")
	wantPatch := "--- a/envs/staging/replicas.yaml\n+++ b/envs/prod/replicas.yaml\n@@ -3,4 +3,4 @@ kind: Deployment\n metadata:\n   name: web\n spec:\n-  replicas: 2\n+  replicas: 5\n"
	if !strings.Contains(out, "\ndiff --git a/envs/staging/replicas.yaml b/envs/prod/replicas.yaml\n") || !strings.Contains(out, wantPatch) {
		t.Errorf("--patch:\n%s", out)
	}

	var d promote.Drift
	_, out, _ = runCLI(t, r.dir, false, nil, "diff", "--to", "prod", "-o", "json", "--patch")
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Plan.Changes) != 1 || len(d.Files) != 2 || d.Files[0].State != promote.DriftSourceOnly || !strings.Contains(d.Files[1].Patch, "+  replicas: 5") {
		t.Errorf("json:\n%s", out)
	}

	_, out, _ = runCLI(t, r.dir, false, nil, "diff", "--to", "prod", "-o", "markdown", "--patch")
	if !strings.Contains(out, "### Other files that differ\n\n- `envs/staging/debug.yaml`: only in staging\n") || !strings.Contains(out, "```diff\ndiff --git a/envs/staging/replicas.yaml") {
		t.Errorf("markdown:\n%s", out)
	}
}

func TestDiffBadInput(t *testing.T) {
	dir := writeTree(t, twoEnvs)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"diff", "--to", "qa"}, `unknown environment "qa"`},
		{[]string{"diff", "--to", "staging"}, `environment "staging" has no from:`},
		{[]string{"diff", "--to", "prod", "-o", "yaml"}, `-o "yaml": expected one of text, json, markdown`},
	} {
		code, _, stderr := runCLI(t, dir, false, nil, tc.args...)
		if code != ExitFailure || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", tc.args, code, stderr, tc.want)
		}
	}
	if code, _, _ := runCLI(t, dir, false, nil, "diff", "--from", "staging", "--to", "prod", "--exit-code"); code != ExitChanges {
		t.Errorf("differing environments: exit %d, want 2", code)
	}
}
