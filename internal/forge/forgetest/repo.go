package forgetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// gitEnv keeps the user's and the machine's git configuration out of the
// tests.
func gitEnv(home string) []string {
	return append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "HOME="+home, "XDG_CONFIG_HOME="+home,
		"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com",
		"GIT_TERMINAL_PROMPT=0")
}

// Git runs the git binary in dir and returns its trimmed output.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv(dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return strings.TrimSpace(string(out))
}

// WriteFiles writes files (slash paths relative to dir).
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// CreateRepo creates the bare repository path (owner/name) on the server
// with one commit on main holding files.
func (s *GitServer) CreateRepo(t testing.TB, path string, files map[string]string) {
	t.Helper()
	work := t.TempDir()
	Git(t, work, "init", "-q", "-b", "main")
	WriteFiles(t, work, files)
	Git(t, work, "add", "-A")
	Git(t, work, "commit", "-q", "-m", "initial")
	dir := s.Dir(path)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	Git(t, filepath.Dir(dir), "clone", "-q", "--bare", "--no-local", work, dir)
	Git(t, dir, "config", "http.receivepack", "true")
}

// Commit adds a commit writing files on branch of the server's
// repository (as another user pushing would) and returns its hash.
func (s *GitServer) Commit(t testing.TB, path, branch, message string, files map[string]string) string {
	t.Helper()
	work := t.TempDir()
	Git(t, work, "clone", "-q", "-b", branch, s.Dir(path), ".")
	WriteFiles(t, work, files)
	Git(t, work, "add", "-A")
	Git(t, work, "commit", "-q", "-m", message)
	Git(t, work, "push", "-q", "origin", "HEAD:refs/heads/"+branch)
	return Git(t, work, "rev-parse", "HEAD")
}

// Branch returns the commit of a branch in the server's repository, ""
// when it does not exist.
func (s *GitServer) Branch(t testing.TB, path, branch string) string {
	t.Helper()
	cmd := exec.Command("git", "rev-parse", "--verify", "-q", "refs/heads/"+branch)
	cmd.Dir = s.Dir(path)
	cmd.Env = gitEnv(s.Root)
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// Clone clones the server's repository into a new directory by path (no
// network), points origin at the server's URL and returns the directory.
func (s *GitServer) Clone(t testing.TB, path string) string {
	t.Helper()
	dir := t.TempDir()
	Git(t, dir, "clone", "-q", s.Dir(path), ".")
	Git(t, dir, "remote", "set-url", "origin", s.RepoURL(path))
	return dir
}

// ShallowClone clones the server's repository as CI checkouts do, with
// git clone --depth depth (file:// so that the clone is really shallow),
// points origin at the server's URL and returns the directory.
func (s *GitServer) ShallowClone(t testing.TB, path string, depth int) string {
	t.Helper()
	dir := t.TempDir()
	Git(t, dir, "clone", "-q", "--depth", strconv.Itoa(depth), "file://"+s.Dir(path), ".")
	Git(t, dir, "remote", "set-url", "origin", s.RepoURL(path))
	return dir
}
