package promote

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

func TestBranchConfig(t *testing.T) {
	cfg := mustConfig(t, `
environments:
  - {name: staging, branch: env/staging}
  - {name: prod, branch: env/prod, path: clusters/prod, from: staging}
  - {name: preview, path: envs/preview, from: staging}
`)
	if s, _ := cfg.Env("staging"); s.Path != "." || s.Branch != "env/staging" {
		t.Errorf("staging %+v: a branch environment without path: is its branch's root", s)
	}
	if p, _ := cfg.Env("prod"); p.Path != "clusters/prod" {
		t.Errorf("prod path %q", p.Path)
	}
	if !cfg.HasBranches() {
		t.Error("HasBranches is false")
	}
	for y, want := range map[string]string{
		"{name: a, branch: 'refs/heads/a'}":  `environment "a": branch "refs/heads/a" is not a valid branch name`,
		"{name: a, branch: 'env..a'}":        `branch "env..a" is not a valid branch name`,
		"{name: a, branch: 'env/a.lock'}":    `branch "env/a.lock" is not a valid branch name`,
		"{name: a}":                          `environment "a": expected path: (the environment's directory) or branch:`,
		"{name: a, branch: env/a, path: /x}": `path "/x": must be relative`,
	} {
		_, err := ParseConfig("promote.yaml", []byte("environments:\n  - "+y+"\n"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v\nwant it to contain %q", y, err, want)
		}
	}
}

// branchTrees is a tree whose branch environments live in other trees,
// as the workspace's trees are.
type branchTrees struct {
	fs.FS
	envs map[string]fs.FS
}

func (b branchTrees) EnvTree(env string) (fs.FS, error) {
	if t, ok := b.envs[env]; ok {
		return t, nil
	}
	return b, nil
}

func TestPlanReadsEachEnvironmentFromItsTree(t *testing.T) {
	cfg := mustConfig(t, `
environments:
  - {name: staging, branch: env/staging}
  - {name: prod, branch: env/prod, path: clusters/prod, from: staging}
  - {name: preview, path: envs/preview, from: staging}
`)
	k := func(tag string) *fstest.MapFile { return file("images:\n- name: web\n  newTag: \"" + tag + "\"\n") }
	tree := branchTrees{
		FS: fstest.MapFS{"envs/preview/kustomization.yaml": k("1")},
		envs: map[string]fs.FS{
			"staging": fstest.MapFS{"kustomization.yaml": k("3")},
			"prod":    fstest.MapFS{"clusters/prod/kustomization.yaml": k("2")},
		},
	}
	trees := Trees{Source: tree, Target: tree}
	for to, want := range map[string]string{
		"prod":    "clusters/prod/kustomization.yaml image web 2 -> 3",
		"preview": "envs/preview/kustomization.yaml image web 1 -> 3",
	} {
		p, err := NewPlan(cfg, Request{To: to}, trees)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(describeChanges(p), "\n"); got != want {
			t.Errorf("to %s: %q, want %q", to, got, want)
		}
		edits, err := Apply(p, trees)
		if err != nil || len(edits) != 1 || !strings.Contains(string(edits[0].Data), `newTag: "3"`) {
			t.Errorf("to %s: edits %v (%v)", to, edits, err)
		}
	}
	st := NewStatus(cfg, tree)
	if err := st.Err(); err != nil || len(st.Environments) != 3 || st.Environments[1].Apps[0].Images[0].NewTag != "2" {
		t.Errorf("status %+v (%v): prod must be read from its own tree", st.Environments, err)
	}
}
