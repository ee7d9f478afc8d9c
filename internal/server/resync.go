package server

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge"
)

// maxSeen caps the repositories remembered from deliveries.
const maxSeen = 10_000

// resyncer keeps the repositories to resync: the configured ones and
// those seen in deliveries.
type resyncer struct {
	mu      sync.Mutex
	repos   map[string]forge.Repository
	order   []string
	running map[string]bool
	done    chan struct{}
	once    sync.Once
}

func newResyncer(configured []forge.Repository) *resyncer {
	r := &resyncer{repos: map[string]forge.Repository{}, running: map[string]bool{}, done: make(chan struct{})}
	for _, repo := range configured {
		r.saw(repo)
	}
	return r
}

// saw remembers repo (its latest clone URL and default branch).
func (r *resyncer) saw(repo forge.Repository) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := repoKey(repo)
	if _, ok := r.repos[key]; !ok {
		if len(r.order) >= maxSeen {
			return
		}
		r.order = append(r.order, key)
	}
	r.repos[key] = repo
}

// list returns the repositories in the order first seen.
func (r *resyncer) list() []forge.Repository {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]forge.Repository, 0, len(r.order))
	for _, k := range r.order {
		out = append(out, r.repos[k])
	}
	return out
}

// claim marks key's resync as queued; false when one already is.
func (r *resyncer) claim(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running[key] {
		return false
	}
	r.running[key] = true
	return true
}

func (r *resyncer) release(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.running, key)
}

func (r *resyncer) stop() { r.once.Do(func() { close(r.done) }) }

// resyncLoop resyncs every repository at start, then every ResyncEvery
// with up to 10% jitter (replicas spread out), until shutdown.
func (s *Server) resyncLoop() {
	for {
		s.resyncAll()
		every := s.opts.ResyncEvery
		wait := every - time.Duration(rand.Int64N(int64(every)/10+1))
		select {
		case <-s.resync.done:
			return
		case <-time.After(wait):
		}
	}
}

// resyncAll queues a resync of each repository that has none queued.
func (s *Server) resyncAll() {
	for _, repo := range s.resync.list() {
		key := repoKey(repo)
		if !s.resync.claim(key) {
			continue
		}
		if err := s.queue.submit(key, func() { s.resyncOne(repo) }); err != nil {
			s.resync.release(key)
			s.opts.Log.Warn("resync not queued", "repository", repo.Path, "error", err)
		}
	}
}

// resyncOne resyncs one repository within the job budget.
func (s *Server) resyncOne(repo forge.Repository) {
	defer s.resync.release(repoKey(repo))
	start := time.Now()
	ctx, cancel := context.WithTimeout(s.jobs, s.opts.JobTimeout)
	defer cancel()
	res, err := guard(ctx, s.opts.JobTimeout, func(ctx context.Context) (*chatops.Result, error) { return s.opts.Resync(ctx, repo) })
	outcome := chatops.Failed
	if res != nil {
		outcome = res.Outcome
	}
	s.Metrics.Promotions.WithLabelValues("resync", string(outcome)).Inc()
	log := s.opts.Log.With("repository", repo.Path, "outcome", outcome, "duration", time.Since(start))
	if err != nil {
		log.Error("resync failed", "error", err)
		return
	}
	log.Info("resync done")
}

// ParseRepository reads a --repository value, FORGE:PATH[@BRANCH]
// (github:acme/gitops@main; the branch defaults to main), with the clone
// URL under the forge's web URL in hosts (forge → https://host).
func ParseRepository(spec string, hosts map[string]string) (forge.Repository, error) {
	kind, rest, ok := strings.Cut(spec, ":")
	host := hosts[kind]
	if !ok || host == "" {
		return forge.Repository{}, fmt.Errorf("--repository %q: expected FORGE:PATH[@BRANCH] with FORGE one of github, gitlab", spec)
	}
	path, branch, _ := strings.Cut(rest, "@")
	if branch == "" {
		branch = "main"
	}
	segs := strings.Split(path, "/")
	if len(segs) < 2 || slices.ContainsFunc(segs, func(s string) bool {
		return s == "" || s == "." || s == ".." || strings.ContainsAny(s, "\\\x00 ?#%")
	}) {
		return forge.Repository{}, fmt.Errorf("--repository %q: expected the repository's path as owner/name (GitHub) or group/project (GitLab)", spec)
	}
	if strings.ContainsAny(branch, " ~^:?*[\\\x00") || strings.Contains(branch, "..") {
		return forge.Repository{}, fmt.Errorf("--repository %q: %q is not a branch name", spec, branch)
	}
	return forge.Repository{Forge: kind, Path: path, DefaultBranch: branch,
		CloneURL: strings.TrimSuffix(host, "/") + "/" + path + ".git"}, nil
}
