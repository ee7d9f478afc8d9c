package cli

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/chatops"
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
			repos, err := o.repos(f)
			if err != nil {
				return err
			}
			if code := server.RunJob(cmd.Context(), f.Stdin, f.Stdout, o.memoryMiB, repos.Process); code != 0 {
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
	addForgeAccessFlags(cmd, f, "project", "repository")
}

// repos are the repositories' clones and forges, as the flags set them.
func (o *jobFlags) repos(f *Factory) (*server.Repos, error) {
	log, err := server.NewLogger(f.Stderr, o.logFormat)
	if err != nil {
		return nil, err
	}
	opts := f.ForgeOptions
	opts.Getenv = f.Getenv
	return &server.Repos{Dir: o.dataDir, Log: log, Forge: opts,
		Chat: chatops.Setup{Now: f.now, Notify: f.Notifier(), Retry: f.ForgeOptions.Retry}}, nil
}

// jobArgs are the flags of a job process besides --data-dir: those of
// the server (the rest comes from the environment it inherits).
func (o *jobFlags) jobArgs(f *Factory) []string {
	fo := f.ForgeOptions
	return []string{"--log-format", o.logFormat, "--job-memory", strconv.Itoa(o.memoryMiB), "--request-timeout", fo.RequestTimeout.String(),
		"--gitlab-url", fo.GitLabURL, "--gitea-url", fo.GiteaURL, "--github-app-id", fo.AppID, "--github-app-key", fo.AppKeyFile}
}
