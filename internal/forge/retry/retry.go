package retry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Policy says how often and how long to retry. The zero value retries
// up to 6 times, backing off from 1s to 30s, sleeping for real.
type Policy struct {
	// Attempts caps the tries of one call, the first included.
	Attempts int
	// Base is the first backoff; each retry doubles it up to Max.
	Base, Max time.Duration
	// Sleep waits d or until ctx is done; nil waits on a timer. Tests
	// inject one that records the waits and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now tells the time; nil uses time.Now.
	Now func() time.Time
	// Notify, when set, is told about each retry (for stderr).
	Notify func(msg string)
}

// Defaults used where a Policy field is zero.
const (
	DefaultAttempts = 6
	DefaultBase     = time.Second
	DefaultMax      = 30 * time.Second
	// secondaryWait is GitHub's advice for a secondary rate limit without
	// Retry-After: wait at least a minute.
	secondaryWait = time.Minute
)

func (p Policy) attempts() int {
	if p.Attempts > 0 {
		return p.Attempts
	}
	return DefaultAttempts
}

func (p Policy) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// backoff is the wait before retry number n (1-based): Base·2^(n-1),
// capped at Max, with jitter in [50%, 100%].
func (p Policy) backoff(n int) time.Duration {
	base, max := p.Base, p.Max
	if base <= 0 {
		base = DefaultBase
	}
	if max <= 0 {
		max = DefaultMax
	}
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return d/2 + rand.N(d/2+1)
}

// sleep waits d with the policy's Sleep, else Sleep.
func (p Policy) sleep(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	return Sleep(ctx, d)
}

// Sleep waits d, or returns the context's error if it ends first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Backoff is the jittered wait before retry number n (1-based).
func (p Policy) Backoff(n int) time.Duration { return p.backoff(n) }

// Wait waits d, or returns the context's error if it ends first.
func (p Policy) Wait(ctx context.Context, d time.Duration) error { return p.sleep(ctx, d) }

// Fits reports whether waiting d leaves the context's deadline intact.
func (p Policy) Fits(ctx context.Context, d time.Duration) bool { return p.fits(ctx, d) }

// fits reports whether waiting d leaves the context's deadline intact.
func (p Policy) fits(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || !p.now().Add(d).After(deadline)
}

func (p Policy) notify(format string, args ...any) {
	if p.Notify != nil {
		p.Notify(fmt.Sprintf(format, args...))
	}
}

// Do calls fn until it succeeds, fails for good, runs out of attempts or
// would wait past ctx's deadline. transient says whether an error may
// pass by itself; what names the operation in messages. The last error is
// returned, wrapped with how many attempts were made.
func (p Policy) Do(ctx context.Context, what string, transient func(error) bool, fn func(context.Context) error) error {
	for n := 1; ; n++ {
		err := fn(ctx)
		if err == nil || !transient(err) || ctx.Err() != nil {
			return err
		}
		wait := p.backoff(n)
		if n >= p.attempts() {
			return fmt.Errorf("%s: gave up after %d attempts: %w", what, n, err)
		}
		if !p.fits(ctx, wait) {
			return fmt.Errorf("%s: gave up after %d attempts (the next would pass the deadline set by --timeout): %w", what, n, err)
		}
		p.notify("%s failed (%v); retrying in %s", what, err, wait.Round(time.Millisecond))
		if err := p.sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
}

// Transient reports whether err is a network failure that may pass: a
// connection reset or refused, an unexpected EOF, a timeout of one call.
func Transient(err error) bool {
	var te *TimeoutError
	if errors.As(err, &te) {
		return true
	}
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TransientStatus reports whether an HTTP status may pass by itself.
func TransientStatus(code int) bool {
	switch code {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable,
		http.StatusGatewayTimeout, http.StatusTooManyRequests:
		return true
	}
	return false
}

// serverWait is the wait a response asks for: Retry-After (seconds or an
// HTTP date), or X-RateLimit-Reset (epoch seconds) when no requests
// remain. ok is false when the response names none.
func (p Policy) serverWait(h http.Header) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.Atoi(v); err == nil && s >= 0 {
			return time.Duration(s) * time.Second, true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(p.now()), 0), true
		}
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		if v, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			return max(time.Unix(v, 0).Sub(p.now())+time.Second, 0), true
		}
	}
	return 0, false
}
