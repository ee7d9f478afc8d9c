package promote

import (
	"errors"
	"iter"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestParseCommitMessage(t *testing.T) {
	for _, tc := range []struct {
		name, msg string
		want      CommitMeta
	}{
		{"github merge", "Merge pull request #123 from acme/promote/staging-to-prod\n\npromote(prod): web 1.2\n",
			CommitMeta{Subject: "Merge pull request #123 from acme/promote/staging-to-prod", PR: &PullRequest{123, "#123"}}},
		{"github squash with trailers", "promote(prod): web 1.2 (#45)\n\nPromote prod.\n\nPromote-From: staging\nPromote-To: prod\nPromote-Source-Commit: 0123abcd\n",
			CommitMeta{Subject: "promote(prod): web 1.2 (#45)", PR: &PullRequest{45, "#45"}, From: "staging", SourceCommit: "0123abcd"}},
		{"gitlab merge", "Merge branch 'promote/staging-to-prod' into 'main'\n\npromote(prod): web 1.2\n\nSee merge request acme/gitops!45\n",
			CommitMeta{Subject: "Merge branch 'promote/staging-to-prod' into 'main'", PR: &PullRequest{45, "acme/gitops!45"}}},
		{"squash of several commits: first trailer wins", "promote(prod): web (#9)\n\n* one\n\nPromote-From: staging\n\n* two\n\nPromote-From: dev\n",
			CommitMeta{Subject: "promote(prod): web (#9)", PR: &PullRequest{9, "#9"}, From: "staging"}},
		{"rollback", "rollback(prod): web 1.2 → 1.1\n\nPromote-To: prod\nPromote-Rollback-To: 89abcdef\n",
			CommitMeta{Subject: "rollback(prod): web 1.2 → 1.1", RollbackTo: "89abcdef"}},
		{"direct edit", "bump replicas\n", CommitMeta{Subject: "bump replicas"}},
		{"number in the middle is not a PR", "fix (#12) later\n", CommitMeta{Subject: "fix (#12) later"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseCommitMessage(tc.msg)
			if got.Subject != tc.want.Subject || got.From != tc.want.From || got.SourceCommit != tc.want.SourceCommit || got.RollbackTo != tc.want.RollbackTo {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if (got.PR == nil) != (tc.want.PR == nil) || got.PR != nil && *got.PR != *tc.want.PR {
				t.Errorf("PR %+v, want %+v", got.PR, tc.want.PR)
			}
		})
	}
}

// prodAt is a tree with prod at web:tag, an extra file and replicas.
func prodAt(tag, props, replicas string) fstest.MapFS {
	fsys := fstest.MapFS{
		"envs/prod/kustomization.yaml": file("resources: [replicas.yaml]\nimages:\n  - name: ghcr.io/acme/web\n    newTag: \"" + tag + "\"\n"),
		"envs/prod/replicas.yaml":      file("replicas: " + replicas + "\n"),
	}
	if props != "" {
		fsys["envs/prod/config/app.properties"] = file(props)
	}
	return fsys
}

func commits(cs ...EnvCommit) iter.Seq2[EnvCommit, error] {
	return func(yield func(EnvCommit, error) bool) {
		for _, c := range cs {
			if !yield(c, nil) {
				return
			}
		}
	}
}

func TestHistoryComparesContent(t *testing.T) {
	cfg := mustConfig(t, pipeline)
	v10, v11, v11r, v12 := prodAt("1.0", "", "2"), prodAt("1.1", "a=1\n", "2"), prodAt("1.1", "a=1\n", "5"), prodAt("1.2", "a=2\n", "5")
	date := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	walk := commits(
		EnvCommit{Commit: "c4", Parent: "c3", Author: "Ada", Date: date, Message: "promote(prod): web 1.2 (#2)\n\nPromote-From: staging\n", Before: v11r, After: v12},
		EnvCommit{Commit: "c3", Parent: "c2", Author: "Bob", Message: "prod: more replicas\n", Before: v11, After: v11r},
		EnvCommit{Commit: "c2", Parent: "c1", Message: "Merge pull request #1 from acme/x\n", MergedMessage: "promote(prod): web 1.1\n\nPromote-From: staging\nPromote-Source-Commit: s1\n", Before: v10, After: v11},
		EnvCommit{Commit: "c1", Message: "initial\n", After: v10},
	)
	entries, err := History(cfg, HistoryRequest{Env: "prod"}, walk)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		line := e.Commit + " " + e.Subject + " from=" + e.From + "@" + e.SourceCommit
		if e.PR != nil {
			line += " " + e.PR.Ref
		}
		for _, c := range e.Changes {
			line += " | " + c.Kind + " " + c.Name + " " + c.Old + " -> " + c.New
		}
		got = append(got, line)
	}
	h := shortHash
	want := []string{
		"c4 promote(prod): web 1.2 (#2) from=staging@ #2 | image ghcr.io/acme/web 1.1 -> 1.2 | file config/app.properties " + h([]byte("a=1\n")) + " -> " + h([]byte("a=2\n")),
		"c2 Merge pull request #1 from acme/x from=staging@s1 #1 | image ghcr.io/acme/web 1.0 -> 1.1 | file config/app.properties  -> " + h([]byte("a=1\n")),
		"c1 initial from=@ | image ghcr.io/acme/web  -> 1.0",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if c := entries[0].Changes[0]; c.File != "envs/prod/kustomization.yaml" || c.Line != 3 || c.Image.Old.NewTag != "1.1" || !entries[0].Date.Equal(date) || entries[0].Author != "Ada" {
		t.Errorf("first change %+v, entry %+v", c, entries[0])
	}
}

func TestHistoryLimitStopsTheWalk(t *testing.T) {
	cfg := mustConfig(t, pipeline)
	visited := 0
	walk := func(yield func(EnvCommit, error) bool) {
		for i := 0; i < 10; i++ {
			visited++
			if !yield(EnvCommit{Commit: "c", Before: prodAt("1", "", "1"), After: prodAt("2", "", "1")}, nil) {
				return
			}
		}
	}
	entries, err := History(cfg, HistoryRequest{Env: "prod", Limit: 2}, walk)
	if err != nil || len(entries) != 2 || visited != 2 {
		t.Errorf("got %d entries after visiting %d commits (err %v), want 2 and 2", len(entries), visited, err)
	}
}

func TestHistoryRemovalsAndUnreadableCommits(t *testing.T) {
	cfg := mustConfig(t, pipeline)
	broken := fstest.MapFS{"envs/prod/kustomization.yaml": file("images: [\n")}
	walk := commits(
		EnvCommit{Commit: "c3", Message: "remove prod\n", Before: prodAt("1.1", "a=1\n", "2"), After: fstest.MapFS{"envs/dev/kustomization.yaml": file("{}\n")}},
		EnvCommit{Commit: "c2", Message: "fix yaml\n", Before: broken, After: prodAt("1.1", "a=1\n", "2")},
	)
	entries, err := History(cfg, HistoryRequest{Env: "prod"}, walk)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("got %d entries, want 2", len(entries))
	}
	removed := describeHistory(entries[0])
	if want := "image ghcr.io/acme/web 1.1 -> ; file config/app.properties " + shortHash([]byte("a=1\n")) + " -> "; removed != want {
		t.Errorf("removal: got %q, want %q", removed, want)
	}
	if len(entries[1].Notes) != 1 || !strings.Contains(entries[1].Notes[0], "envs/prod/kustomization.yaml:") {
		t.Errorf("unreadable kustomization: notes %q, want one naming the file", entries[1].Notes)
	}
}

func describeHistory(e HistoryEntry) string {
	var parts []string
	for _, c := range e.Changes {
		parts = append(parts, c.Kind+" "+c.Name+" "+c.Old+" -> "+c.New)
	}
	return strings.Join(parts, "; ")
}

func TestHistoryApps(t *testing.T) {
	cfg := mustConfig(t, "apps:\n  path: apps/{app}/overlays/{env}\nenvironments:\n  - name: staging\n  - name: prod\n    from: staging\n")
	before := fstest.MapFS{
		"apps/web/overlays/prod/kustomization.yaml": file("images: [{name: web, newTag: \"1\"}]\n"),
		"apps/api/overlays/prod/kustomization.yaml": file("images: [{name: api, newTag: \"1\"}]\n"),
	}
	after := fstest.MapFS{
		"apps/web/overlays/prod/kustomization.yaml": file("images: [{name: web, newTag: \"2\"}]\n"),
		"apps/api/overlays/prod/kustomization.yaml": file("images: [{name: api, newTag: \"2\"}]\n"),
	}
	c := EnvCommit{Commit: "c1", Before: before, After: after, Apps: []string{"api", "web"}}
	all, err := History(cfg, HistoryRequest{Env: "prod"}, commits(c))
	if err != nil || len(all) != 1 || len(all[0].Changes) != 2 || all[0].Changes[0].App != "api" {
		t.Fatalf("all apps: %+v, %v", all, err)
	}
	web, err := History(cfg, HistoryRequest{Env: "prod", Apps: []string{"web"}}, commits(c))
	if err != nil || len(web) != 1 || len(web[0].Changes) != 1 || web[0].Changes[0].App != "web" {
		t.Errorf("--app web: %+v, %v", web, err)
	}
	if got := cfg.EnvPatterns(cfg.Environments[1], nil); !slices.Equal(got, []string{"apps/*/overlays/prod"}) {
		t.Errorf("patterns %q", got)
	}
	prod := cfg.Environments[1]
	for dir, want := range map[string]string{"apps/web/overlays/prod": "web", "apps/web/overlays/staging": "", "apps/web/base": ""} {
		if app, _ := cfg.AppOfDir(prod, dir); app != want {
			t.Errorf("AppOfDir(%s) = %q, want %q", dir, app, want)
		}
	}
}

func TestHistoryErrors(t *testing.T) {
	cfg := mustConfig(t, pipeline)
	if _, err := History(cfg, HistoryRequest{Env: "qa"}, commits()); err == nil || !strings.Contains(err.Error(), `unknown environment "qa"`) {
		t.Errorf("unknown environment: %v", err)
	}
	boom := errors.New("boom")
	walk := func(yield func(EnvCommit, error) bool) { yield(EnvCommit{}, boom) }
	if _, err := History(cfg, HistoryRequest{Env: "prod"}, walk); !errors.Is(err, boom) {
		t.Errorf("walk error: %v", err)
	}
}
