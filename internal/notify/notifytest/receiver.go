// Package notifytest is a loopback webhook receiver for tests of
// notifications.
package notifytest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Receiver is an httptest server that records the JSON POSTs it gets
// and answers Status (200 by default). Other requests get 400.
type Receiver struct {
	*httptest.Server
	// Status is the answer to a good request.
	Status int

	mu       sync.Mutex
	requests []Request
}

// Request is one request received.
type Request struct {
	Body   []byte
	Header http.Header
}

// NewReceiver starts a receiver, closed at the test's end.
func NewReceiver(t testing.TB) *Receiver {
	r := &Receiver{Status: http.StatusOK}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.requests = append(r.requests, Request{Body: body, Header: req.Header.Clone()})
	status := r.Status
	r.mu.Unlock()
	if req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/json" || !json.Valid(body) {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	w.WriteHeader(status)
}

// Requests returns the requests received so far.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.requests...)
}

// Events decodes the generic webhook events received (their "event",
// "to", "from", "title", "url", "number", "reason" fields).
func (r *Receiver) Events(t testing.TB) []Event {
	t.Helper()
	var out []Event
	for _, req := range r.Requests() {
		var e Event
		if err := json.Unmarshal(req.Body, &e); err != nil {
			t.Fatalf("%v: %s", err, req.Body)
		}
		out = append(out, e)
	}
	return out
}

// Event is the part of a generic webhook event tests look at.
type Event struct {
	Event    string `json:"event"`
	From     string `json:"from"`
	To       string `json:"to"`
	Title    string `json:"title"`
	URL      string `json:"url"`
	Number   int    `json:"number"`
	Reason   string `json:"reason"`
	Rollback bool   `json:"rollback"`
}
