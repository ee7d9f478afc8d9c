package server_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
	"github.com/gitops-promote/promote/internal/server"
)

const secret = "webhook-s3cret"

// commentIDs numbers the comments of the payloads made.
var commentIDs atomic.Int64

// recorder is a processor that records what it handled.
type recorder struct {
	mu      sync.Mutex
	handled []server.Delivery
	// running counts deliveries in progress, per repository and in all.
	running map[string]int
	all     int
	maxRepo int
	maxAll  int
	// hold runs inside each delivery (to make them last).
	hold func()
}

func newRecorder() *recorder { return &recorder{running: map[string]int{}} }

func (r *recorder) process(_ context.Context, d server.Delivery) (*chatops.Result, error) {
	repo := d.Payload.Repository.Path
	r.mu.Lock()
	r.running[repo]++
	r.all++
	r.maxRepo = max(r.maxRepo, r.running[repo])
	r.maxAll = max(r.maxAll, r.all)
	r.mu.Unlock()
	if r.hold != nil {
		r.hold()
	}
	r.mu.Lock()
	r.running[repo]--
	r.all--
	r.handled = append(r.handled, d)
	r.mu.Unlock()
	return &chatops.Result{Outcome: chatops.Proposed}, nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.handled)
}

// live is a server listening on loopback.
type live struct {
	t   *testing.T
	srv *server.Server
	url string
	rec *recorder
}

func start(t *testing.T, rec *recorder, tune func(*server.Options)) *live {
	t.Helper()
	o := server.Options{GitHubSecret: []byte(secret), GitLabToken: []byte("gl-token"), Process: rec.process}
	if tune != nil {
		tune(&o)
	}
	srv, err := server.New(o)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	})
	return &live{t: t, srv: srv, url: "http://" + l.Addr().String(), rec: rec}
}

func sign(body []byte, key string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// commentPayload is the issue_comment example with body, in repository
// repo.
func commentPayload(t testing.TB, body, repo string) []byte {
	t.Helper()
	ex := forgetest.WebhookExample(t, "issue_comment", "created")
	forgetest.Set(ex, body, "comment", "body")
	// Every event's body is unique (its comment's id, at least).
	forgetest.Set(ex, commentIDs.Add(1), "comment", "id")
	forgetest.Set(ex, repo, "repository", "full_name")
	return forgetest.Marshal(t, ex)
}

// post sends a GitHub delivery; signature "" sends none.
func (l *live) post(body []byte, signature, id string) (int, string) {
	l.t.Helper()
	req, _ := http.NewRequest("POST", l.url+"/webhook/github", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "issue_comment")
	req.Header.Set("X-GitHub-Delivery", id)
	if signature != "" {
		req.Header.Set("X-Hub-Signature-256", signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		l.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

func (l *live) get(path string) (int, string) {
	l.t.Helper()
	resp, err := http.Get(l.url + path)
	if err != nil {
		l.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// drain shuts the server down, which waits for the accepted work.
func (l *live) drain() {
	l.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := l.srv.Shutdown(ctx); err != nil {
		l.t.Fatal(err)
	}
}

func TestSignatures(t *testing.T) {
	l := start(t, newRecorder(), nil)
	body := commentPayload(t, "/promote prod", "Codertocat/Hello-World")
	changed := bytes.Replace(body, []byte("/promote prod"), []byte("/promote dev!"), 1)
	cases := []struct {
		name, signature string
		body            []byte
		code            int
	}{
		{"valid", sign(body, secret), body, http.StatusAccepted},
		{"wrong secret", sign(body, "guess"), body, http.StatusUnauthorized},
		{"missing header", "", body, http.StatusUnauthorized},
		{"body changed after signing", sign(body, secret), changed, http.StatusUnauthorized},
		{"malformed signature", "sha256=zz", body, http.StatusUnauthorized},
		{"sha1 only", "sha1=" + strings.Repeat("0", 40), body, http.StatusUnauthorized},
	}
	for i, c := range cases {
		if code, out := l.post(c.body, c.signature, fmt.Sprintf("d-%d", i)); code != c.code {
			t.Errorf("%s: %d %s, want %d", c.name, code, out, c.code)
		}
	}
	// A replayed delivery (same id, valid signature) does no work twice,
	// nor does the same signed body under a new id.
	if code, out := l.post(body, sign(body, secret), "d-0"); code != http.StatusOK || !strings.Contains(out, "duplicate") {
		t.Errorf("replayed delivery: %d %s", code, out)
	}
	if code, out := l.post(body, sign(body, secret), "d-new-id"); code != http.StatusOK || !strings.Contains(out, "duplicate") {
		t.Errorf("replayed body under a new id: %d %s", code, out)
	}
	l.drain()
	if n := l.rec.count(); n != 1 {
		t.Errorf("%d deliveries handled, want only the valid one", n)
	}
}

func TestGitLabToken(t *testing.T) {
	l := start(t, newRecorder(), nil)
	note := []byte(`{"object_kind":"note","user":{"username":"alice"},"project":{"path_with_namespace":"acme/gitops","default_branch":"main"},
"object_attributes":{"id":7,"note":"/promote prod","noteable_type":"MergeRequest","action":"create"},"merge_request":{"iid":3,"source_project_id":1,"target_project_id":1}}`)
	send := func(token, id string) int {
		req, _ := http.NewRequest("POST", l.url+"/webhook/gitlab", bytes.NewReader(note))
		req.Header.Set("X-Gitlab-Event", "Note Hook")
		req.Header.Set("X-Gitlab-Event-UUID", id)
		if token != "" {
			req.Header.Set("X-Gitlab-Token", token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, c := range []struct {
		token string
		code  int
	}{{"gl-token", 202}, {"gl-tokeN", 401}, {"", 401}, {"gl-token-and-more", 401}} {
		if got := send(c.token, "uuid-"+c.token); got != c.code {
			t.Errorf("token %q: %d, want %d", c.token, got, c.code)
		}
	}
	l.drain()
	if h := l.rec.handled; len(h) != 1 || h[0].Payload.Comment.Thread.Number != 3 || h[0].Payload.Repository.Forge != "gitlab" {
		t.Errorf("handled: %+v", h)
	}
}

func TestNonCommandsAreAnsweredWithoutWork(t *testing.T) {
	l := start(t, newRecorder(), nil)
	body := commentPayload(t, "You are totally right! I'll get this fixed right away.", "Codertocat/Hello-World")
	if code, out := l.post(body, sign(body, secret), "x1"); code != http.StatusOK || !strings.Contains(out, "ignored") {
		t.Errorf("%d %s", code, out)
	}
	l.drain()
	if n := l.rec.count(); n != 0 {
		t.Errorf("%d handled", n)
	}
}

func TestBodyLimit(t *testing.T) {
	l := start(t, newRecorder(), func(o *server.Options) { o.MaxBody = 1024 })
	body := commentPayload(t, "/promote prod", "Codertocat/Hello-World")
	if code, _ := l.post(body, sign(body, secret), "big"); code != http.StatusRequestEntityTooLarge {
		t.Errorf("%d bytes over a 1 KiB limit: %d, want 413", len(body), code)
	}
}

// TestOneRepositoryIsSerialized: 50 deliveries for one repository sent
// at once are all answered, all handled, never two at a time.
func TestOneRepositoryIsSerialized(t *testing.T) {
	rec := newRecorder()
	rec.hold = func() { time.Sleep(2 * time.Millisecond) }
	l := start(t, rec, func(o *server.Options) { o.Workers = 8 })
	var wg sync.WaitGroup
	var accepted atomic.Int32
	for i := range 50 {
		body := commentPayload(t, "/promote prod", "Codertocat/Hello-World")
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, _ := l.post(body, sign(body, secret), fmt.Sprintf("one-%d", i)); code == http.StatusAccepted {
				accepted.Add(1)
			}
		}()
	}
	wg.Wait()
	l.drain()
	if accepted.Load() != 50 || rec.count() != 50 {
		t.Fatalf("%d accepted, %d handled; want 50 and 50", accepted.Load(), rec.count())
	}
	if rec.maxRepo != 1 {
		t.Errorf("up to %d deliveries of one repository ran at once, want 1", rec.maxRepo)
	}
}

// TestRepositoriesRunInParallel: deliveries for 10 repositories run side
// by side, up to the worker count.
func TestRepositoriesRunInParallel(t *testing.T) {
	const workers = 4
	rec := newRecorder()
	var started atomic.Int32
	all := make(chan struct{})
	var once sync.Once
	rec.hold = func() {
		if started.Add(1) >= workers {
			once.Do(func() { close(all) })
		}
		select {
		case <-all:
		case <-time.After(5 * time.Second):
		}
	}
	l := start(t, rec, func(o *server.Options) { o.Workers = workers })
	var wg sync.WaitGroup
	for i := range 10 {
		body := commentPayload(t, "/promote prod", fmt.Sprintf("acme/repo-%d", i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, out := l.post(body, sign(body, secret), fmt.Sprintf("many-%d", i)); code != http.StatusAccepted {
				t.Errorf("repo-%d: %d %s", i, code, out)
			}
		}()
	}
	wg.Wait()
	l.drain()
	if rec.count() != 10 {
		t.Fatalf("%d handled, want 10", rec.count())
	}
	if rec.maxAll != workers || rec.maxRepo != 1 {
		t.Errorf("at most %d at once (%d per repository), want %d (1)", rec.maxAll, rec.maxRepo, workers)
	}
}

// TestShutdownFinishesAcceptedWork: deliveries accepted before shutdown
// are handled before Shutdown returns; readyz says 503 meanwhile.
func TestShutdownFinishesAcceptedWork(t *testing.T) {
	rec := newRecorder()
	release := make(chan struct{})
	rec.hold = func() { <-release }
	l := start(t, rec, nil)
	for i := range 3 {
		body := commentPayload(t, "/promote prod", "Codertocat/Hello-World")
		if code, _ := l.post(body, sign(body, secret), fmt.Sprintf("s-%d", i)); code != http.StatusAccepted {
			t.Fatalf("delivery %d: %d", i, code)
		}
	}
	if code, _ := l.get("/readyz"); code != http.StatusOK {
		t.Fatalf("readyz %d before shutdown", code)
	}
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done <- l.srv.Shutdown(ctx)
	}()
	time.Sleep(50 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned (%v) with work in flight", err)
	default:
	}
	rr := httptestReady(l.srv)
	if rr != http.StatusServiceUnavailable {
		t.Errorf("readyz while draining: %d, want 503", rr)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := rec.count(); n != 3 {
		t.Errorf("%d of 3 accepted deliveries handled", n)
	}
}

// httptestReady asks the handler directly: the listener is closed.
func httptestReady(s *server.Server) int {
	w := &statusWriter{header: http.Header{}}
	req, _ := http.NewRequest("GET", "/readyz", nil)
	s.Handler().ServeHTTP(w, req)
	return w.code
}

type statusWriter struct {
	header http.Header
	code   int
}

func (w *statusWriter) Header() http.Header         { return w.header }
func (w *statusWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *statusWriter) WriteHeader(code int)        { w.code = code }

func TestHealthAndMetrics(t *testing.T) {
	l := start(t, newRecorder(), nil)
	body := commentPayload(t, "/promote prod", "Codertocat/Hello-World")
	l.post(body, sign(body, secret), "m1")
	l.post(body, "", "m2")
	if code, out := l.get("/healthz"); code != 200 || !strings.Contains(out, "ok") {
		t.Errorf("healthz %d %s", code, out)
	}
	deadline := time.Now().Add(5 * time.Second)
	for l.rec.count() < 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	code, out := l.get("/metrics")
	for _, want := range []string{
		`promote_webhook_deliveries_total{event="issue_comment",forge="github",status="queued"} 1`,
		`promote_webhook_deliveries_total{event="issue_comment",forge="github",status="unauthorized"} 1`,
		`promote_promotions_total{kind="comment",outcome="proposed"} 1`,
		"# TYPE promote_events_queued gauge",
	} {
		if code != 200 || !strings.Contains(out, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestNoSecretNoServer(t *testing.T) {
	if _, err := server.New(server.Options{Process: newRecorder().process}); err == nil || !strings.Contains(err.Error(), "no webhook secret") {
		t.Errorf("New without secrets: %v", err)
	}
}

func TestGiteaSignature(t *testing.T) {
	l := start(t, newRecorder(), func(o *server.Options) { o.GiteaSecret = []byte("gitea-secret") })
	comment := []byte(`{"action":"created","issue":{"number":4},"comment":{"id":9,"body":"/promote prod","user":{"login":"alice"}},
"repository":{"full_name":"acme/gitops","default_branch":"main","clone_url":"https://git.example/acme/gitops.git"},"is_pull":true}`)
	send := func(header, sig, id string, body []byte) int {
		req, _ := http.NewRequest("POST", l.url+"/webhook/gitea", bytes.NewReader(body))
		req.Header.Set("X-Gitea-Event", "issue_comment")
		req.Header.Set("X-Gitea-Delivery", id)
		if sig != "" {
			req.Header.Set(header, sig)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	good := strings.TrimPrefix(sign(comment, "gitea-secret"), "sha256=")
	changed := bytes.Replace(comment, []byte("prod"), []byte("dev!"), 1)
	for _, c := range []struct {
		name, header, sig string
		body              []byte
		code              int
	}{
		{"other secret", "X-Gitea-Signature", strings.TrimPrefix(sign(comment, "gitea-secreT"), "sha256="), comment, 401},
		{"not hex", "X-Gitea-Signature", "sha256=" + good, comment, 401},
		{"changed body", "X-Gitea-Signature", good, changed, 401},
		{"none", "X-Gitea-Signature", "", comment, 401},
		{"valid", "X-Gitea-Signature", good, comment, 202},
		{"forgejo header, redelivered body", "X-Forgejo-Signature", good, comment, 200},
	} {
		if got := send(c.header, c.sig, "id-"+c.name, c.body); got != c.code {
			t.Errorf("%s: %d, want %d", c.name, got, c.code)
		}
	}
	l.drain()
	if h := l.rec.handled; len(h) != 1 || h[0].Payload.Comment.Thread.Number != 4 || h[0].Payload.Repository.Forge != "gitea" || h[0].Payload.Comment.Author.Login != "alice" {
		t.Errorf("handled: %+v", h)
	}
}
