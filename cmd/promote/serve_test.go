package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/forge/forgetest"
)

const (
	hookKey = "hook-secret-for-serve-tests"
	exRepo  = "Codertocat/Hello-World"
	// exBranch is the webhook examples' default branch.
	exBranch = "master"
)

// serveEnv is the webhook examples' repository on git's http-backend,
// with prod on autoPromote from staging, and the GitHub fake with issue
// #1 for chat commands.
type serveEnv struct {
	t    *testing.T
	bin  string
	git  *forgetest.GitServer
	gh   *forgetest.GitHub
	chat *forgetest.ChatState
	env  []string
}

func newServeEnv(t *testing.T) *serveEnv {
	t.Helper()
	if testing.Short() {
		t.Skip("starts server processes")
	}
	bin, err := exec.LookPath("promote")
	if err != nil {
		t.Fatal(err)
	}
	e := &serveEnv{t: t, bin: bin, git: forgetest.NewGitServer(t, "x-access-token", token)}
	files := forgetest.GitOpsFiles()
	files["promote.yaml"] = strings.Replace(files["promote.yaml"], "    from: staging\n", "    from: staging\n    autoPromote: true\n", 1)
	e.git.CreateRepo(t, exRepo, files)
	forgetest.Git(t, e.git.Dir(exRepo), "branch", "-m", "main", exBranch)
	e.gh = forgetest.NewGitHub(t, e.git, "Codertocat", "Hello-World", token)
	e.chat = e.gh.EnableChatOps()
	e.gh.AddPull(forgetest.Pull{Title: "Spelling error in the README file", Head: exBranch, Base: exBranch})
	home := t.TempDir()
	e.env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
		"GITHUB_TOKEN="+token, "GITHUB_API_URL="+e.gh.URL, "GITHUB_SERVER_URL="+e.git.URL,
		"PROMOTE_GITHUB_WEBHOOK_SECRET="+hookKey, "GITHUB_ACTIONS=", "GITLAB_CI=")
	return e
}

// proc is a promote serve process.
type proc struct {
	cmd  *exec.Cmd
	url  string
	log  *forgetest.LockedBuffer
	done chan struct{}
}

// serve starts promote serve with args on a free port and a data
// directory of its own, and waits until it is ready.
func (e *serveEnv) serve(dataDir string, args ...string) *proc {
	t := e.t
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	p := &proc{url: "http://" + addr, log: &forgetest.LockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(e.bin, append([]string{"serve", "--addr", addr, "--data-dir", dataDir, "--log-format", "json"}, args...)...)
	p.cmd.Env, p.cmd.Stderr, p.cmd.Stdout = e.env, p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
		forgetest.NoLeak(t, token, p.log.String())
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(p.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not become ready: %v\n%s", err, p.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// deliver posts a signed GitHub event to p.
func (e *serveEnv) deliver(p *proc, event, id string, body []byte) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", p.url+"/webhook/github", bytes.NewReader(body))
	m := hmac.New(sha256.New, []byte(hookKey))
	m.Write(body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", id)
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(m.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		e.t.Fatalf("delivery %s: %d", id, resp.StatusCode)
	}
}

// merged is the pull_request closed example: a promotion into staging,
// merged.
func (e *serveEnv) merged() []byte {
	ex := forgetest.WebhookExample(e.t, "pull_request", "closed")
	forgetest.Set(ex, true, "pull_request", "merged")
	forgetest.Set(ex, "promote/dev-to-staging", "pull_request", "head", "ref")
	forgetest.Set(ex, exBranch, "pull_request", "base", "ref")
	forgetest.Set(ex, 1, "pull_request", "number")
	forgetest.Set(ex, e.git.RepoURL(exRepo), "repository", "clone_url")
	return forgetest.Marshal(e.t, ex)
}

// comment is the issue_comment example with body.
func (e *serveEnv) comment(body string) []byte {
	ex := forgetest.WebhookExample(e.t, "issue_comment", "created")
	forgetest.Set(ex, body, "comment", "body")
	forgetest.Set(ex, e.git.RepoURL(exRepo), "repository", "clone_url")
	return forgetest.Marshal(e.t, ex)
}

// openPromotions are the open pull requests from promote/staging-to-prod.
func (e *serveEnv) openPromotions() []forgetest.Pull {
	var out []forgetest.Pull
	for _, p := range e.gh.Open() {
		if p.Head == "promote/staging-to-prod" {
			out = append(out, p)
		}
	}
	return out
}

// waitFor polls cond for up to a minute.
func waitFor(t *testing.T, what string, cond func() bool, logs ...*proc) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			var all []string
			for _, p := range logs {
				all = append(all, p.log.String())
			}
			t.Fatalf("timed out waiting for %s\n%s", what, strings.Join(all, "\n---\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServeResyncFinishesAfterACrash kills the server while it pushes
// the promotion a merged event asked for; nothing is proposed. Started
// again, its resync finishes the promotion without any new delivery.
func TestServeResyncFinishesAfterACrash(t *testing.T) {
	e := newServeEnv(t)
	pushing := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	e.git.Before(func(r *http.Request) {
		if r.Method == "POST" && strings.HasSuffix(r.URL.Path, "git-receive-pack") {
			once.Do(func() {
				close(pushing)
				<-release
			})
		}
	})
	data := t.TempDir()
	p := e.serve(data)
	e.deliver(p, "pull_request", "merged-1", e.merged())
	select {
	case <-pushing:
	case <-time.After(time.Minute):
		t.Fatalf("the job never pushed\n%s", p.log.String())
	}
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.done
	close(release) // the push may land, but no pull request is opened
	time.Sleep(200 * time.Millisecond)
	if n := len(e.openPromotions()); n != 0 {
		t.Fatalf("the killed job opened %d requests", n)
	}

	p = e.serve(data, "--repository", "github:"+exRepo+"@"+exBranch, "--resync", "10m")
	waitFor(t, "the resync's promotion", func() bool { return len(e.openPromotions()) == 1 }, p)
	tip := e.git.Branch(t, exRepo, "promote/staging-to-prod")
	if parent := forgetest.Git(t, e.git.Dir(exRepo), "rev-parse", tip+"^"); parent != e.git.Branch(t, exRepo, exBranch) {
		t.Errorf("the promotion is on %s, not on %s's tip", parent, exBranch)
	}
	waitFor(t, "the resync's log", func() bool { return strings.Contains(p.log.String(), `"msg":"resync done"`) }, p)

	// A proposal a person closed stays closed through later resyncs.
	e.gh.ClosePull(e.openPromotions()[0].Number)
	pulls := len(e.gh.Pulls())
	p = e.serve(data, "--repository", "github:"+exRepo+"@"+exBranch)
	waitFor(t, "the next resync", func() bool { return strings.Contains(p.log.String(), `"msg":"resync done"`) }, p)
	if n := len(e.gh.Pulls()); n != pulls || len(e.openPromotions()) != 0 {
		t.Errorf("the resync reopened a closed promotion: %d pull requests, was %d\n%s", n, pulls, p.log.String())
	}
}

// TestServeReplicasShareDeliveries runs three servers as replicas
// behind a load balancer, each event in a process of its own: the merged event, a /promote prod and its
// redelivery reach different replicas at once, while each resyncs at
// start. Exactly one proposal results.
func TestServeReplicasShareDeliveries(t *testing.T) {
	e := newServeEnv(t)
	e.chat.SetPermission("Codertocat", "write")
	var replicas []*proc
	for range 3 {
		replicas = append(replicas, e.serve(t.TempDir(), "--repository", "github:"+exRepo+"@"+exBranch, "--job-memory", "512"))
	}
	comment := e.comment("/promote prod")
	var wg sync.WaitGroup
	wg.Go(func() { e.deliver(replicas[0], "pull_request", "merged-1", e.merged()) })
	wg.Go(func() { e.deliver(replicas[1], "issue_comment", "comment-1", comment) })
	wg.Go(func() { e.deliver(replicas[2], "issue_comment", "comment-1", comment) })
	wg.Wait()
	handled := func() bool {
		n := 0
		for _, p := range replicas {
			n += strings.Count(p.log.String(), `"msg":"delivery handled"`) + strings.Count(p.log.String(), `"msg":"delivery failed"`)
		}
		return n == 3
	}
	waitFor(t, "the three deliveries", handled, replicas...)
	open := e.openPromotions()
	if len(open) != 1 {
		t.Fatalf("%d open proposals, want 1: %+v", len(open), open)
	}
	for i, p := range replicas {
		if strings.Contains(p.log.String(), `"msg":"delivery failed"`) {
			t.Errorf("replica %d failed a delivery:\n%s", i, p.log.String())
		}
	}
	tip := e.git.Branch(t, exRepo, "promote/staging-to-prod")
	if parent := forgetest.Git(t, e.git.Dir(exRepo), "rev-parse", tip+"^"); parent != e.git.Branch(t, exRepo, exBranch) {
		t.Errorf("the proposal is on %s, not on %s's tip", parent, exBranch)
	}
	t.Logf("%d pull requests opened in all, %d pushes", len(e.gh.Pulls())-1, e.git.Pushes())
}

// bomb is a 10-level YAML alias bomb: a few hundred bytes that expand
// to billions of nodes.
func bomb() string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  a0: &a0 \"lol\"\n")
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&b, "  a%d: &a%d [", i, i)
		for j := range 9 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// TestServeBombThenNormal delivers, to one server running each event in
// a process of its own with a memory budget, a /promote prod whose
// target holds an alias bomb, then (the bomb removed) a normal one: the
// first fails with a reply, the second opens the pull request, and the
// server stays up throughout.
func TestServeBombThenNormal(t *testing.T) {
	e := newServeEnv(t)
	e.chat.SetPermission("Codertocat", "write")
	e.git.Commit(t, exRepo, exBranch, "prod: a bomb", map[string]string{
		"envs/prod/bomb.yaml":          bomb(),
		"envs/prod/kustomization.yaml": forgetest.Prod("1.4.1", "2.0.0")["envs/prod/kustomization.yaml"] + "resources:\n  - bomb.yaml\n",
	})
	p := e.serve(t.TempDir(), "--job-memory", "256", "--job-timeout", "2m")
	start := time.Now()
	e.deliver(p, "issue_comment", "bomb-1", e.comment("/promote prod"))
	waitFor(t, "the reply to the bomb", func() bool { return len(e.gh.Pulls()[0].Comments) == 1 }, p)
	took := time.Since(start)
	if n := len(e.openPromotions()); n != 0 {
		t.Fatalf("the bomb proposed %d requests", n)
	}
	// Either line of defence may stop it: the parser's alias limit
	// refuses the file, or, past it, the job's memory budget ends it.
	if log := p.log.String(); !strings.Contains(log, "memory budget of 256 MiB") && !strings.Contains(log, "expanding aliases makes more than") {
		t.Errorf("the log says neither that the bomb was refused nor that the job ran out of memory:\n%s", log)
	}
	e.git.Commit(t, exRepo, exBranch, "prod: no bomb", map[string]string{
		"envs/prod/bomb.yaml":          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: harmless\n",
		"envs/prod/kustomization.yaml": forgetest.Prod("1.4.1", "2.0.0")["envs/prod/kustomization.yaml"] + "resources:\n  - bomb.yaml\n",
	})
	e.deliver(p, "issue_comment", "normal-1", e.comment("/promote prod ")) // another body: not a replay
	waitFor(t, "the normal promotion", func() bool { return len(e.openPromotions()) == 1 }, p)
	if resp, err := http.Get(p.url + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("the server is down: %v", err)
	}
	t.Logf("the bomb's event failed with a reply in %s:\n%s", took.Round(time.Millisecond), e.gh.Pulls()[0].Comments[0])
}
