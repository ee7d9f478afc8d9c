package forgetest

import (
	"io"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// GitServer is a git smart-HTTP server on loopback serving the bare
// repositories under Root, requiring HTTP basic authentication with
// Username and Token when Token is set.
type GitServer struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string
	// Root holds the bare repositories (Root/owner/name.git).
	Root string
	// Username and Token are the credentials a client must send.
	Username, Token string

	backend string
	mu      sync.Mutex
	log     []string
	before  []func(*http.Request)
}

// NewGitServer starts a server that requires username and token (no
// authentication when token is empty). It stops when the test ends.
func NewGitServer(t testing.TB, username, token string) *GitServer {
	t.Helper()
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Skipf("git is not installed: %v", err)
	}
	s := &GitServer{Root: t.TempDir(), Username: username, Token: token,
		backend: filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")}
	if _, err := os.Stat(s.backend); err != nil {
		t.Skipf("git-http-backend not found: %v", err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Before registers fn to run before each request is served (after
// authentication), to change the repository under a client's feet.
func (s *GitServer) Before(fn func(*http.Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.before = append(s.before, fn)
}

// Requests returns "METHOD path?query" for every request served.
func (s *GitServer) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

// Pushes counts the receive-pack requests that sent updates.
func (s *GitServer) Pushes() int {
	n := 0
	for _, r := range s.Requests() {
		if strings.HasPrefix(r, "POST ") && strings.Contains(r, "git-receive-pack") {
			n++
		}
	}
	return n
}

// ServeHTTP implements http.Handler.
func (s *GitServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.log = append(s.log, r.Method+" "+r.URL.RequestURI())
	hooks := slices.Clone(s.before)
	s.mu.Unlock()
	user, pass, ok := r.BasicAuth()
	if s.Token != "" && (!ok || user != s.Username || pass != s.Token) {
		w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
		http.Error(w, "authentication required", http.StatusUnauthorized)
		return
	}
	for _, fn := range hooks {
		fn(r)
	}
	h := &cgi.Handler{
		Stderr: io.Discard,
		Path:   s.backend,
		Root:   "/",
		Env: []string{
			"GIT_PROJECT_ROOT=" + s.Root, "GIT_HTTP_EXPORT_ALL=1", "REMOTE_USER=" + first(user, "anonymous"),
			"GIT_CONFIG_NOSYSTEM=1", "HOME=" + s.Root,
		},
	}
	h.ServeHTTP(w, r)
}

// RepoURL is the clone URL of the repository at path (owner/name).
func (s *GitServer) RepoURL(path string) string { return s.URL + "/" + path + ".git" }

// Dir is the bare repository's directory.
func (s *GitServer) Dir(path string) string { return filepath.Join(s.Root, path+".git") }

func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
