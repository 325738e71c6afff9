package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/gateway"
)

// requestInfo travels with a request (in its context) and collects what the outer layer logs and measures.
// Middleware fills it in place instead of copying the request, so the ServeMux's pattern and path values set on
// the request stay visible to the outer layer.
type requestInfo struct {
	ID          string
	Route       string
	Auth        *gateway.Auth
	Idempotency gateway.Idempotency
	// ClientIP is the caller's address (fraud velocity counts).
	ClientIP string
}

type infoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(infoKey{}).(*requestInfo)
	return info
}

func newRequestID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "req_" + hex.EncodeToString(b)
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ServeHTTP is the one entry point: request id, panic recovery, access log and metrics around routing, then the
// API layers (body limit, content type, readable text, authentication, rate limit, idempotency) for API routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	info := &requestInfo{ID: newRequestID(), ClientIP: s.opts.ClientIP.Of(r)}
	r = r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
	sw := &statusWriter{ResponseWriter: w}
	sw.Header().Set("Request-Id", info.ID)
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.ErrorContext(r.Context(), "panic serving request", "request_id", info.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if sw.status == 0 {
				s.writeError(sw, r, errors.New("panic"))
			}
		}
		s.observe(r, sw, info, time.Since(start))
	}()
	s.route(sw, r, info)
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, info *requestInfo) {
	_, pattern := s.mux.Handler(r)
	if pattern == "" || s.isRedirect(r, pattern) {
		s.unmatched(w, r)
		return
	}
	info.Route = pattern
	policy, isAPI := s.policy[pattern]
	if !isAPI {
		s.mux.ServeHTTP(w, r)
		return
	}
	// No API request runs longer than this, so an idempotency claim (idempotency.LockTimeout) always outlives its
	// request, and a stuck database call cannot hold a worker forever.
	ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
	defer cancel()
	*r = *r.WithContext(ctx)
	r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
	if err := checkContentType(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := rejectUnreadableText(r, pattern); err != nil {
		s.writeError(w, r, err)
		return
	}
	if policy == authAdmin {
		// The operator's key: no merchant, so neither a merchant's rate limits nor an idempotency scope (resolve is
		// idempotent by its nature); the per-IP public limit still applies.
		if err := s.authenticateAdmin(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		if s.allow(w, r, policy, info) {
			s.mux.ServeHTTP(w, r)
		}
		return
	}
	if policy == authClientSecret {
		// The browser authenticates with the object's client secret, which the handler checks; no merchant key, so
		// no idempotency scope either (a confirm is guarded by the object's own state).
		if s.allow(w, r, policy, info) {
			s.mux.ServeHTTP(w, r)
		}
		return
	}
	if err := s.authenticate(r, policy, info); err != nil {
		s.writeError(w, r, err)
		return
	}
	if !s.allow(w, r, policy, info) {
		return
	}
	if r.Method == http.MethodPost {
		s.idempotent(w, r, info, s.mux.ServeHTTP)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// requestTimeout bounds every API request; it must stay below idempotency.LockTimeout.
const requestTimeout = 60 * time.Second

// isRedirect reports whether the mux would answer with a trailing-slash redirect; the API never redirects.
func (s *Server) isRedirect(r *http.Request, pattern string) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") && !strings.Contains(pattern, " ")
}

// unmatched answers unknown paths with 404 and known paths with the wrong method with 405, in the error shape.
func (s *Server) unmatched(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	h, _ := s.mux.Handler(r)
	h.ServeHTTP(rec, r)
	if rec.Code == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", rec.Header().Get("Allow"))
		s.writeError(w, r, &gateway.Error{Kind: gateway.KindMethodNotAllowed, Code: "method_not_allowed",
			Message: fmt.Sprintf("%s is not allowed on %s; allowed: %s.", r.Method, r.URL.Path, rec.Header().Get("Allow"))})
		return
	}
	s.writeError(w, r, &gateway.Error{Kind: gateway.KindNotFound, Code: "route_not_found",
		Message: fmt.Sprintf("No route %s %s. See /docs for the API reference.", r.Method, r.URL.Path)})
}

// writeError writes err in the error shape, logging errors the client cannot have caused.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	info := infoFrom(r.Context())
	resp, expected := toResponse(err, info.ID)
	if !expected {
		s.log.ErrorContext(r.Context(), "request failed", "request_id", info.ID, "err", err)
	}
	writeJSON(w, resp.status, resp)
}

// checkContentType rejects bodies that are not JSON before any handler reads them.
func checkContentType(r *http.Request) error {
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodDelete {
		return nil
	}
	if r.ContentLength == 0 && r.Header.Get("Content-Type") == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return &gateway.Error{Kind: gateway.KindUnsupportedMedia, Code: "unsupported_media_type", Param: "Content-Type",
			Message: "Send the request body as application/json."}
	}
	return nil
}

// readBody reads the whole (size-limited) body and puts it back for the handler.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &gateway.Error{Kind: gateway.KindTooLarge, Code: "request_too_large",
				Message: fmt.Sprintf("The request body is larger than %d bytes.", mbe.Limit)}
		}
		return nil, &gateway.Error{Kind: gateway.KindInvalid, Code: "body_read_failed", Message: "The request body could not be read."}
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

// clientIP is the peer address. Kassa does not trust forwarding headers by default.

// observe writes the access log line and the request metrics.
func (s *Server) observe(r *http.Request, w *statusWriter, info *requestInfo, d time.Duration) {
	route := info.Route
	if route == "" {
		route = "unmatched"
	}
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	s.metrics.observe(r.Method, route, status, d)
	attrs := []any{
		"request_id", info.ID, "method", r.Method, "route", route, "status", status,
		"duration_ms", float64(d.Microseconds()) / 1000, "bytes", w.bytes, "remote", s.opts.ClientIP.Of(r),
	}
	if info.Auth != nil {
		attrs = append(attrs, "merchant_id", info.Auth.Merchant.ID, "livemode", info.Auth.Livemode())
	}
	s.log.InfoContext(r.Context(), "request", attrs...)
}
