package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Health is the body of GET /health.
type Health struct {
	Status   string    `json:"status"`
	Database string    `json:"database"`
	Queue    string    `json:"queue"`
	Version  string    `json:"version"`
	Time     time.Time `json:"time"`
}

// health answers 200 when the database responds and 503 when it does not, so load balancers take the instance
// out of rotation.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	h := Health{Status: "ok", Database: "ok", Queue: s.opts.QueueStatus(), Version: s.opts.Version, Time: s.opts.Now().UTC()}
	status := http.StatusOK
	if err := s.gw.Health(r.Context()); err != nil {
		s.log.WarnContext(r.Context(), "health check: database unreachable", "err", err)
		h.Status, h.Database, status = "unavailable", "unreachable", http.StatusServiceUnavailable
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, h)
}

// httpMetrics are the request counters and latency histograms served on /metrics.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kassa_http_requests_total", Help: "HTTP requests by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "kassa_http_request_duration_seconds", Help: "HTTP request latency by method and route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *httpMetrics) observe(method, route string, status int, d time.Duration) {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete, http.MethodOptions:
	default:
		method = "OTHER" // clients choose the method; label values must stay a small set
	}
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(d.Seconds())
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.opts.Gatherer, promhttp.HandlerOpts{})
}

// OpsHandler serves only /health and /metrics, for instances that run workers without the API.
func (s *Server) OpsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", s.health)
	mux.Handle("GET /metrics", s.metricsHandler())
	return mux
}
