package server

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/workspace"
)

// Repos keeps a bare clone per repository under Dir and handles
// deliveries on it: its Process, Fail and Resyncer are the server's
// Options.Process, Fail and Resync. The server runs one delivery per
// repository at a time, so a clone is never used by two deliveries at
// once.
type Repos struct {
	// Dir holds the clones, at Dir/<forge>/<path>.git.
	Dir string
	// Log receives the forges' notes and the handlers' logs, with the
	// repository's path.
	Log *slog.Logger
	// Metrics counts the requests to the forges; nil counts nothing.
	Metrics *Metrics
	// Forge reaches the forges (Getenv, URLs, credentials, retries);
	// Forge, Repo, Stderr and Transport are set per repository.
	Forge connect.Options
	// Chat sets up each repository's handler; Log and Progress are set
	// per repository.
	Chat chatops.Setup
}

// Process handles one delivery: its comment's command, or its merged
// request.
func (s *Repos) Process(ctx context.Context, d Delivery) (*chatops.Result, error) {
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

// Fail tells the delivery's thread that its job failed.
func (s *Repos) Fail(ctx context.Context, d Delivery, why error) error {
	h, err := s.handler(d.Payload.Repository)
	if err != nil {
		return err
	}
	return h.Fail(ctx, d.Payload, why)
}

// Resyncer returns the resync of one repository; nil when every is 0
// (resync disabled).
func (s *Repos) Resyncer(every time.Duration) func(context.Context, forge.Repository) (*chatops.Result, error) {
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
func (s *Repos) handler(repo forge.Repository) (*chatops.Handler, error) {
	ws, err := workspace.ServerClone(s.Dir, repo.Forge, repo.Path, repo.CloneURL)
	if err != nil {
		return nil, err
	}
	r, err := ws.Repo()
	if err != nil {
		return nil, err
	}
	log := s.Log.With("repository", repo.Path)
	opts := s.Forge
	opts.Forge, opts.Repo = repo.Forge, repo.Path
	opts.Stderr = &logWriter{log: log}
	if s.Metrics != nil {
		opts.Transport = s.Metrics.Transport(opts.Transport)
	}
	fg, err := connect.Open(r, opts)
	if err != nil {
		return nil, err
	}
	setup := s.Chat
	setup.Log, setup.Progress = log, func(msg string) { log.Info(msg) }
	return chatops.NewHandler(ws, fg, repo.DefaultBranch, setup)
}

// logWriter turns the forge's notes into log records.
type logWriter struct{ log *slog.Logger }

// Write implements io.Writer: one record per note.
func (w *logWriter) Write(p []byte) (int, error) {
	w.log.Info(strings.TrimSpace(strings.TrimPrefix(string(p), "promote: ")))
	return len(p), nil
}
