package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/server"
)

// jobFlags are the serve flags a job process needs too.
type jobFlags struct {
	dataDir, logFormat string
	memoryMiB          int
}

// newServeJobCmd is the job process of serve --job-memory: one event on
// stdin, its result on stdout (hidden; serve starts it).
func newServeJobCmd(f *Factory) *cobra.Command {
	o := &jobFlags{}
	cmd := &cobra.Command{
		Use:    "serve-job",
		Short:  "Handle one event for promote serve in a process of its own",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := newLogger(f.Stderr, o.logFormat)
			if err != nil {
				return err
			}
			repos := &serveRepos{f: f, dir: o.dataDir, log: log, metrics: server.NewMetrics(func() float64 { return 0 })}
			if code := server.RunJob(cmd.Context(), f.Stdin, f.Stdout, o.memoryMiB, repos.process); code != 0 {
				return &ExitError{Code: code}
			}
			return nil
		},
	}
	o.register(cmd, f)
	return cmd
}

// register adds the flags a job process shares with serve.
func (o *jobFlags) register(cmd *cobra.Command, f *Factory) {
	fl := cmd.Flags()
	fl.StringVar(&o.dataDir, "data-dir", "", "`DIR` for the repositories' bare clones (default: promote-serve in the user cache directory)")
	fl.StringVar(&o.logFormat, "log-format", "text", "log `FORMAT`: text or json")
	fl.IntVar(&o.memoryMiB, "job-memory", 0, "run each event in a process of its own, stopped when its heap passes `MIB` mebibytes (0: in the server's process, no memory budget)")
	fl.DurationVar(&f.ForgeOptions.RequestTimeout, "request-timeout", defaultRequestTimeout, requestTimeoutUsage)
	fl.StringVar(&f.ForgeOptions.GitLabURL, "gitlab-url", "", "self-managed GitLab `URL`, with the path it is served under (default $GITLAB_URL, $CI_SERVER_URL, else the project's host)")
	fl.StringVar(&f.ForgeOptions.GiteaURL, "gitea-url", "", "Gitea or Forgejo server `URL`, with the path it is served under (default $GITEA_URL, else the repository's host)")
	fl.StringVar(&f.ForgeOptions.AppID, "github-app-id", "", "authenticate as the GitHub App with this `ID` (default $GITHUB_APP_ID)")
	fl.StringVar(&f.ForgeOptions.AppKeyFile, "github-app-key", "", "the GitHub App's private key `FILE` (default $GITHUB_APP_PRIVATE_KEY_FILE, or the PEM in $GITHUB_APP_PRIVATE_KEY)")
}

// isolated returns the processor that runs each event in a serve-job
// process of this binary with the same flags, or nil when jobs run in
// the server's process.
func (o *jobFlags) isolated(f *Factory) (server.Processor, error) {
	if o.memoryMiB <= 0 {
		return nil, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("--job-memory: find this program: %w", err)
	}
	args := []string{"serve-job", "--data-dir", o.dataDir, "--log-format", o.logFormat,
		"--job-memory", strconv.Itoa(o.memoryMiB), "--request-timeout", f.ForgeOptions.RequestTimeout.String(),
		"--gitlab-url", f.ForgeOptions.GitLabURL, "--github-app-id", f.ForgeOptions.AppID, "--github-app-key", f.ForgeOptions.AppKeyFile}
	command := func(ctx context.Context) *exec.Cmd {
		cmd := exec.CommandContext(ctx, exe, args...)
		cmd.WaitDelay = 5 * time.Second
		return cmd
	}
	return server.Isolated(command, f.Stderr, o.memoryMiB), nil
}
