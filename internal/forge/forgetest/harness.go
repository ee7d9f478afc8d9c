package forgetest

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/internal/workspace"
)

// Workspace locates the workspace in dir (a clone) and opens its
// repository as promote does, failing t when it cannot.
func Workspace(t testing.TB, dir string) (*workspace.Workspace, *gitrepo.Repo) {
	t.Helper()
	ws, err := workspace.Locate(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	repo, err := ws.Repo()
	if err != nil {
		t.Fatal(err)
	}
	return ws, repo
}

// NoLeak fails t for each text in seen that holds secret.
func NoLeak(t testing.TB, secret string, seen ...string) {
	t.Helper()
	for _, s := range seen {
		if strings.Contains(s, secret) {
			t.Errorf("the token leaked into:\n%s", s)
		}
	}
}

// Texts returns what reviewers read on the pull requests: their titles,
// bodies and comments.
func (g *GitHub) Texts() []string {
	var out []string
	for _, p := range g.Pulls() {
		out = append(out, p.Title, p.Body, strings.Join(p.Comments, "\n"))
	}
	return out
}

// Texts returns what reviewers read on the merge requests: their titles,
// descriptions and notes.
func (g *GitLab) Texts() []string {
	var out []string
	for _, m := range g.MergeRequests() {
		out = append(out, m.Title, m.Description, strings.Join(m.Notes, "\n"))
	}
	return out
}

// LockedBuffer is a bytes.Buffer that a server or process may write to
// while the test reads it.
type LockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write implements io.Writer.
func (l *LockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns what was written so far.
func (l *LockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
