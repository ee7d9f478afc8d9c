package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/internal/server"
)

func TestTransportCountsRequestsAndRateLimit(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/gitlab") {
			w.Header().Set("RateLimit-Remaining", "1999")
		} else {
			w.Header().Set("X-RateLimit-Remaining", "4987")
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer api.Close()
	m := server.NewMetrics(func() float64 { return 0 })
	c := &http.Client{Transport: m.Transport(nil)}
	for _, p := range []string{"/repos", "/repos", "/gitlab"} {
		resp, err := c.Post(api.URL+p, "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	host := strings.TrimPrefix(api.URL, "http://")
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{
		`promote_forge_requests_total{code="201",host="` + host + `",method="POST"} 3`,
		`promote_forge_rate_limit_remaining{host="` + host + `"} 1999`,
	} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestDeliveriesMetricHasAFixedSetOfEvents: made-up event headers, signed
// or not, add no series of their own.
func TestDeliveriesMetricHasAFixedSetOfEvents(t *testing.T) {
	l := start(t, newRecorder(), nil)
	for i := range 20 {
		for _, forge := range []string{"github", "gitlab"} {
			req, _ := http.NewRequest("POST", l.url+"/webhook/"+forge, strings.NewReader("{}"))
			req.Header.Set("X-GitHub-Event", fmt.Sprintf("made-up-%d", i))
			req.Header.Set("X-Gitlab-Event", fmt.Sprintf("Made Up %d", i))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
	}
	_, metrics := l.get("/metrics")
	if strings.Contains(metrics, "made-up") || strings.Contains(metrics, "Made Up") {
		t.Errorf("made-up events became label values:\n%s", metrics)
	}
	if !strings.Contains(metrics, `promote_webhook_deliveries_total{event="other",forge="github",status="unauthorized"} 20`) {
		t.Errorf("made-up events not counted as other:\n%s", metrics)
	}
	for _, c := range []struct{ forge, event, want string }{
		{"github", "issue_comment", "issue_comment"},
		{"github", "Note Hook", "other"},
		{"gitlab", "Merge Request Hook", "Merge Request Hook"},
		{"gitlab", "", "other"},
	} {
		if got := server.EventLabel(c.forge, c.event); got != c.want {
			t.Errorf("EventLabel(%q, %q) = %q, want %q", c.forge, c.event, got, c.want)
		}
	}
}
