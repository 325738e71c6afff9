package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/webtest"
)

// The hosted pages' own test helpers; those the dashboard's tests share are in package webtest.

const wantCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self' https://shop.example; frame-ancestors 'none'; base-uri 'none'"

func withScenario(v url.Values, scenario string) url.Values {
	v.Set("scenario", scenario)
	return v
}

func sessionStatus(t *testing.T, e *kassatest.Env, id string) map[string]any {
	t.Helper()
	path := "/api/v1/checkout-sessions/" + id
	if strings.HasPrefix(id, "pl_") {
		path = "/api/v1/payment-links/" + id
	}
	resp := e.Do(kassatest.Request{Method: "GET", Path: path})
	if resp.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.Status, resp.Body)
	}
	return resp.JSON(t)
}

func eventCount(t *testing.T, br *webtest.Browser, typ, objectID string) int {
	t.Helper()
	resp := br.API(kassatest.Request{Method: "GET", Path: "/api/v1/events?type=" + typ + "&object_id=" + objectID})
	if resp.Status != http.StatusOK {
		t.Fatalf("events: %d %s", resp.Status, resp.Body)
	}
	return len(resp.JSON(t)["data"].([]any))
}

// wantHostedHeaders checks docs/architecture.md §9's headers; csp "" skips the exact policy.
func wantHostedHeaders(t *testing.T, what string, p webtest.Page, csp string) {
	t.Helper()
	want := map[string]string{
		"Content-Type": "text/html; charset=utf-8", "Referrer-Policy": "no-referrer",
		"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
	}
	if csp != "" {
		want["Content-Security-Policy"] = csp
	}
	for k, v := range want {
		if got := p.Header.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
	if got := p.Header.Get("Content-Security-Policy"); !strings.HasPrefix(got, "default-src 'none'; script-src 'self'; style-src 'self';") {
		t.Errorf("%s: Content-Security-Policy = %q", what, got)
	}
}

var (
	inputTag    = regexp.MustCompile(`<input [^>]*>`)
	inputID     = regexp.MustCompile(`\sid="([^"]+)"`)
	numberInput = regexp.MustCompile(`<input id="number"[^>]*>`)
)
