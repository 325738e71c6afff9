package api

import "net/http"

// docs renders the API reference from the OpenAPI document (docs_page.go).
func (s *Server) docs(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self' 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'")
	w.Write([]byte("<!doctype html><title>Kassa API</title><p>See <a href=\"/api/openapi.json\">/api/openapi.json</a>.")) //nolint:errcheck
}
