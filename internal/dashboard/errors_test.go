package dashboard

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/asset"
	"github.com/kassapay/kassa/internal/gateway"
)

// TestDashboardAnswersEachKindWithItsStatus: the dashboard answers every error kind of a use case with the status
// of the one table (gateway.Kind.Status) and a dashboard page; a refusal shows the gateway's message, and only
// kinds that are ours (and errors that are not the gateway's) are logged, with a page that says so.
func TestDashboardAnswersEachKindWithItsStatus(t *testing.T) {
	t.Parallel()
	answer := func(err error) (*httptest.ResponseRecorder, string) {
		var log strings.Builder
		d := &dashboard{log: slog.New(slog.NewTextHandler(&log, nil)), pages: mustParsePages(), assets: asset.MustLoad(staticFiles, "static")}
		rec := httptest.NewRecorder()
		d.failedIn(rec, httptest.NewRequest(http.MethodPost, "/dashboard/payments/pay_x/capture", nil), nil, err)
		return rec, log.String()
	}
	for _, k := range gateway.Kinds() {
		rec, log := answer(&gateway.Error{Kind: k, Code: "test_code", Message: "Refused for the test."})
		if rec.Code != k.Status() {
			t.Errorf("kind %d (%s): status %d, want %d", k, k.Type(), rec.Code, k.Status())
		}
		if rec.Header().Get("Content-Security-Policy") == "" || !strings.Contains(rec.Body.String(), "Kassa dashboard") {
			t.Errorf("kind %d: not a dashboard page: %v\n%s", k, rec.Header(), rec.Body)
		}
		ours := k.Status() >= http.StatusInternalServerError
		if shown := strings.Contains(rec.Body.String(), "Refused for the test."); shown != (!ours && k != gateway.KindNotFound) {
			t.Errorf("kind %d: the gateway's message shown: %v\n%s", k, shown, rec.Body)
		}
		if logged := log != ""; logged != ours {
			t.Errorf("kind %d: logged %v: %s", k, logged, log)
		}
	}
	rec, log := answer(errors.New("database gone"))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "Something went wrong") || !strings.Contains(log, "database gone") {
		t.Errorf("an internal failure: %d, log %q\n%s", rec.Code, log, rec.Body)
	}
}
