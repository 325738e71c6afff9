package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/kassapay/kassa/internal/crashpoint"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/idempotency"
)

// captureWriter passes a response through and keeps a copy for the idempotency record.
type captureWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (w *captureWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *captureWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

// idempotent implements docs/architecture.md §6 for POST requests: the key comes from the Idempotency-Key header or the
// body's idempotency_key field; a completed key replays the stored response byte for byte with Idempotent-Replayed:
// true; another body under the same key is 409 idempotency_key_reused; a key whose first request is still running is
// 409 idempotency_request_in_progress with Retry-After.
//
// The handler runs with the claim in its context (gateway.WithClaim): a money-moving use case binds the key to the
// object its first phase creates, in that phase's transaction, and a retry that takes over a key abandoned by a crashed
// run resumes that object instead of moving the money again (docs/architecture.md §5).
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, info *requestInfo, next func(http.ResponseWriter, *http.Request)) {
	body, err := readBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	key, err := idempotencyKeyOf(r, body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if key == "" {
		next(w, r)
		return
	}
	route := r.Method + " " + r.URL.Path
	hash := s.gw.RequestHash(route, body)
	info.Idempotency = gateway.Idempotency{Key: key, Hash: hash}
	sc := idempotency.Scope{MerchantID: info.Auth.Merchant.ID, Livemode: info.Auth.Livemode(), Route: route, Key: key}
	replay, claim, err := s.gw.BeginIdempotent(r.Context(), sc, hash)
	if err != nil {
		if ge, ok := gateway.AsError(err); ok && ge.Code == "idempotency_request_in_progress" {
			w.Header().Set("Retry-After", "1")
		}
		s.writeError(w, r, err)
		return
	}
	if replay != nil {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(replay.ResponseBody)))
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(replay.ResponseStatus)
		w.Write(replay.ResponseBody) //nolint:errcheck
		return
	}
	cw := &captureWriter{ResponseWriter: w}
	finished := false
	defer func() {
		if !finished { // the handler panicked: free the key, the panic propagates to the recovery layer
			s.gw.FinishIdempotent(r.Context(), sc, http.StatusInternalServerError, nil) //nolint:errcheck
		}
	}()
	next(cw, r.WithContext(gateway.WithClaim(r.Context(), claim)))
	finished = true
	status := cw.status
	if status == 0 {
		status = http.StatusOK
	}
	crashpoint.Hit("respond " + info.Route) // the outcome is committed, its response not yet stored
	if err := s.gw.FinishIdempotent(r.Context(), sc, status, cw.buf.Bytes()); err != nil {
		s.log.ErrorContext(r.Context(), "storing idempotent response failed", "request_id", info.ID, "err", err)
	}
}

// idempotencyKeyOf returns the request's key from the header or the top-level body field idempotency_key.
func idempotencyKeyOf(r *http.Request, body []byte) (string, error) {
	header := r.Header.Get("Idempotency-Key")
	var field struct {
		Key *string `json:"idempotency_key"`
	}
	if len(bytes.TrimSpace(body)) > 0 && bytes.TrimSpace(body)[0] == '{' {
		// A body that is not valid JSON is reported by the handler's own parsing; here it just has no key.
		json.Unmarshal(body, &field) //nolint:errcheck
	}
	key := header
	if field.Key != nil {
		if header != "" && header != *field.Key {
			return "", gateway.InvalidParam("idempotency_key", "idempotency_key_mismatch",
				"The Idempotency-Key header and the idempotency_key body field differ; send one, or the same value in both.")
		}
		key = *field.Key
	}
	if key == "" && (header != "" || field.Key != nil) {
		return "", gateway.InvalidParam("Idempotency-Key", "invalid_idempotency_key", "The idempotency key is empty.")
	}
	if key != "" {
		if err := idempotency.ValidateKey(key); err != nil {
			return "", gateway.InvalidParam("Idempotency-Key", "invalid_idempotency_key", "The idempotency key "+err.Error()+".")
		}
	}
	return key, nil
}
