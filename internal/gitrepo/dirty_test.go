package gitrepo

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDirtyFiles(t *testing.T) {
	dir := newTestRepo(t)
	r := openRepo(t, dir)
	if got, err := r.DirtyFiles([]string{"apps", "."}); err != nil || got != nil {
		t.Fatalf("DirtyFiles on a clean tree = %v, %v; want nil", got, err)
	}

	writeFiles(t, dir, map[string]string{
		"apps/a/deploy.yaml":        "modified\n",
		"apps/a/new.yaml":           "added\n",
		"apps/a/tmp/scratch.log":    "ignored\n",
		"apps/a/cache/x.bin":        "ignored dir\n",
		"apps/a/.gitignore":         "cache/\n",
		"apps/b/overlays/dev/p.yml": "new dir\n",
		"apps/c/config.yaml":        "c: true\n", // rewritten with the same content
		"README.md":                 "outside the prefixes\n",
		"apps-x/one.yaml":           "outside too\n",
		".gitignore":                "*.log\n",
	})
	mustDo(t, os.Remove(filepath.Join(dir, "apps/b/kustomization.yaml")))
	mustDo(t, os.RemoveAll(filepath.Join(dir, "apps/b/overlays/stage")))

	got, err := r.DirtyFiles([]string{"apps/a", "apps/b/", "apps/c", "apps/missing"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"apps/a/.gitignore",
		"apps/a/deploy.yaml",
		"apps/a/new.yaml",
		"apps/b/kustomization.yaml",
		"apps/b/overlays/dev/p.yml",
		"apps/b/overlays/stage/patch.yaml",
	}
	if !slices.Equal(got, want) {
		t.Errorf("DirtyFiles = %q\nwant %q", got, want)
	}
	checkAgainstGitStatus(t, dir, []string{"apps/a", "apps/b", "apps/c"}, got)
}

func TestDirtyFilesModesAndTypes(t *testing.T) {
	dir := newTestRepo(t)
	r := openRepo(t, dir)
	mustDo(t, os.Chmod(filepath.Join(dir, "scripts/run.sh"), 0o644))
	mustDo(t, os.Remove(filepath.Join(dir, "link")))
	mustDo(t, os.Symlink("apps.txt", filepath.Join(dir, "link")))
	// A file replaced by a directory and a directory by a file.
	mustDo(t, os.Remove(filepath.Join(dir, "apps.txt")))
	writeFiles(t, dir, map[string]string{"apps.txt/inner": "x"})
	mustDo(t, os.RemoveAll(filepath.Join(dir, "apps-x")))
	writeFiles(t, dir, map[string]string{"apps-x": "now a file"})

	got, err := r.DirtyFiles([]string{""})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"apps-x", "apps-x/one.yaml", "apps.txt", "apps.txt/inner", "link", "scripts/run.sh"}
	if !slices.Equal(got, want) {
		t.Errorf("DirtyFiles = %q\nwant %q", got, want)
	}
	checkAgainstGitStatus(t, dir, []string{"."}, got)

	runGit(t, dir, "config", "core.fileMode", "false")
	r = openRepo(t, dir)
	got, err = r.DirtyFiles([]string{"scripts"})
	if err != nil || got != nil {
		t.Errorf("DirtyFiles with core.fileMode=false = %q, %v; want nil", got, err)
	}
}

func TestDirtyFilesSpecialRepos(t *testing.T) {
	src := newTestRepo(t)
	bare := filepath.Join(t.TempDir(), "bare.git")
	runGit(t, src, "clone", "-q", "--bare", src, bare)
	if got, err := openRepo(t, bare).DirtyFiles([]string{"apps"}); err != nil || got != nil {
		t.Errorf("DirtyFiles on bare = %v, %v; want nil", got, err)
	}

	unborn := t.TempDir()
	runGit(t, unborn, "init", "-q")
	writeFiles(t, unborn, map[string]string{"apps/a/x.yaml": "x"})
	got, err := openRepo(t, unborn).DirtyFiles([]string{"apps"})
	if err != nil || !slices.Equal(got, []string{"apps/a/x.yaml"}) {
		t.Errorf("DirtyFiles on unborn branch = %v, %v", got, err)
	}

	r := openRepo(t, src)
	for _, bad := range []string{"../x", "apps/../..", "/etc", "/"} {
		if _, err := r.DirtyFiles([]string{bad}); err == nil {
			t.Errorf("DirtyFiles(%q) accepted", bad)
		}
	}
}

// checkAgainstGitStatus compares got with what git status reports under
// prefixes.
func checkAgainstGitStatus(t *testing.T, dir string, prefixes, got []string) {
	t.Helper()
	args := append([]string{"status", "--porcelain", "-z", "--untracked-files=all", "--no-renames", "--"}, prefixes...)
	out := runGit(t, dir, args...)
	var want []string
	for _, rec := range splitNUL(out) {
		want = append(want, rec[strings.LastIndexByte(rec, ' ')+1:]) // test paths have no spaces
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("DirtyFiles = %q\ngit status = %q", got, want)
	}
}

// splitNUL splits NUL-terminated records.
func splitNUL(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != 0 {
			i++
		}
		out = append(out, s[:i])
		s = s[min(i+1, len(s)):]
	}
	return out
}

// mustDo fails the test on error.
func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestDirtyFilesIndexStatCache checks the index shortcut never hides an
// edit: a same-size edit right after staging (racily clean) and a staged
// but uncommitted change are both reported, and files untouched since
// staging are not.
func TestDirtyFilesIndexStatCache(t *testing.T) {
	defer func(n int) { indexAfter = n }(indexAfter)
	indexAfter = 1 // use the index from the first file on
	dir := newTestRepo(t)
	// Refresh the index so its stat data is current, then wait so the
	// entries are older than the index file.
	runGit(t, dir, "update-index", "--refresh")
	r := openRepo(t, dir)
	if got, err := r.DirtyFiles([]string{"."}); err != nil || got != nil {
		t.Fatalf("clean tree with an index: %v, %v", got, err)
	}
	if c := r.statCache(); len(c.entries) == 0 {
		t.Fatal("the index was not loaded")
	}

	// Staged, not committed: the worktree matches the index but not HEAD.
	writeFiles(t, dir, map[string]string{"apps/a/deploy.yaml": "staged edit\n"})
	runGit(t, dir, "add", "apps/a/deploy.yaml")
	// Same size, written right after the index: racily clean, so hashed.
	old, err := os.ReadFile(filepath.Join(dir, "apps/c/config.yaml"))
	mustDo(t, err)
	runGit(t, dir, "update-index", "--refresh")
	writeFiles(t, dir, map[string]string{"apps/c/config.yaml": strings.Repeat("z", len(old))})

	got, err := openRepo(t, dir).DirtyFiles([]string{"apps"})
	mustDo(t, err)
	want := []string{"apps/a/deploy.yaml", "apps/c/config.yaml"}
	if !slices.Equal(got, want) {
		t.Errorf("DirtyFiles = %q, want %q", got, want)
	}
}

// TestDirtyFilesManyPrefixes checks that prefixes scanned at the same
// time, overlapping ones included, list each dirty file once, sorted, and
// that a .gitignore read for one prefix applies to the others.
func TestDirtyFilesManyPrefixes(t *testing.T) {
	dir := newTestRepo(t)
	writeFiles(t, dir, map[string]string{
		"apps/a/deploy.yaml":  "modified\n",
		"apps/a/x.log":        "ignored\n",
		"apps/b/new.yaml":     "added\n",
		"apps/b/y.log":        "ignored\n",
		"apps/.gitignore":     "*.log\n",
		"apps/c/config.yaml":  "changed: true\n",
		"apps/c/sub/new.yaml": "added\n",
	})
	prefixes := []string{"apps/c", "apps/a", "apps", "apps/b", "apps/a/", "apps/c/sub"}
	for range 20 {
		prefixes = append(prefixes, "apps/b", "apps/c", "apps/missing")
	}
	got, err := openRepo(t, dir).DirtyFiles(prefixes)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"apps/.gitignore", "apps/a/deploy.yaml", "apps/b/new.yaml", "apps/c/config.yaml", "apps/c/sub/new.yaml"}
	if !slices.Equal(got, want) {
		t.Errorf("DirtyFiles = %q\nwant %q", got, want)
	}
	checkAgainstGitStatus(t, dir, []string{"apps"}, got)
}
