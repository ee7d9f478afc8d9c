package refs

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gitops-promote/promote/internal/promotable"
	"github.com/gitops-promote/promote/internal/promotable/promotabletest"
)

func TestGolden(t *testing.T) {
	promotabletest.Golden(t, "testdata/golden", func(name string) promotable.Scanner {
		if name == "gitrepository" {
			return GitRepositories{}
		}
		return RemoteBases{}
	})
}

func TestSplitRef(t *testing.T) {
	for _, tt := range []struct{ in, base, ref string }{
		{"github.com/acme/app//deploy?ref=v1.2.3", "github.com/acme/app//deploy", "v1.2.3"},
		{"https://x/y.git//d?timeout=9s&ref=main", "https://x/y.git//d?timeout=9s", "main"},
		{"https://x/y.git//d?ref=main&timeout=9s", "https://x/y.git//d?timeout=9s", "main"},
		{"git@github.com:acme/app.git/deploy?ref=abc123", "git@github.com:acme/app.git/deploy", "abc123"},
	} {
		base, ref, ok := SplitRef(tt.in)
		if !ok || base != tt.base || ref != tt.ref {
			t.Errorf("SplitRef(%q) = %q, %q, %v; want %q, %q", tt.in, base, ref, ok, tt.base, tt.ref)
		}
		if got := SetRef(tt.in, "NEW"); got != strings.Replace(tt.in, "ref="+tt.ref, "ref=NEW", 1) {
			t.Errorf("SetRef(%q) = %q", tt.in, got)
		}
	}
	if _, _, ok := SplitRef("../base"); ok {
		t.Error("a local path has no ref")
	}
}

func TestEditRefusesUnsafeRefs(t *testing.T) {
	data := []byte("resources:\n- github.com/a/b//c?ref=v1\n")
	i := 0
	e := promotable.Edit{At: promotable.Locator{Scanner: RemoteBasesName, Path: "resources", Index: &i}, File: "k.yaml", Name: "github.com/a/b//c", Old: "v1"}
	for _, bad := range []string{"v2 # x", "v2\nx: y", "", "-v2"} {
		e.New = bad
		if _, err := (RemoteBases{}).Edit(data, e); err == nil || !strings.Contains(err.Error(), "k.yaml") {
			t.Errorf("ref %q: error %v, want a refusal naming k.yaml", bad, err)
		}
	}
	e.New, e.Old = "v2", "v0"
	if _, err := (RemoteBases{}).Edit(data, e); err == nil || !strings.Contains(err.Error(), "k.yaml:2:") {
		t.Errorf("stale old value: error %v, want one naming k.yaml:2", err)
	}
}

func TestScanOnlyWithRef(t *testing.T) {
	fsys := fstest.MapFS{"env/kustomization.yaml": {Data: []byte("resources:\n- ../base\n- github.com/a/b//c\n- github.com/a/b//d?ref=v2\n")}}
	got, err := RemoteBases{}.Scan(promotable.NewDir(fsys, "env"))
	if err != nil || len(got) != 1 || got[0].Name != "github.com/a/b//d" || *got[0].At.Index != 2 {
		t.Errorf("found %+v (%v), want only the pinned base at index 2", got, err)
	}
}
