package cli

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/server"
)

type serveOptions struct {
	jobFlags
	addr string
	// secretFiles are the flags naming each forge's webhook secret file.
	secretFiles                     map[string]*string
	maxBody                         int64
	readTimeout, writeTimeout       time.Duration
	dedupeWindow, jobTimeout, grace time.Duration
	workers, queueSize              int
	resync                          time.Duration
	repositories                    []string
}

// newServeCmd builds serve; runF, when set, receives the parsed options
// instead of running.
func newServeCmd(f *Factory, runF func(*serveOptions) error) *cobra.Command {
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
` + webhookSecrets() + `. Forge credentials
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
			if runF != nil {
				return runF(o)
			}
			return runServe(cmd.Context(), f, o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.addr, "addr", ":8080", "listen on `ADDR`ESS")
	o.secretFiles = map[string]*string{}
	for _, k := range connect.Kinds {
		if wh := k.Webhook; wh != nil {
			o.secretFiles[k.Name] = fl.String(wh.SecretFlag, "", "read the "+wh.SecretName+" from `FILE` (default $"+wh.SecretEnv+")")
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
	fl.DurationVar(&o.resync, "resync", server.DefaultResyncEvery, "re-derive what is due in every known repository this often (0: never)")
	fl.StringArrayVar(&o.repositories, "repository", nil, "resync `FORGE:PATH[@BRANCH]` (github:acme/gitops@main) from the start, besides the repositories deliveries name; repeatable")
	o.jobFlags.register(cmd, f)
	return cmd
}

func runServe(ctx context.Context, f *Factory, o *serveOptions) error {
	repos, err := o.repos(f)
	if err != nil {
		return err
	}
	files := map[string]string{}
	for name, file := range o.secretFiles {
		files[name] = *file
	}
	return server.Run(ctx, server.Setup{
		Options: server.Options{MaxBody: o.maxBody, ReadTimeout: o.readTimeout, WriteTimeout: o.writeTimeout,
			DedupeWindow: o.dedupeWindow, Workers: o.workers, QueueSize: o.queueSize, JobTimeout: o.jobTimeout, ResyncEvery: o.resync},
		Addr: o.addr, Grace: o.grace, SecretFiles: files, Getenv: f.Getenv, RepositorySpecs: o.repositories, Repos: repos,
		Job: server.Job{MemoryMiB: o.memoryMiB, Command: "serve-job", Args: o.jobArgs(f), Stderr: f.Stderr},
	})
}

// webhookSecrets lists, for serve's help, each forge's secret variable
// and file flag.
func webhookSecrets() string {
	var lines []string
	for _, k := range connect.Kinds {
		if wh := k.Webhook; wh != nil {
			lines = append(lines, wh.SecretEnv+" (or --"+wh.SecretFlag+")")
		}
	}
	return strings.Join(lines, ",\n")
}
