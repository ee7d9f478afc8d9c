package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/server"
	"github.com/gitops-promote/promote/internal/workspace"
)

type serveOptions struct {
	jobFlags
	addr                               string
	githubSecretFile, gitlabSecretFile string
	giteaSecretFile                    string
	maxBody                            int64
	readTimeout, writeTimeout          time.Duration
	dedupeWindow, jobTimeout, grace    time.Duration
	workers, queueSize                 int
	resync                             time.Duration
	repositories                       []string
}

func newServeCmd(f *Factory) *cobra.Command {
	o := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve --addr :8080",
		Short: "Run the webhook server: chat commands and automatic promotions for GitHub, GitLab and Gitea",
		Long: `Serve receives webhooks: GitHub on POST /webhook/github (issue_comment and
pull_request events; X-Hub-Signature-256 verified with the webhook
secret), GitLab on POST /webhook/gitlab (note and merge request events;
X-Gitlab-Token compared with the secret token), Gitea and Forgejo on
POST /webhook/gitea (issue_comment and pull_request events;
X-Gitea-Signature verified with the webhook secret). A delivery that does not
verify gets 401 and is not read. Comments with chat commands and merged
promotions (see promote chatops --help) are queued and answered 202;
other events 200. A redelivered event (same delivery id within
--dedupe-window) is answered without doing its work again. Events of one
repository run one at a time; different repositories in parallel
(--workers). Each repository is fetched into a bare repository under
--data-dir; configuration and manifests come from its default branch.

Secrets come from the environment or files, never flags:
PROMOTE_GITHUB_WEBHOOK_SECRET (or --github-secret-file),
PROMOTE_GITLAB_WEBHOOK_TOKEN (or --gitlab-token-file),
PROMOTE_GITEA_WEBHOOK_SECRET (or --gitea-secret-file). Forge credentials
as for run: GITHUB_TOKEN or a GitHub App (GITHUB_APP_ID,
GITHUB_APP_PRIVATE_KEY[_FILE]), GITLAB_TOKEN, GITEA_TOKEN; GITHUB_API_URL,
--gitlab-url and --gitea-url for GitHub Enterprise, self-managed GitLab
and Gitea or Forgejo.

Deliveries only speed things up. At start and every --resync, each
repository named with --repository, and each seen in a delivery since
start, is resynced: for every environment with autoPromote whose source
differs from it, an open proposal is brought up to date and a missing
one is opened (one a person closed stays closed). So a crash, a lost
delivery or a restart loses no promotion, and several replicas behind
one load balancer need no coordination beyond git's compare-and-swap
pushes and the forge's idempotent proposals. A job that panics or runs
out of --job-timeout fails alone: its thread gets a fixed reply and the
server goes on. With --job-memory each event runs in a process of its
own, stopped when its heap passes the budget (a runaway parse or render
then fails that event alone too). --request-timeout bounds each HTTP request to the forge.

GET /healthz answers while the process runs, /readyz until shutdown
starts, /metrics in Prometheus' text format. On SIGTERM or SIGINT the
server stops accepting, finishes the events it accepted (up to
--shutdown-timeout) and exits.`,
		Example: `  PROMOTE_GITHUB_WEBHOOK_SECRET=... GITHUB_TOKEN=... promote serve --addr :8080
  promote serve --addr :8080 --log-format json --data-dir /var/lib/promote --workers 8
  promote serve --repository github:acme/gitops --repository gitlab:platform/deploy@master --resync 2m
  promote serve --job-memory 512 --job-timeout 2m`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), f, o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.addr, "addr", ":8080", "listen on `ADDR`ESS")
	fl.StringVar(&o.githubSecretFile, "github-secret-file", "", "read the GitHub webhook secret from `FILE` (default $PROMOTE_GITHUB_WEBHOOK_SECRET)")
	fl.StringVar(&o.gitlabSecretFile, "gitlab-token-file", "", "read the GitLab webhook secret token from `FILE` (default $PROMOTE_GITLAB_WEBHOOK_TOKEN)")
	fl.StringVar(&o.giteaSecretFile, "gitea-secret-file", "", "read the Gitea or Forgejo webhook secret from `FILE` (default $PROMOTE_GITEA_WEBHOOK_SECRET)")
	fl.Int64Var(&o.maxBody, "max-body", server.DefaultMaxBody, "largest request body accepted, in `BYTES`")
	fl.DurationVar(&o.readTimeout, "read-timeout", server.DefaultReadTimeout, "time to read a request")
	fl.DurationVar(&o.writeTimeout, "write-timeout", server.DefaultWriteTimeout, "time to write a response")
	fl.DurationVar(&o.dedupeWindow, "dedupe-window", server.DefaultDedupeWindow, "how long a delivery id is remembered")
	fl.DurationVar(&o.jobTimeout, "job-timeout", server.DefaultJobTimeout, "time to handle one event, pushes and API calls included")
	fl.DurationVar(&o.grace, "shutdown-timeout", time.Minute, "on shutdown, time to finish the accepted events")
	fl.IntVar(&o.workers, "workers", server.DefaultWorkers, "repositories handled at once")
	fl.IntVar(&o.queueSize, "queue-size", server.DefaultQueueSize, "events that may wait; more get 503")
	fl.DurationVar(&o.resync, "resync", server.DefaultResyncEvery, "re-derive what is due in every known repository this often (0: never)")
	fl.StringArrayVar(&o.repositories, "repository", nil, "resync `FORGE:PATH[@BRANCH]` (github:acme/gitops@main) from the start, besides the repositories deliveries name; repeatable")
	o.jobFlags.register(cmd, f)
	return cmd
}

func runServe(ctx context.Context, f *Factory, o *serveOptions) error {
	log, err := newLogger(f.Stderr, o.logFormat)
	if err != nil {
		return err
	}
	ghSecret, err := secretFrom(o.githubSecretFile, f.Getenv("PROMOTE_GITHUB_WEBHOOK_SECRET"))
	if err != nil {
		return err
	}
	glToken, err := secretFrom(o.gitlabSecretFile, f.Getenv("PROMOTE_GITLAB_WEBHOOK_TOKEN"))
	if err != nil {
		return err
	}
	gtSecret, err := secretFrom(o.giteaSecretFile, f.Getenv("PROMOTE_GITEA_WEBHOOK_SECRET"))
	if err != nil {
		return err
	}
	if o.dataDir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return fmt.Errorf("--data-dir: %w", err)
		}
		o.dataDir = filepath.Join(cache, "promote-serve")
	}
	repos := &serveRepos{f: f, dir: o.dataDir, log: log}
	process, err := o.isolated(f)
	if err != nil {
		return err
	}
	if process == nil {
		process = repos.process
	}
	configured, err := o.configured(f)
	if err != nil {
		return err
	}
	srv, err := server.New(server.Options{
		GitHubSecret: ghSecret, GitLabToken: glToken, GiteaSecret: gtSecret, Process: process, Fail: repos.fail, Log: log,
		MaxBody: o.maxBody, ReadTimeout: o.readTimeout, WriteTimeout: o.writeTimeout, DedupeWindow: o.dedupeWindow,
		Workers: o.workers, QueueSize: o.queueSize, JobTimeout: o.jobTimeout,
		Repositories: configured, ResyncEvery: o.resync, Resync: repos.resyncer(o.resync),
	})
	if err != nil {
		return err
	}
	repos.metrics = srv.Metrics
	l, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", o.addr, err)
	}
	return serveUntilSignal(ctx, srv, l, o.grace, log)
}

// configured reads --repository: clone URLs under GITHUB_SERVER_URL
// (default https://github.com) and --gitlab-url or CI_SERVER_URL
// (default https://gitlab.com).
func (o *serveOptions) configured(f *Factory) ([]forge.Repository, error) {
	hosts := map[string]string{
		"github": first(f.Getenv("GITHUB_SERVER_URL"), "https://github.com"),
		"gitlab": first(f.ForgeOptions.GitLabURL, f.Getenv("CI_SERVER_URL"), "https://gitlab.com"),
	}
	var out []forge.Repository
	for _, spec := range o.repositories {
		r, err := server.ParseRepository(spec, hosts)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// serveUntilSignal serves until ctx ends or SIGTERM/SIGINT arrives, then
// shuts down gracefully within grace.
func serveUntilSignal(ctx context.Context, srv *server.Server, l net.Listener, grace time.Duration, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	log.Info("signal received: shutting down", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-done; err == nil {
		err = serr
	}
	return err
}

func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("--log-format %q: expected text or json", format)
}

// secretFrom reads a secret from file, else takes env's value.
func secretFrom(file, env string) ([]byte, error) {
	if file == "" {
		return []byte(strings.TrimSpace(env)), nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read secret: %w", err)
	}
	return []byte(strings.TrimSpace(string(data))), nil
}

// serveRepos keeps a bare clone per repository and handles deliveries
// on it. The server runs one delivery per repository at a time, so a
// clone is never used by two deliveries at once.
type serveRepos struct {
	f       *Factory
	dir     string
	log     *slog.Logger
	metrics *server.Metrics
}

// process handles one delivery.
func (s *serveRepos) process(ctx context.Context, d server.Delivery) (*chatops.Result, error) {
	repo := d.Payload.Repository
	h, err := s.handler(repo)
	if err != nil {
		return nil, err
	}
	if d.Payload.Comment != nil {
		return h.HandleComment(ctx, d.Payload.Comment)
	}
	return h.HandleMerged(ctx, repo, d.Payload.Merged)
}

// fail tells the delivery's thread that its job failed.
func (s *serveRepos) fail(ctx context.Context, d server.Delivery, why error) error {
	h, err := s.handler(d.Payload.Repository)
	if err != nil {
		return err
	}
	return h.Fail(ctx, d.Payload, why)
}

// resyncer returns the resync of one repository; nil when every is 0.
func (s *serveRepos) resyncer(every time.Duration) func(context.Context, forge.Repository) (*chatops.Result, error) {
	if every <= 0 {
		return nil
	}
	return func(ctx context.Context, repo forge.Repository) (*chatops.Result, error) {
		h, err := s.handler(repo)
		if err != nil {
			return nil, err
		}
		return h.Resync(ctx)
	}
}

// handler opens the repository's clone and forge.
func (s *serveRepos) handler(repo forge.Repository) (*chatops.Handler, error) {
	ws, err := workspace.ServerClone(s.dir, repo.Forge, repo.Path, repo.CloneURL)
	if err != nil {
		return nil, err
	}
	r, err := ws.Repo()
	if err != nil {
		return nil, err
	}
	opts := s.f.ForgeOptions
	opts.Forge, opts.Repo, opts.Getenv = repo.Forge, repo.Path, s.f.Getenv
	opts.Stderr = &logWriter{log: s.log.With("repository", repo.Path)}
	opts.Transport = s.metrics.Transport(opts.Transport)
	fg, err := connect.Open(r, opts)
	if err != nil {
		return nil, err
	}
	log := s.log.With("repository", repo.Path)
	return chatops.NewHandler(ws, fg, repo.DefaultBranch, chatops.Setup{Now: s.f.now, Log: log, Notify: s.f.Notifier(),
		Retry: s.f.ForgeOptions.Retry, Progress: func(msg string) { log.Info(msg) }})
}

// logWriter turns the forge's notes into log records.
type logWriter struct{ log *slog.Logger }

// Write implements io.Writer: one record per note.
func (w *logWriter) Write(p []byte) (int, error) {
	w.log.Info(strings.TrimSpace(strings.TrimPrefix(string(p), "promote: ")))
	return len(p), nil
}
