package promote

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

const pastCommit = "89abcdef0123456789abcdef0123456789abcdef"

func rollbackOf(t *testing.T, cfg *Config, req RollbackRequest, past, present fstest.MapFS) *Plan {
	t.Helper()
	p, err := NewRollback(cfg, req, Trees{Source: past, Target: present})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRollbackSetsPromotablesBackAndKeepsTheRest(t *testing.T) {
	cfg := mustConfig(t, pipeline)
	past := prodAt("1.0", "a=1\n", "2")
	present := prodAt("1.2", "a=2\n", "5")
	present["envs/prod/hpa.yaml"] = file("max: 10\n")
	p := rollbackOf(t, cfg, RollbackRequest{Env: "prod", To: pastCommit}, past, present)
	got := describeChanges(p)
	want := []string{
		"envs/prod/kustomization.yaml image ghcr.io/acme/web 1.2 -> 1.0",
		"envs/prod/config/app.properties file config/app.properties " + shortHash([]byte("a=2\n")) + " -> " + shortHash([]byte("a=1\n")),
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if want := []string{"envs/prod/hpa.yaml", "envs/prod/replicas.yaml"}; !slices.Equal(p.NotRolledBack, want) {
		t.Errorf("not rolled back %q, want %q", p.NotRolledBack, want)
	}
	edits, err := Apply(p, Trees{Source: past, Target: present})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		if string(e.Data) != string(past[e.Path].Data) {
			t.Errorf("%s after the rollback:\n%s\nwant it as it was:\n%s", e.Path, e.Data, past[e.Path].Data)
		}
	}
}

// TestRollbackKeepsOtherEditsOfTheKustomization lists a kustomization
// whose other fields changed as not rolled back, and changes only its tag.
func TestRollbackKeepsOtherEditsOfTheKustomization(t *testing.T) {
	cfg := mustConfig(t, "environments:\n  - {name: prod, path: envs/prod}\n")
	past := fstest.MapFS{"envs/prod/kustomization.yaml": file("namespace: a\nimages:\n  - name: web\n    newTag: \"1.0\"\n")}
	present := fstest.MapFS{"envs/prod/kustomization.yaml": file("namespace: b # moved\nimages:\n  - name: web\n    newTag: \"1.1\"\n")}
	p := rollbackOf(t, cfg, RollbackRequest{Env: "prod", To: pastCommit}, past, present)
	edits, err := Apply(p, Trees{Source: past, Target: present})
	if err != nil || len(edits) != 1 {
		t.Fatalf("edits %v, %v", edits, err)
	}
	if want := "namespace: b # moved\nimages:\n  - name: web\n    newTag: \"1.0\"\n"; string(edits[0].Data) != want {
		t.Errorf("got\n%s\nwant\n%s", edits[0].Data, want)
	}
	if !slices.Equal(p.NotRolledBack, []string{"envs/prod/kustomization.yaml"}) {
		t.Errorf("not rolled back %q", p.NotRolledBack)
	}
}

func TestRollbackToTheCurrentStateIsEmpty(t *testing.T) {
	cfg := mustConfig(t, pipeline)
	tree := prodAt("1.2", "a=2\n", "5")
	p := rollbackOf(t, cfg, RollbackRequest{Env: "prod", To: pastCommit}, tree, tree)
	if !p.Empty() || len(p.NotRolledBack) != 0 {
		t.Errorf("rollback to the present: %v, not rolled back %q", describeChanges(p), p.NotRolledBack)
	}
	if p.Title() != "rollback(prod): nothing to roll back" {
		t.Errorf("title %q", p.Title())
	}
}

func TestRollbackBadInput(t *testing.T) {
	cfg := mustConfig(t, pipeline)
	present := prodAt("1.2", "a=2\n", "5")
	before := fstest.MapFS{"envs/dev/kustomization.yaml": file("{}\n")}
	for _, tc := range []struct {
		name string
		req  RollbackRequest
		past fstest.MapFS
		want string
	}{
		{"environment did not exist", RollbackRequest{Env: "prod", To: pastCommit}, before, `environment "prod" did not exist at commit 89abcdef0123: it has no directory envs/prod`},
		{"unknown environment", RollbackRequest{Env: "qa", To: pastCommit}, present, `unknown environment "qa"`},
		{"apps without apps:", RollbackRequest{Env: "prod", To: pastCommit, Apps: []string{"web"}}, present, "--app given"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewRollback(cfg, tc.req, Trees{Source: tc.past, Target: present})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestRollbackApps(t *testing.T) {
	cfg := mustConfig(t, "apps:\n  path: apps/{app}/overlays/{env}\nenvironments:\n  - name: prod\n")
	past := fstest.MapFS{
		"apps/web/overlays/prod/kustomization.yaml": file("images: [{name: web, newTag: \"1\"}]\n"),
		"apps/old/overlays/prod/kustomization.yaml": file("images: [{name: old, newTag: \"1\"}]\n"),
	}
	present := fstest.MapFS{
		"apps/web/overlays/prod/kustomization.yaml": file("images: [{name: web, newTag: \"2\"}]\n"),
		"apps/new/overlays/prod/kustomization.yaml": file("images: [{name: new, newTag: \"2\"}]\n"),
	}
	p := rollbackOf(t, cfg, RollbackRequest{Env: "prod", To: pastCommit}, past, present)
	if got := describeChanges(p); !slices.Equal(got, []string{"web apps/web/overlays/prod/kustomization.yaml image web 2 -> 1"}) {
		t.Errorf("changes %q", got)
	}
	notes := strings.Join(p.Notes, "\n")
	if !strings.Contains(notes, "app old has no directory apps/old/overlays/prod any more") || !strings.Contains(notes, "app new did not exist at commit 89abcdef0123") {
		t.Errorf("notes:\n%s", notes)
	}
	_, err := NewRollback(cfg, RollbackRequest{Env: "prod", To: pastCommit, Apps: []string{"new"}}, Trees{Source: past, Target: present})
	if err == nil || !strings.Contains(err.Error(), `app "new" of environment "prod" did not exist at commit 89abcdef0123`) {
		t.Errorf("--app new: %v", err)
	}
}

func TestRollbackRendering(t *testing.T) {
	cfg := mustConfig(t, pipeline)
	past := prodAt("1.4.1", "a=1\n", "2")
	present := prodAt("1.4.2", "a=2\n", "5")
	p := rollbackOf(t, cfg, RollbackRequest{Env: "prod", To: pastCommit}, past, present)
	p.SourceCommit = "fedcba9876543210fedcba9876543210fedcba98"
	if got, want := p.Title(), "rollback(prod): web 1.4.2 → 1.4.1, app.properties"; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	if !slices.Equal(p.Labels(), []string{LabelRollback}) {
		t.Errorf("labels %q", p.Labels())
	}
	msg := p.CommitMessage()
	for _, want := range []string{
		"Roll back prod to its state at commit " + pastCommit + ".\n",
		"- envs/prod/kustomization.yaml: ghcr.io/acme/web 1.4.2 → 1.4.1\n",
		"- envs/prod/config/app.properties: restored\n",
		"Not rolled back (changed since, kept as they are):\n\n- envs/prod/replicas.yaml\n",
		"\n\nPromote-To: prod\nPromote-Rollback-To: " + pastCommit + "\nPromote-Source-Commit: fedcba9876543210fedcba9876543210fedcba98\nPromote-Image: ghcr.io/acme/web=ghcr.io/acme/web:1.4.1\n",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("commit message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "Promote-From") {
		t.Errorf("a rollback has no Promote-From trailer:\n%s", msg)
	}
	meta := ParseCommitMessage(msg)
	if meta.RollbackTo != pastCommit {
		t.Errorf("history reads Promote-Rollback-To %q back", meta.RollbackTo)
	}
	md := p.Markdown()
	for _, want := range []string{
		"Rolls back **prod** to its state at commit `89abcdef0123`.",
		"| `ghcr.io/acme/web` | `1.4.2` | `1.4.1` |",
		"Files restored:\n\n- `envs/prod/config/app.properties`",
		"Not rolled back (changed since `89abcdef0123`, kept as they are):\n\n- `envs/prod/replicas.yaml`",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	promotion := planOf(t, cfg, Request{To: "prod"}, exampleTree())
	if promotion.Labels() != nil || strings.HasPrefix(promotion.Title(), "rollback") {
		t.Errorf("a promotion renders as a rollback: %q %q", promotion.Title(), promotion.Labels())
	}
}

// TestRollbackRemovesAddedEntries rolls back a promotion that added an
// images: entry: the kustomization is restored, so it renders as then.
func TestRollbackRemovesAddedEntries(t *testing.T) {
	cfg := mustConfig(t, "environments:\n  - {name: prod, path: envs/prod}\n")
	then := "resources:\n  - ../base\ncomponents:\n# - ../components/debug\n"
	past := fstest.MapFS{"envs/prod/kustomization.yaml": file(then)}
	present := fstest.MapFS{"envs/prod/kustomization.yaml": file(then + "images:\n  - name: web\n    newTag: \"1.1\"\n")}
	p := rollbackOf(t, cfg, RollbackRequest{Env: "prod", To: pastCommit}, past, present)
	edits, err := Apply(p, Trees{Source: past, Target: present})
	if err != nil || len(edits) != 1 {
		t.Fatalf("edits %v, %v", edits, err)
	}
	if string(edits[0].Data) != then {
		t.Errorf("after the rollback:\n%s\nwant it as it was:\n%s", edits[0].Data, then)
	}
	if p.Empty() || strings.Contains(p.Summary(), "nothing") {
		t.Errorf("summary %q: the rollback changes the kustomization", p.Summary())
	}
	// With another edit since, the entry is kept and a note says so.
	present["envs/prod/kustomization.yaml"] = file("namespace: b\n" + then + "images:\n  - name: web\n    newTag: \"1.1\"\n")
	p = rollbackOf(t, cfg, RollbackRequest{Env: "prod", To: pastCommit}, past, present)
	if !p.Empty() || len(p.Notes) != 1 || !strings.Contains(p.Notes[0], "image web was added since 89abcdef0123 but the file has other edits too") {
		t.Errorf("changes %v, notes %q", p.Changes, p.Notes)
	}
}
