package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/asset"
	"github.com/kassapay/kassa/internal/gateway"
)

// answerer is one front's function that answers an error: the hosted pages' failed, the embed page's embedFailed,
// the embedded payment's embedPayFailed.
type answerer func(h *handler, w http.ResponseWriter, r *http.Request, err error)

// answer runs an answerer on a handler without a gateway (enough for the pages that answer errors) and returns the
// response and what was logged.
func answer(a answerer, err error) (*httptest.ResponseRecorder, string) {
	var log strings.Builder
	h := &handler{log: slog.New(slog.NewTextHandler(&log, nil)), pages: mustParsePages(), assets: asset.MustLoad(staticFiles, "static")}
	rec := httptest.NewRecorder()
	a(h, rec, httptest.NewRequest(http.MethodPost, "/checkout/cs_x/pay", nil), err)
	return rec, log.String()
}

var (
	answerHostedPage = func(h *handler, w http.ResponseWriter, r *http.Request, err error) { h.failed(w, r, err) }
	answerEmbedPage  = func(h *handler, w http.ResponseWriter, r *http.Request, err error) {
		h.embedFailed(w, r, err, "This checkout session does not exist.")
	}
	answerEmbedPay = func(h *handler, w http.ResponseWriter, r *http.Request, err error) { h.embedPayFailed(w, r, err) }
)

// TestEveryKindGetsTheStatusOfTheTable: the hosted pages, the embed page and the embedded payment's JSON answer
// every error kind with the status of the one table (gateway.Kind.Status); only kinds that are ours (5xx) and
// errors that are not the gateway's are logged. An idempotency conflict, a rate limit or an unavailable
// dependency is never a 500 there.
func TestEveryKindGetsTheStatusOfTheTable(t *testing.T) {
	t.Parallel()
	fronts := map[string]struct {
		answer answerer
		body   func(rec *httptest.ResponseRecorder) bool // the answer is in the front's own format
	}{
		"hosted page": {answerHostedPage, func(rec *httptest.ResponseRecorder) bool {
			return strings.Contains(rec.Body.String(), "<!doctype html>") && rec.Header().Get("Referrer-Policy") == "no-referrer"
		}},
		"embed page": {answerEmbedPage, func(rec *httptest.ResponseRecorder) bool {
			return strings.Contains(rec.Body.String(), "Checkout unavailable")
		}},
		"embedded payment": {answerEmbedPay, func(rec *httptest.ResponseRecorder) bool {
			var body embedPayResponse
			return json.Unmarshal(rec.Body.Bytes(), &body) == nil && body.Error != nil && body.Error.Code != ""
		}},
	}
	for name, f := range fronts {
		for _, k := range gateway.Kinds() {
			rec, log := answer(f.answer, &gateway.Error{Kind: k, Code: "test_code", Message: "Refused for the test."})
			if rec.Code != k.Status() {
				t.Errorf("%s, kind %d (%s): status %d, want %d", name, k, k.Type(), rec.Code, k.Status())
			}
			if !f.body(rec) {
				t.Errorf("%s, kind %d: not the front's own answer (%s):\n%s", name, k, rec.Header().Get("Content-Type"), rec.Body)
			}
			if logged := log != ""; logged != (k.Status() >= http.StatusInternalServerError) {
				t.Errorf("%s, kind %d (status %d): logged %v: %s", name, k, k.Status(), logged, log)
			}
			if (k == gateway.KindIdempotency || k == gateway.KindRateLimited || k == gateway.KindUnavailable) && rec.Code == http.StatusInternalServerError {
				t.Errorf("%s, kind %d (%s): 500", name, k, k.Type())
			}
		}
		rec, log := answer(f.answer, errors.New("database gone"))
		if rec.Code != http.StatusInternalServerError || !strings.Contains(log, "database gone") {
			t.Errorf("%s, an internal failure: %d, log %q", name, rec.Code, log)
		}
	}
}
