package promotabletest

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/promotable"
)

var update = flag.Bool("update", false, "rewrite the expected/ files of the golden tests")

// Golden runs every case directory under root. A case holds
//
//   - source/: the source environment's directory;
//   - input/: the target environment's directory before the promotion;
//   - expected/: the target's directory after it, byte for byte (files
//     not edited are left out).
//
// newScanner returns the scanner for a case (by its directory name). The
// test checks that every edited file equals its expected/ copy, that
// without added values the lines that differ are exactly the lines of
// the values changed (so `diff -r input expected` shows only changed
// values; files with added values or image blocks are compared whole), and that scanning the result finds nothing left to change.
func Golden(t *testing.T, root string, newScanner func(name string) promotable.Scanner) {
	t.Helper()
	cases, err := filepath.Glob(filepath.Join(root, "*"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no golden cases in %s: %v", root, err)
	}
	for _, dir := range cases {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) { runCase(t, dir, newScanner(name)) })
	}
}

func runCase(t *testing.T, dir string, sc promotable.Scanner) {
	fsys := os.DirFS(dir)
	pairs := diff(t, fsys, sc, "input")
	if len(pairs) == 0 {
		t.Fatal("the case promotes nothing")
	}
	edited := apply(t, fsys, sc, pairs)
	if *update {
		writeExpected(t, dir, edited)
		return
	}
	for name, got := range edited {
		rel := strings.TrimPrefix(name, "input/")
		want, err := os.ReadFile(filepath.Join(dir, "expected", filepath.FromSlash(rel)))
		if err != nil {
			t.Fatalf("%s was edited: %v", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from expected/%s\n--- got:\n%s\n--- want:\n%s", name, rel, got, want)
		}
	}
	checkExpectedComplete(t, dir, edited)
	checkLines(t, fsys, pairs, edited)
	if again := diff(t, overlay{fsys, edited}, sc, "input"); len(again) > 0 {
		t.Errorf("after the edits %d values still differ, first %s %s = %q (want %q)", len(again), again[0].Target.File, again[0].Target.Name, again[0].Target.Value, again[0].Want.Value)
	}
}

// diff scans source/ and the target directory and pairs what differs.
func diff(t *testing.T, fsys fs.FS, sc promotable.Scanner, target string) []promotable.Pair {
	t.Helper()
	src, err := sc.Scan(promotable.NewDir(fsys, "source"))
	if err != nil {
		t.Fatalf("scan source: %v", err)
	}
	dd := promotable.NewDir(fsys, target)
	dst, err := sc.Scan(dd)
	if err != nil {
		t.Fatalf("scan %s: %v", target, err)
	}
	var add func(promotable.Found) (promotable.Found, bool, error)
	if a, ok := sc.(promotable.Adder); ok {
		add = func(f promotable.Found) (promotable.Found, bool, error) { return a.Add(dd, f) }
	}
	pairs, err := promotable.Diff(src, dst, add)
	if err != nil {
		t.Fatalf("diff: %v", err)
	}
	return pairs
}

// apply makes the pairs' edits, file by file.
func apply(t *testing.T, fsys fs.FS, ed promotable.Editor, pairs []promotable.Pair) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, p := range pairs {
		data, ok := out[p.Target.File]
		if !ok {
			var err error
			if data, err = fs.ReadFile(fsys, p.Target.File); err != nil {
				t.Fatal(err)
			}
		}
		before := bytes.Clone(data)
		next, err := ed.Edit(data, promotable.EditOf(p))
		if err != nil {
			t.Fatalf("edit %s %s: %v", p.Target.File, p.Target.Name, err)
		}
		if !bytes.Equal(data, before) {
			t.Fatalf("Edit modified its input")
		}
		out[p.Target.File] = next
	}
	return out
}

func writeExpected(t *testing.T, dir string, edited map[string][]byte) {
	for name, data := range edited {
		p := filepath.Join(dir, "expected", filepath.FromSlash(strings.TrimPrefix(name, "input/")))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkExpectedComplete fails when expected/ holds a file that was not
// edited.
func checkExpectedComplete(t *testing.T, dir string, edited map[string][]byte) {
	err := filepath.WalkDir(filepath.Join(dir, "expected"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join(dir, "expected"), p)
		if _, ok := edited["input/"+filepath.ToSlash(rel)]; !ok {
			t.Errorf("expected/%s exists but the file was not edited", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkLines checks, for files where nothing was added, that the lines
// differing between input and result are exactly the changed values'.
func checkLines(t *testing.T, fsys fs.FS, pairs []promotable.Pair, edited map[string][]byte) {
	want := map[string][]int{}
	for _, p := range pairs {
		if p.Added || p.Target.Line == 0 || imageBlock(p) {
			want[p.Target.File] = append(want[p.Target.File], -1)
			continue
		}
		want[p.Target.File] = append(want[p.Target.File], p.Target.Line)
	}
	for file, lines := range want {
		if slices.Contains(lines, -1) {
			continue
		}
		in, _ := fs.ReadFile(fsys, file)
		a, b := strings.SplitAfter(string(in), "\n"), strings.SplitAfter(string(edited[file]), "\n")
		if len(a) != len(b) {
			t.Errorf("%s: %d lines before, %d after: an edit added or removed lines", file, len(a), len(b))
			continue
		}
		var differ []int
		for i := range a {
			if a[i] != b[i] {
				differ = append(differ, i+1)
			}
		}
		slices.Sort(lines)
		if lines = slices.Compact(lines); !slices.Equal(differ, lines) {
			t.Errorf("%s: lines %v differ, want exactly the changed values' lines %v", file, differ, lines)
		}
	}
}

// imageBlock reports a pair whose value spans several lines: a Helm
// image block's repository, tag and digest.
func imageBlock(p promotable.Pair) bool {
	return p.Want.Image != nil && p.Target.Kind != promotable.KindImage
}

// overlay is fsys with some files replaced.
type overlay struct {
	fs.FS
	files map[string][]byte
}

// ReadFile implements fs.ReadFileFS: replaced files first.
func (o overlay) ReadFile(name string) ([]byte, error) {
	if b, ok := o.files[name]; ok {
		return b, nil
	}
	return fs.ReadFile(o.FS, name)
}

// Open opens the original file: listing and Stat see the same files,
// and the scanners read contents with fs.ReadFile, which uses ReadFile.
func (o overlay) Open(name string) (fs.File, error) { return o.FS.Open(path.Clean(name)) }
