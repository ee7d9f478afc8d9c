package retry

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// maxReplay is the largest request body kept in memory so that the
// request can be sent again.
const maxReplay = 8 << 20

// Transport is an http.RoundTripper that retries requests failing for
// reasons that pass. When it gives up it returns the last response (or
// error) as is, so that the caller reports what the server said.
type Transport struct {
	Policy Policy
	// Next sends each attempt; nil uses http.DefaultTransport.
	Next http.RoundTripper
	// Timeout bounds each attempt, reading the response body included
	// (--request-timeout): a stalled request fails with a *TimeoutError
	// and is retried instead of eating the whole run's deadline. Zero
	// leaves attempts bounded by the request's context only.
	Timeout time.Duration
}

// TimeoutError is the error of an attempt that did not finish within
// Transport.Timeout.
type TimeoutError struct {
	Method, Path string
	After        time.Duration
}

// Error implements error.
func (e *TimeoutError) Error() string {
	return fmt.Sprintf("%s %s: no complete answer within %s (see --request-timeout)", e.Method, e.Path, e.After)
}

// Timeout reports true: the error is a timeout of one call.
func (e *TimeoutError) Timeout() bool { return true }

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	next := t.Next
	if next == nil {
		next = http.DefaultTransport
	}
	replay, err := replayable(req)
	if err != nil {
		return nil, err
	}
	ctx := req.Context()
	for n := 1; ; n++ {
		attempt := req
		if n > 1 && replay != nil {
			attempt = req.Clone(ctx)
			attempt.Body, _ = replay()
		}
		resp, err := t.attempt(next, attempt)
		wait, why, ok := t.Policy.classify(resp, err, n)
		if !ok || n >= t.Policy.attempts() || (replay == nil && req.Body != nil && req.Body != http.NoBody) || !t.Policy.fits(ctx, wait) || ctx.Err() != nil {
			return resp, err
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			_ = resp.Body.Close()
		}
		t.Policy.notify("%s %s: %s; retrying in %s (attempt %d of %d)", req.Method, req.URL.Path, why, wait.Round(time.Millisecond), n+1, t.Policy.attempts())
		if err := t.Policy.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s %s: %s, then %w", req.Method, req.URL.Path, why, err)
		}
	}
}

// attempt sends one attempt, bounded by t.Timeout until its body is
// closed.
func (t *Transport) attempt(next http.RoundTripper, req *http.Request) (*http.Response, error) {
	if t.Timeout <= 0 {
		return next.RoundTrip(req)
	}
	parent := req.Context()
	ctx, cancel := context.WithTimeout(parent, t.Timeout)
	timedOut := func() bool { return ctx.Err() != nil && parent.Err() == nil }
	te := &TimeoutError{Method: req.Method, Path: req.URL.Path, After: t.Timeout}
	resp, err := next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		if timedOut() {
			return nil, te
		}
		return nil, err
	}
	resp.Body = &timedBody{ReadCloser: resp.Body, cancel: cancel, timedOut: timedOut, err: te}
	return resp, nil
}

// timedBody ends an attempt's timer when the body is closed, and names
// the timeout when reading it ran out of time.
type timedBody struct {
	io.ReadCloser
	cancel   context.CancelFunc
	timedOut func() bool
	err      error
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && b.timedOut() {
		err = b.err
	}
	return n, err
}

func (b *timedBody) Close() error {
	defer b.cancel()
	return b.ReadCloser.Close()
}

// replayable returns a function giving a fresh copy of the body, reading
// small bodies into memory when the request has no GetBody; nil when the
// request cannot be sent twice.
func replayable(req *http.Request) (func() (io.ReadCloser, error), error) {
	if req.Body == nil || req.Body == http.NoBody {
		return func() (io.ReadCloser, error) { return http.NoBody, nil }, nil
	}
	if req.GetBody != nil {
		return req.GetBody, nil
	}
	if req.ContentLength < 0 || req.ContentLength > maxReplay {
		return nil, nil
	}
	data, err := io.ReadAll(io.LimitReader(req.Body, maxReplay+1))
	_ = req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("%s %s: read request body: %w", req.Method, req.URL.Path, err)
	}
	get := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	req.Body, _ = get()
	req.GetBody = get
	return get, nil
}

// classify decides whether an attempt is retried, how long to wait first
// and why (for the message).
func (p Policy) classify(resp *http.Response, err error, n int) (time.Duration, string, bool) {
	if err != nil {
		if !Transient(err) {
			return 0, "", false
		}
		return p.backoff(n), err.Error(), true
	}
	if resp.StatusCode == http.StatusForbidden {
		return p.forbidden(resp, n)
	}
	if !TransientStatus(resp.StatusCode) {
		return 0, "", false
	}
	if d, ok := p.serverWait(resp.Header); ok {
		return d, resp.Status + " (the server asked to wait)", true
	}
	return p.backoff(n), resp.Status, true
}

// forbidden retries a 403 only when it is a rate limit: GitHub's primary
// limit (no requests remaining) or its secondary limit (Retry-After, or
// the message says so).
func (p Policy) forbidden(resp *http.Response, n int) (time.Duration, string, bool) {
	if d, ok := p.serverWait(resp.Header); ok {
		return d, "403 rate limited", true
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if !strings.Contains(strings.ToLower(string(body)), "secondary rate limit") {
		return 0, "", false
	}
	return max(p.backoff(n), secondaryWait), "403 secondary rate limit", true
}
