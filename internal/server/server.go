package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
)

// Defaults of Options.
const (
	DefaultMaxBody      = 5 << 20
	DefaultReadTimeout  = 10 * time.Second
	DefaultWriteTimeout = 10 * time.Second
	DefaultDedupeWindow = 24 * time.Hour
	DefaultWorkers      = 4
	DefaultQueueSize    = 1000
	DefaultJobTimeout   = 5 * time.Minute
	DefaultResyncEvery  = 5 * time.Minute
)

// Delivery is one verified webhook delivery with work to do.
type Delivery struct {
	// ID is the delivery's id (X-GitHub-Delivery, X-Gitlab-Event-UUID).
	ID string
	// Event is the event header: issue_comment, Note Hook...
	Event string
	// Payload is the event, reduced; Payload.Repository names the
	// repository, whose deliveries are handled one at a time.
	Payload *forge.Event

	// bodyKey identifies the verified body, for de-duplication.
	bodyKey string
}

// bodyKey is the de-duplication key of a body.
func bodyKey(body []byte) string {
	sum := sha256.Sum256(body)
	return "body:" + hex.EncodeToString(sum[:])
}

// Processor does a delivery's work and says what came of it.
type Processor func(ctx context.Context, d Delivery) (*chatops.Result, error)

// Options configure a Server.
type Options struct {
	// Secrets are the webhook secrets by forge (the name of a row of
	// connect.Kinds with a webhook): an empty one disables
	// /webhook/<name>.
	Secrets map[string][]byte
	// GitHubSecret, GitLabToken and GiteaSecret set Secrets["github"]
	// (the webhook secret), Secrets["gitlab"] (the secret token) and
	// Secrets["gitea"] (the webhook secret).
	GitHubSecret, GitLabToken, GiteaSecret []byte
	// Process handles deliveries.
	Process Processor
	// MaxBody caps a request body in bytes.
	MaxBody int64
	// ReadTimeout and WriteTimeout bound reading a request and writing
	// its response.
	ReadTimeout, WriteTimeout time.Duration
	// DedupeWindow is how long a delivery id is remembered.
	DedupeWindow time.Duration
	// Workers is how many deliveries (of different repositories) are
	// handled at once; QueueSize how many may wait.
	Workers, QueueSize int
	// JobTimeout bounds one delivery's work: the job's time budget.
	JobTimeout time.Duration
	// Fail tells a delivery's thread that its job failed: it panicked or
	// ran out of its budget, so the job could not answer itself. nil
	// tells nobody (the failure is still logged and counted).
	Fail func(ctx context.Context, d Delivery, err error) error
	// Resync re-derives from one repository what is due and does it;
	// nil disables resyncing. It runs at start and every ResyncEvery
	// (with jitter) for each of Repositories and each repository seen
	// in a delivery since, in the same per-repository queue as
	// deliveries.
	Resync       func(ctx context.Context, repo forge.Repository) (*chatops.Result, error)
	ResyncEvery  time.Duration
	Repositories []forge.Repository
	// Log receives structured logs; nil discards them.
	Log *slog.Logger
	// Now is the clock; nil uses time.Now.
	Now func() time.Time
}

func (o *Options) defaults() {
	secrets := map[string][]byte{"github": o.GitHubSecret, "gitlab": o.GitLabToken, "gitea": o.GiteaSecret}
	maps.Copy(secrets, o.Secrets)
	o.Secrets = secrets
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.ReadTimeout, DefaultReadTimeout)
	def(&o.WriteTimeout, DefaultWriteTimeout)
	def(&o.DedupeWindow, DefaultDedupeWindow)
	def(&o.JobTimeout, DefaultJobTimeout)
	def(&o.ResyncEvery, DefaultResyncEvery)
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.QueueSize <= 0 {
		o.QueueSize = DefaultQueueSize
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Server receives webhooks and queues their work.
type Server struct {
	// Metrics are served on /metrics.
	Metrics *Metrics

	opts     Options
	seen     *dedupe
	queue    *queue
	draining atomic.Bool
	// jobs is the context of queued work, cancelled when shutdown runs
	// out of time.
	jobs       context.Context
	cancelJobs context.CancelFunc
	http       *http.Server
	resync     *resyncer
}

// New returns a server; Serve starts it.
func New(o Options) (*Server, error) {
	o.defaults()
	if !slices.ContainsFunc(slices.Collect(maps.Values(o.Secrets)), func(s []byte) bool { return len(s) > 0 }) {
		return nil, errors.New("no webhook secret: set a GitHub webhook secret, a GitLab secret token or a Gitea webhook secret (deliveries are verified before they are read)")
	}
	if o.Process == nil {
		return nil, errors.New("server: no processor")
	}
	s := &Server{opts: o, seen: newDedupe(o.DedupeWindow, o.Now), queue: newQueue(o.Workers, o.QueueSize)}
	s.jobs, s.cancelJobs = context.WithCancel(context.Background())
	s.resync = newResyncer(o.Repositories)
	s.Metrics = NewMetrics(func() float64 { return float64(s.queue.depth()) })
	s.http = &http.Server{Handler: s.Handler(), ReadTimeout: o.ReadTimeout, ReadHeaderTimeout: o.ReadTimeout,
		WriteTimeout: o.WriteTimeout, IdleTimeout: 2 * o.ReadTimeout, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(o.Log.Handler(), slog.LevelWarn)}
	return s, nil
}

// Handler routes the server's endpoints.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, k := range connect.Kinds {
		if k.Webhook != nil {
			mux.HandleFunc("POST /webhook/"+k.Name, s.webhook(k.Name, k.Webhook, s.opts.Secrets[k.Name]))
		}
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { reply(w, http.StatusOK, "ok") })
	mux.HandleFunc("GET /readyz", s.ready)
	mux.Handle("GET /metrics", s.Metrics.Handler())
	return mux
}

func (s *Server) ready(w http.ResponseWriter, _ *http.Request) {
	if s.draining.Load() {
		reply(w, http.StatusServiceUnavailable, "shutting down")
		return
	}
	reply(w, http.StatusOK, "ready")
}

// Serve accepts connections on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	s.opts.Log.Info("listening", "addr", l.Addr().String())
	if s.opts.Resync != nil {
		go s.resyncLoop()
	}
	err := s.http.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting deliveries (readyz answers 503 from now on),
// waits for requests in flight, then for the queued work to finish;
// when ctx ends first, the remaining work is cancelled.
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	s.resync.stop()
	s.opts.Log.Info("shutting down: finishing accepted work", "queued", s.queue.depth())
	herr := s.http.Shutdown(ctx)
	qerr := s.queue.close(ctx)
	if qerr != nil {
		s.cancelJobs()
		return fmt.Errorf("shutdown: %d events not finished: %w", s.queue.depth(), qerr)
	}
	s.cancelJobs()
	return herr
}

// accept verifies nothing: it dedupes, filters and queues a verified,
// parsed delivery, and answers.
func (s *Server) accept(w http.ResponseWriter, forgeName string, d Delivery) {
	log := s.opts.Log.With("forge", forgeName, "event", d.Event, "delivery", d.ID)
	if !chatops.NeedsWork(d.Payload) {
		s.count(w, forgeName, d.Event, "ignored", http.StatusOK)
		return
	}
	// The delivery id is not signed: the body's hash catches a signed
	// body replayed under a new id (a genuine event's body is unique).
	if !s.seen.first(d.ID) || !s.seen.first(d.bodyKey) {
		s.seen.first(d.ID)
		log.Info("duplicate delivery: already handled")
		s.count(w, forgeName, d.Event, "duplicate", http.StatusOK)
		return
	}
	s.resync.saw(d.Payload.Repository)
	err := s.queue.submit(repoKey(d.Payload.Repository), func() { s.run(log, d) })
	if err != nil {
		s.seen.forget(d.ID)
		s.seen.forget(d.bodyKey)
		log.Warn("delivery refused", "error", err)
		s.count(w, forgeName, d.Event, "unavailable", http.StatusServiceUnavailable)
		return
	}
	log.Info("delivery queued", "repository", d.Payload.Repository.Path)
	s.count(w, forgeName, d.Event, "queued", http.StatusAccepted)
}

// run handles one delivery within the job timeout.
func (s *Server) run(log *slog.Logger, d Delivery) {
	start := time.Now()
	defer s.Metrics.observe(start)
	ctx, cancel := context.WithTimeout(s.jobs, s.opts.JobTimeout)
	defer cancel()
	kind := "comment"
	if d.Payload.Merged != nil {
		kind = "merged"
	}
	res, err := guard(ctx, s.opts.JobTimeout, func(ctx context.Context) (*chatops.Result, error) { return s.opts.Process(ctx, d) })
	if isJobFailure(err) {
		s.fail(log, d, err)
	}
	outcome := chatops.Failed
	if res != nil {
		outcome = res.Outcome
	}
	s.Metrics.Promotions.WithLabelValues(kind, string(outcome)).Inc()
	if err != nil {
		log.Error("delivery failed", "repository", d.Payload.Repository.Path, "outcome", outcome, "error", err, "duration", time.Since(start))
		return
	}
	log.Info("delivery handled", "repository", d.Payload.Repository.Path, "outcome", outcome, "duration", time.Since(start))
}

// fail tells d's thread that its job failed, within a time of its own
// (the job's context may be over).
func (s *Server) fail(log *slog.Logger, d Delivery, err error) {
	log.Error("job failed", "repository", d.Payload.Repository.Path, "error", err)
	if s.opts.Fail == nil {
		return
	}
	ctx, cancel := context.WithTimeout(s.jobs, failTimeout)
	defer cancel()
	if err := s.opts.Fail(ctx, d, err); err != nil {
		log.Error("could not tell the thread that the job failed", "error", err)
	}
}

// failTimeout bounds telling a thread that its job failed.
const failTimeout = 30 * time.Second

// repoKey names a repository in the queue.
func repoKey(r forge.Repository) string {
	return r.Forge + ":" + strings.ToLower(r.Path)
}

// count records a delivery's status and answers it.
func (s *Server) count(w http.ResponseWriter, forgeName, event, status string, code int) {
	s.Metrics.Deliveries.WithLabelValues(forgeName, EventLabel(forgeName, event), status).Inc()
	reply(w, code, status)
}

// knownEvents are the event types that label the deliveries metric as
// themselves; any other header value (anyone can send one, signed or
// not) is counted as "other", so the metric has a fixed set of series.
var knownEvents = map[string][]string{
	"github": {"issue_comment", "pull_request", "ping"},
	"gitlab": {"Note Hook", "Merge Request Hook"},
}

// EventLabel is the deliveries metric's event label for an event type
// header: the type when it is one promote knows, else "other".
func EventLabel(forgeName, event string) string {
	if slices.Contains(knownEvents[forgeName], event) {
		return event
	}
	return "other"
}

func reply(w http.ResponseWriter, code int, status string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"status": status})
}
