package promote

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// fakeProvenance serves trees and signature checks by commit.
type fakeProvenance struct {
	trees map[string]fs.FS
	good  map[string]bool
}

func (p fakeProvenance) TreeAt(commit string) (fs.FS, error) {
	if t, ok := p.trees[commit]; ok {
		return t, nil
	}
	return nil, fmt.Errorf("unknown revision %q", commit)
}

func (p fakeProvenance) Signature(commit string) (SignatureCheck, error) {
	return SignatureCheck{Signed: p.good[commit], Good: p.good[commit]}, nil
}

// stagingAt is a tree whose staging runs web:tag (prod runs prodTag).
func stagingAt(tag, prodTag string) fstest.MapFS {
	fsys := prodAt(prodTag, "", "2")
	fsys["envs/staging/kustomization.yaml"] = file("images:\n  - name: ghcr.io/acme/web\n    newTag: \"" + tag + "\"\n")
	return fsys
}

func TestVerify(t *testing.T) {
	cfg := mustConfig(t, pipeline)
	before := prodAt("1.0", "", "2")
	after := func(tag string) fstest.MapFS { return prodAt(tag, "", "2") }
	prov := fakeProvenance{
		trees: map[string]fs.FS{"s1": stagingAt("1.1", "1.0"), "p0": prodAt("0.9", "", "2")},
		good:  map[string]bool{"signed": true, "tip": true},
	}
	for _, tc := range []struct {
		name   string
		commit EnvCommit
		signed bool
		want   string // reason of the one untraced change, "" when proven
	}{
		{"promotion from its source", EnvCommit{Commit: "c", Message: "p\n\nPromote-From: staging\nPromote-To: prod\nPromote-Source-Commit: s1\n", After: after("1.1")}, false, ""},
		{"merged promotion", EnvCommit{Commit: "m", Message: "Merge pull request #1\n", Merged: "tip", MergedMessage: "p\n\nPromote-From: staging\nPromote-Source-Commit: s1\n", After: after("1.1")}, true, ""},
		{"hand edit", EnvCommit{Commit: "c", Message: "prod: bump\n", After: after("1.1")}, false, "not a promotion"},
		{"edited promotion", EnvCommit{Commit: "c", Message: "p\n\nPromote-From: staging\nPromote-Source-Commit: s1\n", After: after("1.1-rc")}, false, "values differ from staging@s1 (staging has 1.1)"},
		{"unknown source commit", EnvCommit{Commit: "c", Message: "p\n\nPromote-From: staging\nPromote-Source-Commit: nope\n", After: after("1.1")}, false, `source staging@nope cannot be read: unknown revision "nope"`},
		{"no source commit", EnvCommit{Commit: "c", Message: "p\n\nPromote-From: staging\n", After: after("1.1")}, false, "a promotion from staging without Promote-Source-Commit: its source cannot be checked"},
		{"unknown source environment", EnvCommit{Commit: "c", Message: "p\n\nPromote-From: qa\nPromote-Source-Commit: s1\n", After: after("1.1")}, false, `Promote-From names "qa", which is not an environment`},
		{"promotion to another environment", EnvCommit{Commit: "c", Message: "p\n\nPromote-From: dev\nPromote-To: staging\nPromote-Source-Commit: s1\n", After: after("1.1")}, false, "a promotion to staging (Promote-To), not to prod"},
		{"rollback", EnvCommit{Commit: "c", Message: "r\n\nPromote-To: prod\nPromote-Rollback-To: p0\n", After: after("0.9")}, false, ""},
		{"rollback to another value", EnvCommit{Commit: "c", Message: "r\n\nPromote-Rollback-To: p0\n", After: after("0.8")}, false, "values differ from prod@p0 (prod has 0.9)"},
		{"set-image", EnvCommit{Commit: "c", Message: "s\n\nPromote-From: build\nPromote-To: prod\nPromote-Image: ghcr.io/acme/web=ghcr.io/acme/web:2.0\n", After: after("2.0")}, false, ""},
		{"set-image edited", EnvCommit{Commit: "c", Message: "s\n\nPromote-From: build\nPromote-Image: ghcr.io/acme/web=ghcr.io/acme/web:2.0\n", After: after("2.1")}, false, "values differ from the Promote-Image trailer (ghcr.io/acme/web:2.0)"},
		{"set-image of another image", EnvCommit{Commit: "c", Message: "s\n\nPromote-From: build\nPromote-Image: other=other:2.0\n", After: after("2.0")}, false, "no Promote-Image trailer names ghcr.io/acme/web"},
		{"signed promotion", EnvCommit{Commit: "signed", Message: "p\n\nPromote-From: staging\nPromote-Source-Commit: s1\n", After: after("1.1")}, true, ""},
		{"unsigned promotion", EnvCommit{Commit: "c", Message: "p\n\nPromote-From: staging\nPromote-Source-Commit: s1\n", After: after("1.1")}, true, "unsigned"},
		{"unsigned hand edit", EnvCommit{Commit: "c", Message: "bump\n", After: after("1.1")}, true, "not a promotion"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.commit
			c.Before, c.Parent = before, "p"
			rep, err := Verify(cfg, VerifyRequest{Env: "prod", RequireSigned: tc.signed}, commits(c), prov)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Commits != 1 {
				t.Fatalf("%d commits checked, want 1", rep.Commits)
			}
			switch {
			case tc.want == "" && !rep.OK():
				t.Errorf("untraced %+v, want none", rep.Untraced)
			case tc.want != "" && (len(rep.Untraced) != 1 || rep.Untraced[0].Reason != tc.want):
				t.Errorf("untraced %+v, want one: %s", rep.Untraced, tc.want)
			case tc.want != "":
				u := rep.Untraced[0]
				if u.File != "envs/prod/kustomization.yaml" || u.Line != 3 || u.Old != "1.0" || u.Name != "ghcr.io/acme/web" {
					t.Errorf("untraced change %+v: want envs/prod/kustomization.yaml:3 ghcr.io/acme/web from 1.0", u)
				}
			}
		})
	}
}

func TestVerifyStopsAtSinceAndSkipsOtherFiles(t *testing.T) {
	cfg := mustConfig(t, pipeline)
	v10 := prodAt("1.0", "", "2")
	v10r := prodAt("1.0", "", "5")
	walk := commits(
		EnvCommit{Commit: "c3", Message: "scale\n", Before: v10, After: v10r},
		EnvCommit{Commit: "c2", Message: "bump\n", Before: prodAt("0.9", "", "2"), After: v10},
		EnvCommit{Commit: "c1", Message: "initial\n", After: prodAt("0.9", "", "2")},
	)
	rep, err := Verify(cfg, VerifyRequest{Env: "prod", Since: func(c string) bool { return c == "c1" }}, walk, fakeProvenance{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Commits != 1 || len(rep.Untraced) != 1 || rep.Untraced[0].Commit != "c2" {
		t.Errorf("report %+v: want only c2 checked (c3 changed no promotable, c1 is --since)", rep)
	}
	if _, err := Verify(cfg, VerifyRequest{Env: "qa"}, walk, fakeProvenance{}); err == nil || !strings.Contains(err.Error(), "qa") {
		t.Errorf("unknown environment: %v", err)
	}
}

// TestVerifyHelmValuesByFile: the same values path in two files is two
// promotables; only the one whose value differs from the source is
// named.
func TestVerifyHelmValuesByFile(t *testing.T) {
	cfg := mustConfig(t, `environments:
  - {name: staging, path: envs/staging}
  - {name: prod, path: envs/prod, from: staging}
promote:
  images: false
  helm: [{file: values.yaml, paths: [image.tag]}, {file: worker.yaml, paths: [image.tag]}]
`)
	tree := func(env, web, worker string) fstest.MapFS {
		return fstest.MapFS{
			"envs/" + env + "/values.yaml": file("image:\n  tag: \"" + web + "\"\n"),
			"envs/" + env + "/worker.yaml": file("image:\n  tag: \"" + worker + "\"\n"),
		}
	}
	source := tree("staging", "2", "5")
	c := EnvCommit{Commit: "c", Parent: "p", Message: "p\n\nPromote-From: staging\nPromote-Source-Commit: s1\n",
		Before: tree("prod", "1", "4"), After: tree("prod", "2", "6")}
	rep, err := Verify(cfg, VerifyRequest{Env: "prod"}, commits(c), fakeProvenance{trees: map[string]fs.FS{"s1": source}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Untraced) != 1 || rep.Untraced[0].File != "envs/prod/worker.yaml" || rep.Untraced[0].Reason != "values differ from staging@s1 (staging has 5)" {
		t.Errorf("untraced %+v, want only worker.yaml's image.tag", rep.Untraced)
	}
}
