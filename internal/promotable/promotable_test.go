package promotable

import (
	"strings"
	"testing"
	"testing/fstest"
)

func found(key, value, file string) Found {
	return Found{Kind: KindHelm, Key: key, Name: key, Value: value, File: file}
}

func TestDiff(t *testing.T) {
	src := []Found{found("a", "2", "s1"), found("a", "ignored", "s2"), found("b", "1", "s1"), found("new", "9", "s1")}
	dst := []Found{found("a", "1", "t1"), found("b", "1", "t1"), found("a", "2", "t2"), found("a", "0", "t3"), found("only-target", "5", "t1")}
	add := func(f Found) (Found, bool, error) {
		f.File, f.Value = "added", ""
		return f, f.Key == "new", nil
	}
	pairs, err := Diff(src, dst, add)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pairs {
		got = append(got, p.Target.File+":"+p.Target.Key+":"+p.Target.Value+"->"+p.Want.Value)
	}
	want := "t1:a:1->2 t3:a:0->2 added:new:->9"
	if strings.Join(got, " ") != want {
		t.Errorf("pairs %q\nwant  %q (the source's first value, every differing target occurrence, then additions)", strings.Join(got, " "), want)
	}
	if !pairs[2].Added || pairs[0].Added {
		t.Error("Added marks only the added value")
	}
	if none, _ := Diff(src, dst, nil); len(none) != 2 {
		t.Errorf("without add, %d pairs, want 2", len(none))
	}
}

func TestManifestFilesWithoutKustomization(t *testing.T) {
	fsys := fstest.MapFS{
		"env/a.yaml":            {Data: []byte("kind: Pod\n")},
		"env/sub/b.yml":         {Data: []byte("kind: Pod\n")},
		"env/.git/c.yaml":       {Data: []byte("kind: Pod\n")},
		"env/values.json":       {Data: []byte("{}")},
		"env/terraform.tfvars":  {Data: []byte("a = 1")},
		"other/d.yaml":          {Data: []byte("kind: Pod\n")},
		"env-other/e.yaml":      {Data: []byte("kind: Pod\n")},
		"env/kustomize/x.notes": {Data: []byte("")},
	}
	got, err := (&Dir{FS: fsys, Path: "env"}).ManifestFiles()
	if err != nil || strings.Join(got, " ") != "env/a.yaml env/sub/b.yml" {
		t.Errorf("files %q (%v), want the YAML files under env only, hidden directories skipped", got, err)
	}
}

func TestDocumentsError(t *testing.T) {
	d := &Dir{FS: fstest.MapFS{"f.yaml": {Data: []byte("a: 1\n---\nb: [\n")}}, Path: "."}
	_, err := d.Documents("f.yaml")
	if err == nil || !strings.HasPrefix(err.Error(), "f.yaml:") || !strings.Contains(err.Error(), "invalid YAML") {
		t.Errorf("error %v, want f.yaml:LINE: invalid YAML", err)
	}
}

func TestInside(t *testing.T) {
	for _, tt := range []struct {
		root, p string
		want    bool
	}{
		{"env", "env/a", true}, {"env", "env", true}, {"env", "env2/a", false}, {"env", "base", false},
		{".", "a/b", true}, {".", "../a", false}, {"a/b", "a/b/../c", false},
	} {
		if got := Inside(tt.root, tt.p); got != tt.want {
			t.Errorf("Inside(%q, %q) = %v", tt.root, tt.p, got)
		}
	}
}
