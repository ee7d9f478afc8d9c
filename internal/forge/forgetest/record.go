package forgetest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
)

// Request is one request a fake API received.
type Request struct {
	Method string
	// Path is the escaped path, Query the raw query.
	Path, Query string
	Body        []byte
	// Header holds the request's headers, Authorization excluded.
	Header http.Header
}

// String is "METHOD path?query".
func (r Request) String() string {
	if r.Query == "" {
		return r.Method + " " + r.Path
	}
	return r.Method + " " + r.Path + "?" + r.Query
}

// Write reports whether the request asks for a change.
func (r Request) Write() bool { return r.Method != http.MethodGet && r.Method != http.MethodHead }

// Response is a scripted response.
type Response struct {
	Status int
	Header map[string]string
	Body   string
}

// script answers the next requests matching method and path.
type script struct {
	method    string
	path      *regexp.Regexp
	responses []Response
}

// recorder keeps the requests a fake received and the scripted faults it
// is still to answer with.
type recorder struct {
	mu       sync.Mutex
	requests []Request
	scripts  []*script
}

// Script makes the next requests matching method and the path regular
// expression get responses, one each, before the fake answers normally.
func (rec *recorder) Script(method, path string, responses ...Response) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.scripts = append(rec.scripts, &script{method: method, path: regexp.MustCompile(path), responses: responses})
}

// Requests returns the requests received so far.
func (rec *recorder) Requests() []Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Request(nil), rec.requests...)
}

// Writes returns the requests received so far that ask for a change.
func (rec *recorder) Writes() []Request {
	var out []Request
	for _, r := range rec.Requests() {
		if r.Write() {
			out = append(out, r)
		}
	}
	return out
}

// Reset forgets the requests received so far.
func (rec *recorder) Reset() {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.requests = nil
}

// record reads the body, logs the request and returns the body and the
// scripted response, if any.
func (rec *recorder) record(r *http.Request) ([]byte, *Response) {
	body, _ := io.ReadAll(r.Body)
	h := r.Header.Clone()
	h.Del("Authorization")
	h.Del("Private-Token")
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.requests = append(rec.requests, Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Body: body, Header: h})
	for _, s := range rec.scripts {
		if len(s.responses) > 0 && s.method == r.Method && s.path.MatchString(r.URL.EscapedPath()) {
			resp := s.responses[0]
			s.responses = s.responses[1:]
			return body, &resp
		}
	}
	return body, nil
}

// write sends a scripted response.
func (resp *Response) write(w http.ResponseWriter) {
	for k, v := range resp.Header {
		w.Header().Set(k, v)
	}
	if resp.Body != "" && w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(resp.Status)
	_, _ = io.WriteString(w, resp.Body)
}

// writeJSON sends v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// route is one endpoint of a fake: method, path pattern, handler given
// the submatches and the body.
type route struct {
	method  string
	path    *regexp.Regexp
	handler func(w http.ResponseWriter, r *http.Request, m []string, body []byte)
}

// dispatch finds the route for r.
func dispatch(routes []route, w http.ResponseWriter, r *http.Request, body []byte) bool {
	for _, rt := range routes {
		if rt.method != r.Method {
			continue
		}
		if m := rt.path.FindStringSubmatch(r.URL.EscapedPath()); m != nil {
			rt.handler(w, r, m, body)
			return true
		}
	}
	return false
}

// Count returns how many of reqs match method and a path ending in
// suffix.
func Count(reqs []Request, method, suffix string) int {
	n := 0
	for _, r := range reqs {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

// Describe lists requests one per line, for failure messages.
func Describe(reqs []Request) string {
	var b strings.Builder
	for _, r := range reqs {
		fmt.Fprintf(&b, "  %s\n", r)
	}
	return b.String()
}
