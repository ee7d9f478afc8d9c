package retry

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// server answers with the scripted statuses and headers in turn, then
// 200, echoing the request body.
func server(t *testing.T, script ...func(w http.ResponseWriter)) (*httptest.Server, *int32) {
	var n int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := atomic.AddInt32(&n, 1) - 1
		body, _ := io.ReadAll(r.Body)
		if int(i) < len(script) {
			script[i](w)
			return
		}
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func status(code int, headers ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
		if code == http.StatusForbidden && len(headers) == 0 {
			_, _ = io.WriteString(w, `{"message":"You have exceeded a secondary rate limit."}`)
		}
	}
}

func client(waits *[]time.Duration, now time.Time) *http.Client {
	p := Policy{Sleep: func(_ context.Context, d time.Duration) error { *waits = append(*waits, d); return nil }, Now: func() time.Time { return now }}
	return &http.Client{Transport: &Transport{Policy: p}}
}

func TestTransportRetries(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	cases := []struct {
		name   string
		script []func(http.ResponseWriter)
		min    []time.Duration
		max    []time.Duration
	}{
		{"502 then success", []func(http.ResponseWriter){status(502)}, []time.Duration{500 * time.Millisecond}, []time.Duration{time.Second}},
		{"two 503 back off", []func(http.ResponseWriter){status(503), status(503)}, []time.Duration{500 * time.Millisecond, time.Second}, []time.Duration{time.Second, 2 * time.Second}},
		{"429 Retry-After seconds", []func(http.ResponseWriter){status(429, "Retry-After", "7")}, []time.Duration{7 * time.Second}, []time.Duration{7 * time.Second}},
		{"429 Retry-After date", []func(http.ResponseWriter){status(429, "Retry-After", now.Add(20*time.Second).UTC().Format(http.TimeFormat))}, []time.Duration{20 * time.Second}, []time.Duration{20 * time.Second}},
		{"403 primary limit until reset", []func(http.ResponseWriter){status(403, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1700000030")}, []time.Duration{30 * time.Second}, []time.Duration{31 * time.Second}},
		{"403 secondary limit", []func(http.ResponseWriter){status(403)}, []time.Duration{time.Minute}, []time.Duration{time.Minute}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, n := server(t, c.script...)
			var waits []time.Duration
			resp, err := client(&waits, now).Post(srv.URL, "application/json", strings.NewReader(`{"title":"x"}`))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || string(body) != `{"title":"x"}` {
				t.Fatalf("%d %q: the body was not sent again", resp.StatusCode, body)
			}
			if int(*n) != len(c.script)+1 || len(waits) != len(c.script) {
				t.Fatalf("%d requests, waits %v", *n, waits)
			}
			for i := range waits {
				if waits[i] < c.min[i] || waits[i] > c.max[i] {
					t.Errorf("wait %d = %s, want in [%s, %s]", i, waits[i], c.min[i], c.max[i])
				}
			}
		})
	}
}

func TestTransportDoesNotRetryWhatWillNotPass(t *testing.T) {
	for _, code := range []int{400, 401, 404, 422} {
		srv, n := server(t, status(code))
		var waits []time.Duration
		resp, err := client(&waits, time.Now()).Get(srv.URL)
		if err != nil || resp.StatusCode != code || *n != 1 || len(waits) != 0 {
			t.Errorf("%d: status %v, %d requests, waits %v", code, resp.StatusCode, *n, waits)
		}
	}
	srv, n := server(t, func(w http.ResponseWriter) {
		w.WriteHeader(403)
		_, _ = io.WriteString(w, `{"message":"Resource not accessible by integration"}`)
	})
	var waits []time.Duration
	resp, _ := client(&waits, time.Now()).Get(srv.URL)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 403 || *n != 1 || !strings.Contains(string(body), "not accessible") {
		t.Errorf("403 permission: %d requests, body %q", *n, body)
	}
}

func TestTransportStopsAtDeadlineAndAttempts(t *testing.T) {
	srv, n := server(t, status(429, "Retry-After", "600"))
	var waits []time.Duration
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := (&http.Client{Transport: &Transport{Policy: Policy{Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}}}).Do(req)
	if err != nil || resp.StatusCode != 429 || *n != 1 || len(waits) != 0 {
		t.Errorf("a wait past the deadline: status %d, %d requests, waits %v", resp.StatusCode, *n, waits)
	}

	always := make([]func(http.ResponseWriter), 10)
	for i := range always {
		always[i] = status(502)
	}
	srv, n = server(t, always...)
	waits = nil
	resp, err = (&http.Client{Transport: &Transport{Policy: Policy{Attempts: 3, Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}}}).Get(srv.URL)
	if err != nil || resp.StatusCode != 502 || *n != 3 || len(waits) != 2 {
		t.Errorf("attempts 3: status %d, %d requests, waits %v", resp.StatusCode, *n, waits)
	}
}

func TestDo(t *testing.T) {
	var waits []time.Duration
	p := Policy{Attempts: 3, Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	calls := 0
	err := p.Do(context.Background(), "push x", func(error) bool { return true }, func(context.Context) error {
		calls++
		if calls < 2 {
			return io.ErrUnexpectedEOF
		}
		return nil
	})
	if err != nil || calls != 2 || len(waits) != 1 {
		t.Errorf("err %v, calls %d, waits %v", err, calls, waits)
	}
	calls = 0
	err = p.Do(context.Background(), "push x", func(error) bool { return true }, func(context.Context) error { calls++; return io.ErrUnexpectedEOF })
	if err == nil || calls != 3 || !strings.Contains(err.Error(), "push x: gave up after 3 attempts") {
		t.Errorf("err %v after %d calls", err, calls)
	}
}

// TestTransportRequestTimeout: a request that stalls is cut off after
// the per-request timeout and tried again, instead of waiting for the
// run's deadline; a body that stalls fails with the timeout named.
func TestTransportRequestTimeout(t *testing.T) {
	release := make(chan struct{})
	stall := func(http.ResponseWriter) { <-release }
	srv, n := server(t, stall)
	tr := &Transport{Policy: Policy{Sleep: func(context.Context, time.Duration) error { return nil }}, Timeout: 100 * time.Millisecond}
	start := time.Now()
	req, _ := http.NewRequest("POST", srv.URL+"/x", strings.NewReader("hello"))
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello" || atomic.LoadInt32(n) != 2 || time.Since(start) > 5*time.Second {
		t.Errorf("body %q after %d attempts in %s", body, atomic.LoadInt32(n), time.Since(start))
	}

	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		<-release
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) }) // before the servers close
	resp, err = (&http.Client{Transport: tr}).Get(slow.URL + "/pack")
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	var te *TimeoutError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "GET /pack: no complete answer within 100ms (see --request-timeout)") {
		t.Errorf("stalled body: %v", err)
	}
}
