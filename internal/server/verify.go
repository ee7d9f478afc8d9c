package server

import (
	"errors"
	"net/http"

	"github.com/gitops-promote/promote/internal/forge"
)

// webhook answers the deliveries of the forge called name: its row's
// Webhook verifies the signature or token over the raw body, with
// secret, before anything is parsed; then the event is queued.
func (s *Server) webhook(name string, wh *forge.Webhook, secret []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		event := wh.EventType(r)
		if len(secret) == 0 {
			s.count(w, name, event, "disabled", http.StatusNotFound)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBody)
		payload, id, err := wh.Verify(r, secret)
		if errors.Is(err, forge.ErrUnauthorized) {
			s.count(w, name, event, "unauthorized", http.StatusUnauthorized)
			return
		}
		if err != nil {
			s.refuse(w, name, event, err)
			return
		}
		d := Delivery{ID: id, Event: event, bodyKey: bodyKey(payload)}
		if d.ID == "" {
			s.count(w, name, event, "invalid", http.StatusBadRequest)
			return
		}
		if d.Payload, err = wh.Parse(event, payload); err != nil {
			s.opts.Log.Warn("unreadable delivery", "forge", name, "event", event, "delivery", d.ID, "error", err)
			s.count(w, name, event, "invalid", http.StatusBadRequest)
			return
		}
		s.accept(w, name, d)
	}
}

// refuse answers a body that was too large or did not verify.
func (s *Server) refuse(w http.ResponseWriter, forgeName, event string, err error) {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		s.count(w, forgeName, event, "too_large", http.StatusRequestEntityTooLarge)
		return
	}
	s.opts.Log.Warn("delivery refused: signature does not verify", "forge", forgeName, "event", event)
	s.count(w, forgeName, event, "unauthorized", http.StatusUnauthorized)
}
