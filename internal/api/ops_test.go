package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/api"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/store/storetest"
)

func TestHealth(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		resp := e.Do(kassatest.Request{Method: "GET", Path: "/health", NoKey: true})
		var h api.Health
		if err := json.Unmarshal(resp.Body, &h); err != nil {
			t.Fatal(err)
		}
		want := api.Health{Status: "ok", Database: "ok", Queue: "not_running_here", Version: "test", Time: kassatest.Start}
		if diff := cmp.Diff(want, h); resp.Status != 200 || diff != "" {
			t.Errorf("healthy: %d (-want +got):\n%s", resp.Status, diff)
		}
		// The database goes away: 503 and says which part failed.
		e.Store.Close()
		resp = e.Do(kassatest.Request{Method: "GET", Path: "/health", NoKey: true})
		if err := json.Unmarshal(resp.Body, &h); err != nil {
			t.Fatal(err)
		}
		if resp.Status != 503 || h.Status != "unavailable" || h.Database != "unreachable" {
			t.Errorf("database down: %d %s", resp.Status, resp.Body)
		}
	})
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	e := kassatest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/merchant"})
	e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/merchant", NoKey: true})
	e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/customers/cus_x"})
	body := string(e.Do(kassatest.Request{Method: "GET", Path: "/metrics", NoKey: true}).Body)
	for _, want := range []string{
		`kassa_http_requests_total{method="GET",route="GET /api/v1/merchant",status="200"} 1`,
		`kassa_http_requests_total{method="GET",route="GET /api/v1/merchant",status="401"} 1`,
		`kassa_http_requests_total{method="GET",route="GET /api/v1/customers/{id}",status="404"} 1`,
		`kassa_http_request_duration_seconds_bucket{method="GET",route="GET /api/v1/merchant",le="+Inf"} 2`,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	for _, m := range []string{"ZZZ1", "ZZZ2"} {
		e.Do(kassatest.Request{Method: m, Path: "/api/v1/merchant"})
	}
	body = string(e.Do(kassatest.Request{Method: "GET", Path: "/metrics", NoKey: true}).Body)
	if strings.Contains(body, "ZZZ") || !strings.Contains(body, `method="OTHER"`) {
		t.Error("arbitrary request methods became metric labels")
	}
	// Ids never become label values (bounded cardinality).
	if strings.Contains(body, "cus_x") {
		t.Error("an object id leaked into a metric label")
	}
}

func TestOpenAPIDocumentIsValidAndComplete(t *testing.T) {
	t.Parallel()
	e := kassatest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	resp := e.Do(kassatest.Request{Method: "GET", Path: "/api/openapi.json", NoKey: true})
	if resp.Status != 200 {
		t.Fatalf("%d", resp.Status)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi version %q, want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Errorf("invalid OpenAPI document: %v", err)
	}
	// Every API route of the server is in the document.
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	slices.Sort(documented)
	want := []string{
		"DELETE /api/v1/blocklist/{id}",
		"DELETE /api/v1/webhook-endpoints/{id}",
		"GET /api/public/checkout-sessions/{id}",
		"GET /api/public/merchant",
		"GET /api/public/payment-intents/{id}",
		"GET /api/v1/blocklist",
		"GET /api/v1/checkout-sessions",
		"GET /api/v1/checkout-sessions/{id}",
		"GET /api/v1/customers",
		"GET /api/v1/customers/{id}",
		"GET /api/v1/events",
		"GET /api/v1/events/{id}",
		"GET /api/v1/merchant",
		"GET /api/v1/payment-intents",
		"GET /api/v1/payment-intents/{id}",
		"GET /api/v1/payment-links",
		"GET /api/v1/payment-links/{id}",
		"GET /api/v1/payments",
		"GET /api/v1/payments/{id}",
		"GET /api/v1/refunds",
		"GET /api/v1/refunds/{id}",
		"GET /api/v1/transactions",
		"GET /api/v1/transactions/{id}",
		"GET /api/v1/webhook-deliveries",
		"GET /api/v1/webhook-deliveries/{id}",
		"GET /api/v1/webhook-endpoints",
		"GET /api/v1/webhook-endpoints/{id}",
		"PATCH /api/v1/merchant",
		"PATCH /api/v1/webhook-endpoints/{id}",
		"POST /api/public/payment-intents/{id}/confirm",
		"POST /api/v1/blocklist",
		"POST /api/v1/checkout-sessions",
		"POST /api/v1/checkout-sessions/{id}/cancel",
		"POST /api/v1/customers",
		"POST /api/v1/payment-intents",
		"POST /api/v1/payment-intents/{id}/cancel",
		"POST /api/v1/payment-links",
		"POST /api/v1/payment-links/{id}/cancel",
		"POST /api/v1/payments/authorize",
		"POST /api/v1/payments/sale",
		"POST /api/v1/payments/{id}/capture",
		"POST /api/v1/payments/{id}/refund",
		"POST /api/v1/payments/{id}/void",
		"POST /api/v1/refunds",
		"POST /api/v1/test-events",
		"POST /api/v1/webhook-deliveries/{id}/retry",
		"POST /api/v1/webhook-endpoints",
		"POST /api/v1/webhook-endpoints/{id}/replay",
		"POST /api/v1/webhook-endpoints/{id}/rotate-secret",
		"POST /api/v1/webhook-test-deliveries",
		// Orders, their payments and refunds, job statistics.
		"GET /api/public/orders/{id}",
		"GET /api/public/payments/{id}/status",
		"GET /api/v1/orders",
		"GET /api/v1/orders/{id}",
		"POST /api/public/orders/{id}/payments",
		"POST /api/v1/orders",
		"POST /api/v1/payments",
		"POST /api/v1/payments/{id}/refunds",
		"GET /api/v1/jobs/stats",
		"GET /api/v1/payment-profiles",
		"GET /api/v1/payment-profiles/{id}",
		"POST /api/v1/payment-profiles",
		"PATCH /api/v1/payment-profiles/{id}",
		"DELETE /api/v1/payment-profiles/{id}",
		"GET /api/v1/routing-rules",
		"PUT /api/v1/routing-rules",
		"POST /api/admin/customers/resolve",
		"GET /api/admin/customers/{id}",
		"GET /api/admin/customers/{id}/payment-methods",
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, documented); diff != "" {
		t.Errorf("documented operations (-want +got):\n%s", diff)
	}
	// docs/architecture.md §6: any POST takes its idempotency key in the body too, so every POST body accepts
	// idempotency_key (unknown fields are rejected).
	for path, item := range doc.Paths.Map() {
		op := item.Post
		if op == nil || op.RequestBody == nil || op.RequestBody.Value == nil {
			continue
		}
		if path == "/api/public/payment-intents/{id}/confirm" {
			continue // authenticated by the client secret, not a key: the intent's own state makes a confirm happen once
		}
		if path == "/api/admin/customers/resolve" {
			continue // the operator's route, outside every merchant's idempotency scope; one shopper per e-mail makes it idempotent
		}
		media := op.RequestBody.Value.Content.Get("application/json")
		if media == nil || media.Schema == nil || media.Schema.Value == nil {
			continue
		}
		if _, ok := media.Schema.Value.Properties["idempotency_key"]; !ok {
			t.Errorf("POST %s: the body does not accept idempotency_key", path)
		}
	}
	// The error shape is Kassa's and the codes are listed.
	spec := string(resp.Body)
	for _, code := range []string{"idempotency_key_reused", "rate_limited", "resource_missing", "parameter_unknown"} {
		if !strings.Contains(spec, code) {
			t.Errorf("error code %s not documented", code)
		}
	}
	// The human-readable page renders every operation.
	page := string(e.Do(kassatest.Request{Method: "GET", Path: "/docs", NoKey: true}).Body)
	for _, op := range want {
		method, path, _ := strings.Cut(op, " ")
		if !strings.Contains(page, ">"+method+"</span> <span class=\"path\">"+path+"<") {
			t.Errorf("/docs lacks %s", op)
		}
	}
}

// TestErrorCodesAreDocumented sends a spread of bad requests and checks that every code they produce is listed.
func TestErrorCodesAreDocumented(t *testing.T) {
	t.Parallel()
	e := kassatest.Setup(t, storetest.Backends()[0], kassatest.Options{MaxBodyBytes: 1024})
	for _, req := range []kassatest.Request{
		{Method: "GET", Path: "/api/v1/merchant", NoKey: true},
		{Method: "GET", Path: "/api/v1/merchant", Key: "nope"},
		{Method: "GET", Path: "/api/v1/merchant", Key: e.PublishableKey},
		{Method: "POST", Path: "/api/v1/customers", Body: `{"x":1}`},
		{Method: "POST", Path: "/api/v1/customers", Body: `{}`, Headers: map[string]string{"Content-Type": "text/plain"}},
		{Method: "POST", Path: "/api/v1/customers", Body: `{"description":"` + strings.Repeat("d", 2000) + `"}`},
		{Method: "POST", Path: "/api/v1/customers", Body: `{`},
		{Method: "GET", Path: "/api/v1/customers/cus_missing"},
		{Method: "PUT", Path: "/api/v1/customers"},
		{Method: "GET", Path: "/api/v1/zzz"},
		{Method: "POST", Path: "/api/v1/refunds", Body: `{"amount":100}`, Headers: map[string]string{"Idempotency-Key": "refund-0001"}},
		{Method: "POST", Path: "/api/v1/refunds", Body: `{"transaction_id":"txn_missing"}`},
		{Method: "POST", Path: "/api/v1/refunds", Body: `{"transaction_id":"txn_missing"}`, Headers: map[string]string{"Idempotency-Key": "refund-0002"}},
	} {
		resp := e.Do(req)
		code, _ := resp.Error(t)["code"].(string)
		status, ok := api.ErrorCodes[code]
		if !ok || status != resp.Status {
			t.Errorf("%s %s: code %q with status %d is not documented as such", req.Method, req.Path, code, resp.Status)
		}
	}
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{RateLimits: api.RateLimits{WritePerSecond: 3, WritePerHour: 5, ReadPerSecond: 4, PublicPerSecond: 2}})
		post := kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{}`}
		for i := range 3 {
			if r := e.Do(post); r.Status != 201 {
				t.Fatalf("write %d: %d %s", i+1, r.Status, r.Body)
			}
		}
		r := e.Do(post)
		if r.Status != 429 || r.Error(t)["code"] != "rate_limited" || r.Error(t)["type"] != "rate_limit_error" {
			t.Fatalf("4th write in one second: %d %s", r.Status, r.Body)
		}
		if diff := cmp.Diff(map[string]string{
			"Retry-After": "1", "Ratelimit-Limit": "3", "Ratelimit-Remaining": "0", "Ratelimit-Policy": "3;w=1, 5;w=3600",
		}, map[string]string{
			"Retry-After": r.Header.Get("Retry-After"), "Ratelimit-Limit": r.Header.Get("RateLimit-Limit"),
			"Ratelimit-Remaining": r.Header.Get("RateLimit-Remaining"), "Ratelimit-Policy": r.Header.Get("RateLimit-Policy"),
		}); diff != "" {
			t.Errorf("429 headers (-want +got):\n%s", diff)
		}
		// Reads have their own budget.
		for i := range 4 {
			if r := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/merchant"}); r.Status != 200 {
				t.Fatalf("read %d: %d", i+1, r.Status)
			}
		}
		if r := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/merchant"}); r.Status != 429 {
			t.Errorf("5th read: %d", r.Status)
		}
		// A second later the per-second budget is back, but the hourly one (5) runs out after two more writes.
		e.Clock.Advance(time.Second)
		for i := range 2 {
			if r := e.Do(post); r.Status != 201 {
				t.Fatalf("write %d after a second: %d", i+4, r.Status)
			}
		}
		e.Clock.Advance(time.Second)
		if r := e.Do(post); r.Status != 429 || r.Header.Get("RateLimit-Limit") != "5" {
			t.Errorf("6th write in the hour: %d limit=%q", r.Status, r.Header.Get("RateLimit-Limit"))
		}
		// Another merchant is unaffected; a merchant's own limits override the defaults.
		other, otherKey, _ := e.NewMerchant("Bench Shop", "bench@example.com")
		if _, err := e.Gateway.UpdateMerchant(context.Background(), other.Merchant.ID, gateway.MerchantPatch{RateLimits: &merchant.RateLimits{WritePerSecond: 10, WritePerHour: 100}}); err != nil {
			t.Fatal(err)
		}
		for i := range 10 {
			if r := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{}`, Key: otherKey}); r.Status != 201 {
				t.Fatalf("raised limit, write %d: %d", i+1, r.Status)
			}
		}
		// Public endpoints are limited per client address.
		for i := range 2 {
			if r := e.Do(kassatest.Request{Method: "GET", Path: "/api/public/merchant", Key: e.PublishableKey}); r.Status != 200 {
				t.Fatalf("public %d: %d", i+1, r.Status)
			}
		}
		if r := e.Do(kassatest.Request{Method: "GET", Path: "/api/public/merchant", Key: e.PublishableKey}); r.Status != 429 {
			t.Errorf("3rd public request in a second: %d", r.Status)
		}
	})
}

var panLike = regexp.MustCompile(`4242424242424242|4242 4242 4242 4242`)

func TestRequestLogs(t *testing.T) {
	t.Parallel()
	e := kassatest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/customers?email=4242424242424242"})
	e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"description":"card 4242 4242 4242 4242"}`})
	e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/merchant", Key: "sk_test_" + strings.Repeat("Z", 32)})
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(e.Log.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", l)
		}
		if m["msg"] == "request" {
			lines = append(lines, m)
		}
	}
	if len(lines) != 3 {
		t.Fatalf("%d request log lines, want one per request:\n%s", len(lines), e.Log.String())
	}
	first := lines[0]
	for _, k := range []string{"request_id", "method", "route", "status", "duration_ms", "merchant_id"} {
		if _, ok := first[k]; !ok {
			t.Errorf("request log line lacks %s: %v", k, first)
		}
	}
	if first["route"] != "GET /api/v1/customers" || first["merchant_id"] != e.Merchant.Merchant.ID {
		t.Errorf("route/merchant: %v", first)
	}
	all := e.Log.String()
	if panLike.MatchString(all) || strings.Contains(all, e.SecretKey) || strings.Contains(all, strings.Repeat("Z", 32)) {
		t.Errorf("logs contain a card number or a secret key:\n%s", all)
	}
}

func TestWrongMethodOnOpsRoutesIsAnAPIError(t *testing.T) {
	t.Parallel()
	e := kassatest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	req, _ := http.NewRequest(http.MethodPost, e.HTTP.URL+"/health", nil)
	resp, err := e.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 405 || !strings.Contains(string(b), "method_not_allowed") {
		t.Errorf("POST /health: %d %s", resp.StatusCode, b)
	}
}
