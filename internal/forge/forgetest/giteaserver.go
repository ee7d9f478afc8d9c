package forgetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/template"
	"time"
)

// GiteaVersion is the Gitea release the real-server tests run.
const GiteaVersion = "1.27.3"

// GiteaBinEnv names the environment variable that points at a gitea
// binary (with options/ and templates/ beside it); .ci/gitea.sh builds it
// and sets it.
const GiteaBinEnv = "PROMOTE_GITEA_BIN"

// GiteaBinary locates the gitea binary: $GiteaBinEnv, else
// ~/.cache/promote-gitea/v<GiteaVersion>/gitea. The error says how to
// build it.
func GiteaBinary() (string, error) {
	p := os.Getenv(GiteaBinEnv)
	if p == "" {
		home, _ := os.UserHomeDir()
		p = filepath.Join(home, ".cache", "promote-gitea", "v"+GiteaVersion, "gitea")
	}
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("gitea %s not found at %s: build it with bash .ci/gitea.sh (about 8 minutes, cached after), or set %s", GiteaVersion, p, GiteaBinEnv)
	}
	// Built without bindata, gitea reads its locale files next to the
	// binary and refuses to start without them.
	if _, err := os.Stat(filepath.Join(filepath.Dir(p), "options", "locale")); err != nil {
		return "", fmt.Errorf("gitea at %s has no options/locale beside it: rebuild it with bash .ci/gitea.sh", p)
	}
	return p, nil
}

// Gitea is a real Gitea server on loopback with an admin user and a
// token, started from a fresh work directory.
type Gitea struct {
	// URL is the server's root URL, the subpath included, without a
	// trailing slash: http://127.0.0.1:PORT/gitea.
	URL string
	// User, Password and Token are the admin's.
	User, Password, Token string

	bin, dir, config string
	direct           string // the server's own address
	proxy            *httptest.Server
	cmd              *exec.Cmd
	log              LockedBuffer
	exited           chan struct{} // closed when the server process has ended
	waitErr          error         // how it ended, set before exited is closed
}

// GiteaOptions configure a server.
type GiteaOptions struct {
	// SubPath serves Gitea under a path ("gitea") behind a reverse proxy
	// that strips it, as self-hosted servers sharing a host are run (Gitea
	// itself answers at the root and writes ROOT_URL in its links).
	SubPath string
}

// giteaINI is the server's configuration: sqlite, no installer, no ssh,
// nothing fetched from outside, webhooks allowed to loopback.
var giteaINI = template.Must(template.New("app.ini").Parse(`{{if .Root}}I_AM_BEING_UNSAFE_RUNNING_AS_ROOT = true
{{end}}APP_NAME = promote tests
RUN_MODE = prod
WORK_PATH = {{.Dir}}

[server]
PROTOCOL = http
HTTP_ADDR = 127.0.0.1
HTTP_PORT = {{.Port}}
ROOT_URL = {{.URL}}/
DISABLE_SSH = true
START_SSH_SERVER = false
OFFLINE_MODE = true
LFS_START_SERVER = false
STATIC_ROOT_PATH = {{.Static}}
APP_DATA_PATH = {{.Dir}}/data

[database]
DB_TYPE = sqlite3
PATH = {{.Dir}}/data/gitea.db
SQLITE_JOURNAL_MODE = WAL

[repository]
ROOT = {{.Dir}}/repositories
DEFAULT_BRANCH = main

[security]
INSTALL_LOCK = true
SECRET_KEY = {{.Secret}}
INTERNAL_TOKEN = {{.Internal}}
PASSWORD_HASH_ALGO = pbkdf2_hi

[oauth2]
ENABLED = false

[service]
DISABLE_REGISTRATION = true
DEFAULT_ALLOW_CREATE_ORGANIZATION = true

[webhook]
ALLOWED_HOST_LIST = loopback
DELIVER_TIMEOUT = 10

[indexer]
ISSUE_INDEXER_TYPE = db
REPO_INDEXER_ENABLED = false

[queue]
TYPE = channel

[session]
PROVIDER = memory

[cache]
ADAPTER = memory

[mailer]
ENABLED = false

[actions]
ENABLED = false

[cron]
ENABLED = false

[log]
MODE = file
LEVEL = Warn
ROOT_PATH = {{.Dir}}/log
`))

// StartGitea starts a server from bin in a new work directory under dir:
// it writes app.ini, runs gitea migrate and admin user create, starts
// gitea web on a free port and creates the admin's token (all scopes).
// Stop ends it.
func StartGitea(bin, dir string, o GiteaOptions) (*Gitea, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	g := &Gitea{bin: bin, dir: dir, User: "promote-admin", Password: randomHex(12), exited: make(chan struct{})}
	g.direct = fmt.Sprintf("http://127.0.0.1:%d", port)
	g.URL = g.direct
	if sub := strings.Trim(o.SubPath, "/"); sub != "" {
		g.proxy = subPathProxy(g.direct, "/"+sub)
		g.URL = g.proxy.URL + "/" + sub
	}
	g.config = filepath.Join(dir, "app.ini")
	if err := g.writeConfig(port); err != nil {
		return nil, err
	}
	if out, err := g.run("migrate"); err != nil {
		return nil, fmt.Errorf("gitea migrate: %w\n%s", err, out)
	}
	if out, err := g.run("admin", "user", "create", "--admin", "--username", g.User, "--password", g.Password,
		"--email", g.User+"@example.invalid", "--must-change-password=false"); err != nil {
		return nil, fmt.Errorf("gitea admin user create: %w\n%s", err, out)
	}
	g.cmd = exec.Command(bin, "web", "--config", g.config, "--work-path", dir)
	g.cmd.Env = g.env()
	g.cmd.Stdout, g.cmd.Stderr = &g.log, &g.log
	if err := g.cmd.Start(); err != nil {
		return nil, fmt.Errorf("gitea web: %w", err)
	}
	go func() { g.waitErr = g.cmd.Wait(); close(g.exited) }()
	if err := g.waitReady(60 * time.Second); err != nil {
		g.Stop()
		return nil, err
	}
	if g.Token, err = g.createToken(); err != nil {
		g.Stop()
		return nil, err
	}
	return g, nil
}

func (g *Gitea) writeConfig(port int) error {
	for _, d := range []string{"data", "repositories", "log", "home"} {
		if err := os.MkdirAll(filepath.Join(g.dir, d), 0o755); err != nil {
			return err
		}
	}
	var b bytes.Buffer
	err := giteaINI.Execute(&b, map[string]any{
		"Root": os.Geteuid() == 0, "Dir": g.dir, "Port": port, "URL": g.URL, "Static": filepath.Dir(g.bin),
		"Secret": randomHex(16), "Internal": randomHex(32),
	})
	if err != nil {
		return err
	}
	return os.WriteFile(g.config, b.Bytes(), 0o600)
}

func (g *Gitea) env() []string {
	return append(os.Environ(), "GITEA_WORK_DIR="+g.dir, "HOME="+filepath.Join(g.dir, "home"), "GITEA_CUSTOM="+filepath.Join(g.dir, "custom"))
}

func (g *Gitea) run(args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, g.bin, append(args, "--config", g.config, "--work-path", g.dir)...)
	cmd.Env = g.env()
	return cmd.CombinedOutput()
}

// waitReady polls the version endpoint until the server answers.
func (g *Gitea) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-g.exited:
			return fmt.Errorf("gitea web exited: %v\n%s", g.waitErr, g.log.String())
		default:
		}
		resp, err := http.Get(g.direct + "/api/v1/version")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("gitea did not answer within %s\n%s", limit, g.log.String())
}

// createToken makes the admin's access token with all scopes, by basic
// authentication.
func (g *Gitea) createToken() (string, error) {
	var out struct {
		SHA1 string `json:"sha1"`
	}
	err := g.do(http.MethodPost, "/users/"+g.User+"/tokens", map[string]any{"name": "promote-tests", "scopes": []string{"all"}}, &out, true)
	if err != nil {
		return "", fmt.Errorf("create a token: %w", err)
	}
	return out.SHA1, nil
}

// API sends a request to the REST API (path below /api/v1) as the admin
// with the token, decoding the answer into out when it is not nil.
func (g *Gitea) API(method, path string, in, out any) error {
	return g.do(method, path, in, out, false)
}

func (g *Gitea) do(method, path string, in, out any, basic bool) error {
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, g.URL+"/api/v1"+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if basic {
		req.SetBasicAuth(g.User, g.Password)
	} else {
		req.Header.Set("Authorization", "token "+g.Token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// RepoURL is a repository's clone URL (owner/name), without credentials.
func (g *Gitea) RepoURL(path string) string { return g.URL + "/" + path + ".git" }

// AuthURL is a repository's clone URL carrying the admin's token.
func (g *Gitea) AuthURL(path string) string {
	return strings.Replace(g.RepoURL(path), "://", "://"+g.User+":"+g.Token+"@", 1)
}

// Log returns what the server printed.
func (g *Gitea) Log() string { return g.log.String() }

// subPathProxy serves target under prefix, the way a reverse proxy in
// front of a self-hosted server does.
func subPathProxy(target, prefix string) *httptest.Server {
	u, _ := url.Parse(target)
	rp := httputil.NewSingleHostReverseProxy(u)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, prefix+"/")
		if !ok {
			http.NotFound(w, r)
			return
		}
		r.URL.Path, r.URL.RawPath = "/"+rest, ""
		rp.ServeHTTP(w, r)
	}))
}

// Stop ends the server.
func (g *Gitea) Stop() {
	if g.proxy != nil {
		g.proxy.Close()
		g.proxy = nil
	}
	if g.cmd == nil || g.cmd.Process == nil {
		return
	}
	_ = g.cmd.Process.Signal(os.Interrupt)
	select {
	case <-g.exited:
	case <-time.After(10 * time.Second):
		_ = g.cmd.Process.Kill()
		<-g.exited
	}
	g.cmd = nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("find a free port: not a TCP address")
	}
	return addr.Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
