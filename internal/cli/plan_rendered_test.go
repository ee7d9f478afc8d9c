package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlanRenderedExample runs `promote plan --to prod --rendered` on the
// bundled example at the repository root and compares the output with
// testdata/plan-rendered-example.golden (PROMOTE_UPDATE_GOLDEN=1
// rewrites it).
func TestPlanRenderedExample(t *testing.T) {
	code, out, stderr := runCLI(t, "../..", false, nil, "plan", "--to", "prod", "--rendered")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	file := filepath.Join("testdata", "plan-rendered-example.golden")
	if os.Getenv("PROMOTE_UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("plan --rendered differs from %s:\n--- got\n%s\n--- want\n%s", file, out, want)
	}
	// What a reviewer must see: the image lines and the replaced
	// ConfigMap, nothing else.
	for _, line := range []string{
		"-        image: ghcr.io/acme/web:1.4.1",
		"+        image: ghcr.io/acme/web:1.4.2",
		"-        image: ghcr.io/acme/worker:2.0.0",
		"+        image: ghcr.io/acme/worker:2.0.1",
		"-  CHECKOUT_V2: \"false\"",
		"+  CHECKOUT_V2: \"true\"",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q", line)
		}
	}
	if strings.Contains(out, "v1/Service") {
		t.Error("the unchanged Service is listed")
	}
}
