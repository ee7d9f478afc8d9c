package yamledit

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkApplySet measures the main use case: bumping one tag in a
// kustomization.
func BenchmarkApplySet(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("testdata", "golden", "kustomization-images", "input.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	op := Set(Path{Key("images"), Item("name", "ghcr.io/acme/web"), Key("newTag")}, "1.4.2")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Apply(src, 0, op); err != nil {
			b.Fatal(err)
		}
	}
}
