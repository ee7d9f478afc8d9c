package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
)

// Setup is promote serve as its flags describe it.
type Setup struct {
	// Options configure the server; Run sets Secrets, Process, Fail,
	// Resync (when ResyncEvery is positive), Repositories and Log.
	Options
	// Addr is the address to listen on (:8080).
	Addr string
	// Grace bounds the shutdown: the time to finish the accepted events.
	Grace time.Duration
	// SecretFiles name, by forge (a row of connect.Kinds with a webhook),
	// the file that holds its webhook secret; a forge without one reads
	// its row's SecretEnv with Getenv.
	SecretFiles map[string]string
	Getenv      func(string) string
	// RepositorySpecs are the --repository values, FORGE:PATH[@BRANCH],
	// resynced from the start (see ParseRepository).
	RepositorySpecs []string
	// Repos handles the events (and resyncs, and failed jobs' replies):
	// an empty Repos.Dir becomes promote-serve in the user cache
	// directory, and Run sets Repos.Metrics to the server's.
	Repos *Repos
	// Job, when its MemoryMiB is positive, runs each event in a process
	// of its own.
	Job Job
}

// Job is how promote serve --job-memory runs each event: this program
// again, as Command with Args, in a process stopped when its heap passes
// MemoryMiB mebibytes; the process writes its messages to Stderr.
type Job struct {
	MemoryMiB int
	// Command is the job command's name; Args its flags besides
	// --data-dir, which Run adds.
	Command string
	Args    []string
	Stderr  io.Writer
}

// Run reads the webhook secrets, starts the server on Addr and serves
// until ctx ends or SIGTERM or SIGINT arrives, then shuts down within
// Grace.
func Run(ctx context.Context, s Setup) error {
	o := s.Options
	var err error
	if o.Secrets, err = ReadSecrets(s.SecretFiles, s.Getenv); err != nil {
		return err
	}
	if s.Repos.Dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return fmt.Errorf("--data-dir: %w", err)
		}
		s.Repos.Dir = filepath.Join(cache, "promote-serve")
	}
	o.Process, o.Fail, o.Log = s.Repos.Process, s.Repos.Fail, s.Repos.Log
	if s.Job.MemoryMiB > 0 {
		if o.Process, err = s.Job.isolated(s.Repos.Dir); err != nil {
			return err
		}
	}
	if o.Repositories, err = s.repositories(); err != nil {
		return err
	}
	o.Resync = s.Repos.Resyncer(o.ResyncEvery)
	srv, err := New(o)
	if err != nil {
		return err
	}
	s.Repos.Metrics = srv.Metrics
	l, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", s.Addr, err)
	}
	return srv.untilSignal(ctx, l, s.Grace)
}

// repositories parses RepositorySpecs: clone URLs under
// GITHUB_SERVER_URL (default https://github.com) and the GitLab URL or
// CI_SERVER_URL (default https://gitlab.com).
func (s Setup) repositories() ([]forge.Repository, error) {
	hosts := map[string]string{
		"github": first(s.Getenv("GITHUB_SERVER_URL"), "https://github.com"),
		"gitlab": first(s.Repos.Forge.GitLabURL, s.Getenv("CI_SERVER_URL"), "https://gitlab.com"),
	}
	var out []forge.Repository
	for _, spec := range s.RepositorySpecs {
		r, err := ParseRepository(spec, hosts)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// isolated is the processor that runs each event in a job process.
func (j Job) isolated(dataDir string) (Processor, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("--job-memory: find this program: %w", err)
	}
	args := append([]string{j.Command, "--data-dir", dataDir}, j.Args...)
	command := func(ctx context.Context) *exec.Cmd {
		cmd := exec.CommandContext(ctx, exe, args...)
		cmd.WaitDelay = 5 * time.Second
		return cmd
	}
	return Isolated(command, j.Stderr, j.MemoryMiB), nil
}

// untilSignal serves on l until ctx ends or SIGTERM or SIGINT arrives,
// then shuts down gracefully within grace.
func (s *Server) untilSignal(ctx context.Context, l net.Listener, grace time.Duration) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	s.opts.Log.Info("signal received: shutting down", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := s.Shutdown(sctx)
	if serr := <-done; err == nil {
		err = serr
	}
	return err
}

// ReadSecrets reads the webhook secret of every forge with a webhook:
// from the file files names for it, else from its row's SecretEnv.
// Surrounding white space is dropped.
func ReadSecrets(files map[string]string, getenv func(string) string) (map[string][]byte, error) {
	secrets := map[string][]byte{}
	for _, k := range connect.Kinds {
		if k.Webhook == nil {
			continue
		}
		secret := getenv(k.Webhook.SecretEnv)
		if file := files[k.Name]; file != "" {
			data, err := os.ReadFile(file)
			if err != nil {
				return nil, fmt.Errorf("read secret: %w", err)
			}
			secret = string(data)
		}
		secrets[k.Name] = []byte(strings.TrimSpace(secret))
	}
	return secrets, nil
}

// NewLogger returns the logger of format text or json, writing to w.
func NewLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("--log-format %q: expected text or json", format)
}

// first is the first non-empty value.
func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
