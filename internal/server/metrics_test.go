package server_test

import (
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
