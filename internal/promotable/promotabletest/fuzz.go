package promotabletest

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/gitops-promote/promote/internal/promotable"
)

// FuzzScan fuzzes a scanner with one file of an environment directory:
// name, holding the fuzzed bytes. The corpus is seeds and every file
// called name in the source/ and input/ directories of the golden cases
// under goldenRoot (when given). Scanning must not panic, must give the
// same result twice, and every value found must name its file and a
// line.
func FuzzScan(f *testing.F, newScanner func() promotable.Scanner, name, goldenRoot string, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	if goldenRoot != "" {
		for _, side := range []string{"source", "input"} {
			files, _ := filepath.Glob(filepath.Join(goldenRoot, "*", side, name))
			for _, file := range files {
				if b, err := os.ReadFile(file); err == nil {
					f.Add(b)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"env/" + name: {Data: data}}
		first, err1 := newScanner().Scan(promotable.NewDir(fsys, "env"))
		again, err2 := newScanner().Scan(promotable.NewDir(fsys, "env"))
		if (err1 == nil) != (err2 == nil) || !reflect.DeepEqual(first, again) {
			t.Fatalf("two scans differ: %v, %v / %v, %v", first, err1, again, err2)
		}
		if err1 != nil {
			if err1.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		for _, v := range first {
			if v.File == "" || v.Line < 0 || v.Kind == "" {
				t.Fatalf("a value without its place: %+v", v)
			}
		}
	})
}
