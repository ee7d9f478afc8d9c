package server

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/gitops-promote/promote/internal/chatops"
	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/connect"
	"github.com/gitops-promote/promote/internal/notify"
	"github.com/gitops-promote/promote/internal/workspace"
)

// Repos is the Processor of promote serve: it keeps a bare clone of each
// repository under Dir and answers a delivery with a chat handler over
// the clone and the repository's forge. The server runs one delivery per
// repository at a time, so a clone is never used by two deliveries at
// once.
type Repos struct {
	// Dir holds the bare clones.
	Dir string
	// Forge reaches the forges (tokens, URLs, retries); the forge, the
	// repository, the notes' writer and the transport are set per
	// delivery.
	Forge connect.Options
	// Now is the clock of freeze windows; Log receives what happened;
	// Metrics, when set, count the forge's requests.
	Now     func() time.Time
	Log     *slog.Logger
	Metrics *Metrics
	// Notify sends the notifications promote.yaml lists; nil sends none.
	Notify *notify.Sender
}

// Process implements Processor.
func (s *Repos) Process(ctx context.Context, d Delivery) (*chatops.Result, error) {
	h, err := s.handler(d.Payload.Repository)
	if err != nil {
		return nil, err
	}
	return h.Handle(ctx, d.Payload)
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
	opts.Transport = s.Metrics.Transport(opts.Transport)
	fg, err := connect.Open(r, opts)
	if err != nil {
		return nil, err
	}
	return chatops.NewHandler(ws, fg, repo.DefaultBranch, chatops.Setup{Now: s.Now, Log: log, Notify: s.Notify})
}

// logWriter turns the forge's notes into log records.
type logWriter struct{ log *slog.Logger }

// Write implements io.Writer: one record per note.
func (w *logWriter) Write(p []byte) (int, error) {
	w.log.Info(strings.TrimSpace(strings.TrimPrefix(string(p), "promote: ")))
	return len(p), nil
}
