package forge_test

import (
	"bytes"
	"go/build"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/gitops-promote/promote"

// moduleDeps lists the packages of the module that pkg imports, directly
// or not (test files excluded).
func moduleDeps(t *testing.T, pkg string) []string {
	t.Helper()
	seen := map[string]bool{}
	var visit func(string)
	visit = func(path string) {
		p, err := build.Default.Import(path, ".", 0)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, module+"/") && !seen[imp] {
				seen[imp] = true
				visit(imp)
			}
		}
	}
	visit(pkg)
	var out []string
	for p := range seen {
		out = append(out, strings.TrimPrefix(p, module+"/"))
	}
	slices.Sort(out)
	return out
}

// TestAdaptersKnowNothingOfPlanning: the forge adapters depend on the
// forge packages and git (and internal/parallel, which git's package uses
// to work on every core), never on the planner, the service layer or a
// front end.
func TestAdaptersKnowNothingOfPlanning(t *testing.T) {
	allowed := []string{"internal/forge", "internal/forge/remote", "internal/forge/retry", "internal/forge/secret", "internal/gitrepo", "internal/gitrepo/objread", "internal/mapfile", "internal/parallel"}
	dirs, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var adapters []string
	for _, d := range dirs {
		// connect builds forges and forgetest fakes them: neither is an
		// adapter.
		if p := "internal/forge/" + d.Name(); d.IsDir() && !slices.Contains(allowed, p) && d.Name() != "connect" && d.Name() != "forgetest" {
			adapters = append(adapters, p)
		}
	}
	if len(adapters) < 3 {
		t.Fatalf("adapters found: %v", adapters)
	}
	for _, adapter := range adapters {
		for _, dep := range moduleDeps(t, module+"/"+adapter) {
			if !slices.Contains(allowed, dep) {
				t.Errorf("%s depends on %s", adapter, dep)
			}
		}
	}
}

// TestCommandLineHasNoGit: internal/cli reaches git through the service
// layer only.
func TestCommandLineHasNoGit(t *testing.T) {
	p, err := build.Default.Import(module+"/internal/cli", ".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range p.Imports {
		if strings.HasPrefix(imp, "github.com/go-git/") {
			t.Errorf("internal/cli imports %s", imp)
		}
	}
}

// maxCommandLineLines caps internal/cli's non-test code: the command line
// is flags, options, one service call and output, and what is more than
// that belongs below it.
const maxCommandLineLines = 2600

// TestCommandLineStaysThin: internal/cli's non-test Go code stays within
// maxCommandLineLines lines.
func TestCommandLineStaysThin(t *testing.T) {
	p, err := build.Default.Import(module+"/internal/cli", ".", 0)
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for _, name := range p.GoFiles {
		data, err := os.ReadFile(filepath.Join(p.Dir, name))
		if err != nil {
			t.Fatal(err)
		}
		lines += bytes.Count(data, []byte("\n"))
	}
	if lines > maxCommandLineLines {
		t.Errorf("internal/cli holds %d lines of non-test Go code, more than %d: move what is not flags → options → one service call → output "+
			"into the layer it belongs to (service work into internal/proposal, internal/workspace or internal/review, webhook serving into "+
			"internal/server, CI outputs into internal/actions, text and markdown into internal/report, forge wiring into internal/forge/connect; "+
			"see docs/architecture.md)", lines, maxCommandLineLines)
	}
	if lines < 500 {
		t.Errorf("internal/cli holds %d lines: the count does not read its files", lines)
	}
}
