package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the server's Prometheus metrics, on their own registry.
type Metrics struct {
	Registry *prometheus.Registry
	// Deliveries counts webhook deliveries by forge, event and status
	// (queued, duplicate, ignored, unauthorized, invalid, too_large,
	// unavailable).
	Deliveries *prometheus.CounterVec
	// Promotions counts handled events by kind (comment, merged) and
	// outcome (proposed, unchanged, refused, malformed, answered,
	// ignored, failed).
	Promotions *prometheus.CounterVec
	// ForgeRequests counts API requests to the forges by host, method and
	// status code.
	ForgeRequests *prometheus.CounterVec
	// RateLimitRemaining is the last rate-limit remaining a forge
	// reported, by host.
	RateLimitRemaining *prometheus.GaugeVec
	// Queued is the number of events waiting or being handled.
	Queued prometheus.GaugeFunc
	// Duration is how long handling an event took.
	Duration prometheus.Histogram
}

// NewMetrics registers the metrics; queued reports the queue's depth.
func NewMetrics(queued func() float64) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "promote_webhook_deliveries_total",
			Help: "Webhook deliveries received, by forge, event and what became of them."}, []string{"forge", "event", "status"}),
		Promotions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "promote_promotions_total",
			Help: "Chat commands and merged promotions handled, by kind and outcome."}, []string{"kind", "outcome"}),
		ForgeRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "promote_forge_requests_total",
			Help: "Requests to the forges' APIs, by host, method and status code."}, []string{"host", "method", "code"}),
		RateLimitRemaining: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "promote_forge_rate_limit_remaining",
			Help: "Requests left in the forge's current rate-limit window, as last reported."}, []string{"host"}),
		Queued: prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "promote_events_queued",
			Help: "Events accepted and not yet handled."}, queued),
		Duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "promote_event_duration_seconds",
			Help: "Time to handle one event.", Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120}}),
	}
	m.Registry.MustRegister(m.Deliveries, m.Promotions, m.ForgeRequests, m.RateLimitRemaining, m.Queued, m.Duration,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// Transport counts the requests sent through next and records the
// rate-limit headers of the answers (GitHub's X-RateLimit-Remaining,
// GitLab's RateLimit-Remaining).
func (m *Metrics) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &countingTransport{m: m, next: next}
}

type countingTransport struct {
	m    *Metrics
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	code := "error"
	if resp != nil {
		code = strconv.Itoa(resp.StatusCode)
		for _, h := range []string{"X-RateLimit-Remaining", "RateLimit-Remaining"} {
			if v, perr := strconv.ParseFloat(resp.Header.Get(h), 64); perr == nil {
				t.m.RateLimitRemaining.WithLabelValues(req.URL.Host).Set(v)
				break
			}
		}
	}
	t.m.ForgeRequests.WithLabelValues(req.URL.Host, req.Method, code).Inc()
	return resp, err
}

// observe records the time an event took.
func (m *Metrics) observe(start time.Time) {
	m.Duration.Observe(time.Since(start).Seconds())
}
