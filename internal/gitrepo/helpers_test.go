package gitrepo

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// isolateGit points HOME and the global Git configuration at empty temp
// files so that the machine's configuration does not leak into tests.
func isolateGit(tb testing.TB) string {
	tb.Helper()
	home := tb.TempDir()
	global := filepath.Join(home, "gitconfig")
	if err := os.WriteFile(global, nil, 0o644); err != nil {
		tb.Fatal(err)
	}
	tb.Setenv("HOME", home)
	tb.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "xdg"))
	tb.Setenv("GIT_CONFIG_GLOBAL", global)
	tb.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, k := range []string{"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"} {
		tb.Setenv(k, "")
		os.Unsetenv(k)
	}
	return home
}

// runGit runs the git binary in dir and returns its trimmed stdout.
func runGit(tb testing.TB, dir string, args ...string) string {
	tb.Helper()
	out, err := gitErr(dir, args...)
	if err != nil {
		tb.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// gitErr runs the git binary in dir and returns its trimmed output.
func gitErr(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", "-c", "protocol.file.allow=always"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		return strings.TrimSpace(string(out) + string(ee.Stderr)), err
	}
	return strings.TrimSpace(string(out)), err
}

// writeFiles writes files (slash paths) under dir.
func writeFiles(tb testing.TB, dir string, files map[string]string) {
	tb.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// sampleFiles is the content of the first commit of newTestRepo. The
// names "apps", "apps-x" and "apps.txt" sort differently in Git tree
// order and by name.
var sampleFiles = map[string]string{
	"README.md":                        "hello\n",
	"apps.txt":                         "apps list\n",
	"apps-x/one.yaml":                  "x: 1\n",
	"apps/a/kustomization.yaml":        "resources: [deploy.yaml]\n",
	"apps/a/deploy.yaml":               "kind: Deployment\n",
	"apps/b/kustomization.yaml":        "resources: []\n",
	"apps/b/overlays/prod/patch.yaml":  "replicas: 3\n",
	"apps/b/overlays/stage/patch.yaml": "replicas: 1\n",
	"apps/c/config.yaml":               "c: true\n",
}

// newTestRepo creates a repository with sampleFiles, an executable script
// and a symbolic link in one commit on main, then a second commit changing
// README.md. It returns the working tree directory.
func newTestRepo(tb testing.TB) string {
	tb.Helper()
	isolateGit(tb)
	dir := tb.TempDir()
	runGit(tb, dir, "init", "-q")
	writeFiles(tb, dir, sampleFiles)
	writeFiles(tb, dir, map[string]string{"scripts/run.sh": "#!/bin/sh\necho hi\n"})
	if err := os.Chmod(filepath.Join(dir, "scripts/run.sh"), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.Symlink("README.md", filepath.Join(dir, "link")); err != nil {
		tb.Fatal(err)
	}
	runGit(tb, dir, "add", "-A")
	runGit(tb, dir, "commit", "-q", "-m", "first")
	writeFiles(tb, dir, map[string]string{"README.md": "hello again\n"})
	runGit(tb, dir, "commit", "-q", "-am", "second")
	return dir
}

// openRepo opens dir or fails the test.
func openRepo(tb testing.TB, dir string) *Repo {
	tb.Helper()
	r, err := Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// revParse returns the hash git rev-parse prints for rev.
func revParse(tb testing.TB, dir, rev string) plumbing.Hash {
	tb.Helper()
	return plumbing.NewHash(runGit(tb, dir, "rev-parse", "--verify", "-q", rev))
}
