package testrepo

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// KustomizeCLI finds the kustomize CLI for parity tests:
// $PROMOTE_KUSTOMIZE, else the one CI caches in
// ~/.cache/promote-bin, else PATH. Without it the test is skipped
// locally and fails in CI (CI set).
func KustomizeCLI(t testing.TB) string {
	t.Helper()
	candidates := []string{os.Getenv("PROMOTE_KUSTOMIZE")}
	if home, err := os.UserHomeDir(); err == nil {
		candidates = append(candidates, filepath.Join(home, ".cache", "promote-bin", "kustomize"))
	}
	if p, err := exec.LookPath("kustomize"); err == nil {
		candidates = append(candidates, p)
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if _, err := os.Stat(c); err == nil {
			return c
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("kustomize CLI not found: .ci/run installs it (set PROMOTE_KUSTOMIZE)")
	}
	t.Skip("kustomize CLI not found: install sigs.k8s.io/kustomize/kustomize/v5 (the version of go.mod's kustomize api) or set PROMOTE_KUSTOMIZE")
	return ""
}
