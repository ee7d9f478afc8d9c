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

	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/server"
)

type serveOptions struct {
	addr, dataDir, logFormat        string
	secretFiles                     map[string]*string
	maxBody                         int64
	readTimeout, writeTimeout       time.Duration
	dedupeWindow, jobTimeout, grace time.Duration
	workers, queueSize              int
}

func newServeCmd(f *Factory) *cobra.Command {
	o := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve --addr :8080",
		Short: "Run the webhook server: chat commands and automatic promotions for GitHub and GitLab",
		Long: `Serve receives webhooks: GitHub on POST /webhook/github (issue_comment and
pull_request events; X-Hub-Signature-256 verified with the webhook
secret), GitLab on POST /webhook/gitlab (note and merge request events;
X-Gitlab-Token compared with the secret token). A delivery that does not
verify gets 401 and is not read. Comments with chat commands and merged
promotions (see promote chatops --help) are queued and answered 202;
other events 200. A redelivered event (same delivery id within
--dedupe-window) is answered without doing its work again. Events of one
repository run one at a time; different repositories in parallel
(--workers). Each repository is fetched into a bare repository under
--data-dir; configuration and manifests come from its default branch.

Secrets come from the environment or files, never flags:
PROMOTE_GITHUB_WEBHOOK_SECRET (or --github-secret-file),
PROMOTE_GITLAB_WEBHOOK_TOKEN (or --gitlab-token-file). Forge credentials
as for run: GITHUB_TOKEN or a GitHub App (GITHUB_APP_ID,
GITHUB_APP_PRIVATE_KEY[_FILE]), GITLAB_TOKEN; GITHUB_API_URL and
--gitlab-url for GitHub Enterprise and self-managed GitLab.

GET /healthz answers while the process runs, /readyz until shutdown
starts, /metrics in Prometheus' text format. On SIGTERM or SIGINT the
server stops accepting, finishes the events it accepted (up to
--shutdown-timeout) and exits.`,
		Example: `  PROMOTE_GITHUB_WEBHOOK_SECRET=... GITHUB_TOKEN=... promote serve --addr :8080
  promote serve --addr :8080 --log-format json --data-dir /var/lib/promote --workers 8`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), f, o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.addr, "addr", ":8080", "listen on `ADDR`ESS")
	fl.StringVar(&o.dataDir, "data-dir", "", "`DIR` for the repositories' bare clones (default: promote-serve in the user cache directory)")
	fl.StringVar(&o.logFormat, "log-format", "text", "log `FORMAT`: text or json")
	o.secretFiles = map[string]*string{}
	for _, k := range connect.Kinds {
		if wh := k.Webhook; wh != nil {
			o.secretFiles[k.Name] = fl.String(wh.SecretFlag, "", fmt.Sprintf("read the %s webhook secret from `FILE` (default $%s)", k.Title, wh.SecretEnv))
		}
	}
	fl.Int64Var(&o.maxBody, "max-body", server.DefaultMaxBody, "largest request body accepted, in `BYTES`")
	fl.DurationVar(&o.readTimeout, "read-timeout", server.DefaultReadTimeout, "time to read a request")
	fl.DurationVar(&o.writeTimeout, "write-timeout", server.DefaultWriteTimeout, "time to write a response")
	fl.DurationVar(&o.dedupeWindow, "dedupe-window", server.DefaultDedupeWindow, "how long a delivery id is remembered")
	fl.DurationVar(&o.jobTimeout, "job-timeout", server.DefaultJobTimeout, "time to handle one event, pushes and API calls included")
	fl.DurationVar(&o.grace, "shutdown-timeout", time.Minute, "on shutdown, time to finish the accepted events")
	fl.IntVar(&o.workers, "workers", server.DefaultWorkers, "repositories handled at once")
	fl.IntVar(&o.queueSize, "queue-size", server.DefaultQueueSize, "events that may wait; more get 503")
	fl.StringVar(&f.ForgeOptions.GitLabURL, "gitlab-url", "", "self-managed GitLab `URL` (default $CI_SERVER_URL, else the project's host)")
	fl.StringVar(&f.ForgeOptions.AppID, "github-app-id", "", "authenticate as the GitHub App with this `ID` (default $GITHUB_APP_ID)")
	fl.StringVar(&f.ForgeOptions.AppKeyFile, "github-app-key", "", "the GitHub App's private key `FILE` (default $GITHUB_APP_PRIVATE_KEY_FILE, or the PEM in $GITHUB_APP_PRIVATE_KEY)")
	return cmd
}

func runServe(ctx context.Context, f *Factory, o *serveOptions) error {
	log, err := newLogger(f.Stderr, o.logFormat)
	if err != nil {
		return err
	}
	secrets := map[string][]byte{}
	for _, k := range connect.Kinds {
		if k.Webhook != nil {
			if secrets[k.Name], err = secretFrom(*o.secretFiles[k.Name], f.Getenv(k.Webhook.SecretEnv)); err != nil {
				return err
			}
		}
	}
	if o.dataDir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return fmt.Errorf("--data-dir: %w", err)
		}
		o.dataDir = filepath.Join(cache, "promote-serve")
	}
	fo := f.ForgeOptions
	fo.Getenv = f.Getenv
	repos := &server.Repos{Dir: o.dataDir, Forge: fo, Now: f.now, Log: log, Notify: f.Notifier()}
	srv, err := server.New(server.Options{
		Secrets: secrets, Process: repos.Process, Log: log,
		MaxBody: o.maxBody, ReadTimeout: o.readTimeout, WriteTimeout: o.writeTimeout, DedupeWindow: o.dedupeWindow,
		Workers: o.workers, QueueSize: o.queueSize, JobTimeout: o.jobTimeout,
	})
	if err != nil {
		return err
	}
	repos.Metrics = srv.Metrics
	l, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", o.addr, err)
	}
	return serveUntilSignal(ctx, srv, l, o.grace, log)
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
