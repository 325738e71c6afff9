package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
)

const sessionBody = `{"external_order_id":"ORDER-5001","amount":12500,"currency":"USD",
 "success_url":"https://shop.example/orders/5001/ok?s={CHECKOUT_SESSION_ID}","cancel_url":"https://shop.example/orders/5001/cancel",
 "customer_email":"buyer@example.com","customer_name":"Jane Doe","customer_phone":"+15555550100","description":"Order 5001",
 "metadata":{"cart_id":"cart_8472","_internal":"hidden"},"external_invoice_id":"INV-42","website_key":"main"}`

func createSession(t *testing.T, e *kassatest.Env, path, body, key string) kassatest.Response {
	t.Helper()
	return e.Do(kassatest.Request{Method: "POST", Path: path, Body: body, Headers: map[string]string{"Idempotency-Key": key}})
}

func TestCreateCheckoutSession(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		resp := createSession(t, e, "/api/v1/checkout-sessions", sessionBody, "ord-5001-attempt-1")
		if resp.Status != 201 {
			t.Fatalf("%d %s", resp.Status, resp.Body)
		}
		got := resp.JSON(t)
		id, _ := got["id"].(string)
		want := map[string]any{
			"object": "checkout.session", "status": "created", "amount": float64(12500), "currency": "USD",
			"checkout_url": e.HTTP.URL + "/checkout/" + id, "provider_checkout_url": nil, "external_order_id": "ORDER-5001",
			"external_invoice_id": "INV-42", "website_key": "main", "customer_email": "buyer@example.com",
			"customer_phone": "+15555550100", "metadata": map[string]any{"cart_id": "cart_8472"}, "livemode": false,
			"expires_at": kassatest.Start.Add(30 * time.Minute).Format(time.RFC3339), "failed_attempts": float64(0),
		}
		subset := map[string]any{}
		for k := range want {
			subset[k] = got[k]
		}
		if diff := cmp.Diff(want, subset); diff != "" || !strings.HasPrefix(id, "cs_") {
			t.Errorf("session (-want +got):\n%s", diff)
		}
		if _, ok := got["webhook_secret"]; ok {
			t.Error("webhook_secret without a webhook_url")
		}
		// The same request again: the same session.
		again := createSession(t, e, "/api/v1/checkout-sessions", sessionBody, "ord-5001-attempt-1")
		if again.JSON(t)["id"] != id || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retry: %d %s", again.Status, again.Body)
		}
		// A new key for the same order starts a fresh attempt.
		fresh := createSession(t, e, "/api/v1/checkout-sessions", sessionBody, "ord-5001-attempt-2")
		if fresh.Status != 201 || fresh.JSON(t)["id"] == id {
			t.Errorf("new key: %d %s", fresh.Status, fresh.Body)
		}
		// Past the idempotency records' retention, the order's session table still knows the key.
		e.Clock.Advance(25 * time.Hour)
		if _, err := e.Gateway.ReapIdempotencyKeys(context.Background()); err != nil {
			t.Fatal(err)
		}
		late := createSession(t, e, "/api/v1/checkout-sessions", sessionBody, "ord-5001-attempt-1")
		if late.Status != 200 || late.JSON(t)["id"] != id {
			t.Errorf("after 25 h: %d %s", late.Status, late.Body)
		}
		// Events: created (opt-in type), with metadata's _ keys hidden.
		evs := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/events?type=checkout.session.created"}).JSON(t)["data"].([]any)
		if len(evs) != 2 || strings.Contains(string(e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/events"}).Body), "_internal") {
			t.Errorf("checkout.session.created events: %d; hidden keys must not appear", len(evs))
		}
	})
}

func TestCheckoutSessionValidation(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		body := func(change string) string {
			return strings.Replace(`{"external_order_id":"O-1","amount":1500,"success_url":"https://shop.example/ok","cancel_url":"https://shop.example/no"REPLACE}`, "REPLACE", change, 1)
		}
		key := map[string]string{"Idempotency-Key": "k-validation"}
		post := func(b string) kassatest.Request {
			return kassatest.Request{Method: "POST", Path: "/api/v1/checkout-sessions", Body: b, Headers: key}
		}
		checkErrors(t, e, []errorCase{
			{"no idempotency key", kassatest.Request{Method: "POST", Path: "/api/v1/checkout-sessions", Body: body("")}, 400, "invalid_request_error", "missing_idempotency_key", "idempotency_key"},
			{"zero amount", post(strings.Replace(body(""), `"amount":1500`, `"amount":0`, 1)), 400, "invalid_request_error", "invalid_amount", "amount"},
			{"negative amount", post(strings.Replace(body(""), `"amount":1500`, `"amount":-5`, 1)), 400, "invalid_request_error", "invalid_amount", "amount"},
			{"fractional amount", post(strings.Replace(body(""), `"amount":1500`, `"amount":15.5`, 1)), 400, "invalid_request_error", "parameter_invalid", "amount"},
			{"lower-case currency", post(body(`,"currency":"usd"`)), 400, "invalid_request_error", "invalid_currency", "currency"},
			{"unknown currency", post(body(`,"currency":"XYZ"`)), 400, "invalid_request_error", "invalid_currency", "currency"},
			{"no order id", post(strings.Replace(body(""), `"external_order_id":"O-1",`, "", 1)), 400, "invalid_request_error", "parameter_missing", "external_order_id"},
			{"plain http", post(strings.Replace(body(""), "https://shop.example/ok", "http://shop.example/ok", 1)), 400, "invalid_request_error", "url_invalid", "success_url"},
			{"no cancel_url", post(strings.Replace(body(""), `,"cancel_url":"https://shop.example/no"`, "", 1)), 400, "invalid_request_error", "parameter_missing", "cancel_url"},
			{"TTL too short", post(body(`,"expires_in_seconds":59`)), 400, "invalid_request_error", "parameter_invalid", "expires_in_seconds"},
			{"TTL too long", post(body(`,"expires_in_seconds":86401`)), 400, "invalid_request_error", "parameter_invalid", "expires_in_seconds"},
			{"metadata not an object", post(body(`,"metadata":[1,2]`)), 400, "invalid_request_error", "parameter_invalid", "metadata"},
			{"phone not E.164", post(body(`,"customer_phone":"555-0100"`)), 400, "invalid_request_error", "parameter_invalid", "customer_phone"},
			{"bad webhook_url", post(body(`,"webhook_url":"ftp://x.example"`)), 400, "invalid_request_error", "url_invalid", "webhook_url"},
			{"unknown field", post(body(`,"amount_cents":1500`)), 400, "invalid_request_error", "parameter_unknown", "amount_cents"},
		})
		// Several problems: the first in param, all in errors[].
		resp := e.Do(post(`{"external_order_id":"O-1","amount":0,"currency":"usd","success_url":"x","cancel_url":"https://shop.example/no"}`))
		if errs, _ := resp.Error(t)["errors"].([]any); resp.Status != 400 || len(errs) != 3 || resp.Error(t)["param"] != "amount" {
			t.Errorf("three problems: %d %s", resp.Status, resp.Body)
		}
		// Allowed origins: success_url elsewhere is refused, the webhook URL's origin is allowed automatically.
		e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Body: `{"checkout_allowed_origins":["https://shop.example"]}`})
		elsewhere := strings.Replace(body(""), "https://shop.example/ok", "https://other.example/ok", 1)
		if r := e.Do(post(elsewhere)); r.Status != 400 || r.Error(t)["code"] != "origin_not_allowed" || r.Error(t)["param"] != "success_url" {
			t.Errorf("origin not allowed: %d %s", r.Status, r.Body)
		}
		viaWebhook := strings.Replace(elsewhere, `"amount":1500`, `"amount":1500,"webhook_url":"https://other.example/hooks"`, 1)
		if r := e.Do(post(viaWebhook)); r.Status != 201 {
			t.Errorf("webhook origin allowed: %d %s", r.Status, r.Body)
		}
		if n := len(e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/checkout-sessions"}).JSON(t)["data"].([]any)); n != 1 {
			t.Errorf("%d sessions after one valid create", n)
		}
	})
}

func TestSessionWebhookURLRegistersAnEndpoint(t *testing.T) {
	t.Parallel()
	e := kassatest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	withHook := strings.Replace(sessionBody, `"amount":12500`, `"amount":12500,"webhook_url":"https://shop.example/webhooks"`, 1)
	first := createSession(t, e, "/api/v1/checkout-sessions", withHook, "wh-1").JSON(t)
	secret, _ := first["webhook_secret"].(string)
	epID, _ := first["webhook_endpoint_id"].(string)
	if !strings.HasPrefix(secret, "whsec_") || !strings.HasPrefix(epID, "we_") {
		t.Fatalf("first session: secret %q endpoint %q", secret, epID)
	}
	second := createSession(t, e, "/api/v1/checkout-sessions", strings.Replace(withHook, "ORDER-5001", "ORDER-5002", 1), "wh-2").JSON(t)
	if second["webhook_endpoint_id"] != epID || second["webhook_secret"] != nil {
		t.Errorf("second session: endpoint %v secret %v; want the same endpoint, no secret", second["webhook_endpoint_id"], second["webhook_secret"])
	}
	ep := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/webhook-endpoints/" + epID}).JSON(t)
	if ep["url"] != "https://shop.example/webhooks" || ep["secret_hint"] != secret[len(secret)-4:] {
		t.Errorf("endpoint %v", ep)
	}
}

func TestSessionReadCancelAndExpire(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		_, otherKey, _ := e.NewMerchant("Other", "other@example.com")
		a := createSession(t, e, "/api/v1/checkout-sessions", sessionBody, "a").JSON(t)["id"].(string)
		bID := createSession(t, e, "/api/v1/checkout-sessions", strings.Replace(sessionBody, "ORDER-5001", "ORDER-6000", 1), "b").JSON(t)["id"].(string)
		if got := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/checkout-sessions/" + a}).JSON(t)["id"]; got != a {
			t.Errorf("get: %v", got)
		}
		// Browser-safe view with the publishable key: no URLs, endpoint or metadata.
		pub := e.Do(kassatest.Request{Method: "GET", Path: "/api/public/checkout-sessions/" + a, Key: e.PublishableKey})
		for _, hidden := range []string{"success_url", "metadata", "webhook", "cart_8472", "customer_phone"} {
			if strings.Contains(string(pub.Body), hidden) {
				t.Errorf("public view shows %s: %s", hidden, pub.Body)
			}
		}
		if pub.JSON(t)["merchant_name"] != "Acme Shop" || pub.JSON(t)["amount"] != float64(12500) {
			t.Errorf("public view: %s", pub.Body)
		}
		for _, path := range []string{"/api/v1/checkout-sessions/" + a, "/api/public/checkout-sessions/" + a} {
			if r := e.Do(kassatest.Request{Method: "GET", Path: path, Key: otherKey}); r.Status != 404 {
				t.Errorf("another merchant reads %s: %d", path, r.Status)
			}
		}
		if r := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/checkout-sessions/" + a + "/cancel", Key: otherKey}); r.Status != 404 {
			t.Errorf("another merchant cancels: %d", r.Status)
		}
		filtered := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/checkout-sessions?external_order_id=ORDER-6000"}).JSON(t)["data"].([]any)
		if len(filtered) != 1 || filtered[0].(map[string]any)["id"] != bID {
			t.Errorf("filter by order: %v", filtered)
		}
		// Cancel: canceled and payment.canceled; a second cancel is a conflict.
		if r := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/checkout-sessions/" + a + "/cancel"}); r.Status != 200 || r.JSON(t)["status"] != "canceled" {
			t.Errorf("cancel: %d %s", r.Status, r.Body)
		}
		if r := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/checkout-sessions/" + a + "/cancel"}); r.Status != 409 || r.Error(t)["code"] != "session_not_open" {
			t.Errorf("second cancel: %d %s", r.Status, r.Body)
		}
		// Expiry: after 30 minutes the job expires the open session, once.
		e.Clock.Advance(30 * time.Minute)
		n, err := e.Gateway.ExpireSessions(context.Background())
		if err != nil || n != 1 {
			t.Fatalf("ExpireSessions = %d, %v; want 1", n, err)
		}
		if n, _ := e.Gateway.ExpireSessions(context.Background()); n != 0 {
			t.Errorf("expired again: %d", n)
		}
		if got := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/checkout-sessions/" + bID}).JSON(t)["status"]; got != "expired" {
			t.Errorf("status after expiry: %v", got)
		}
		types := map[string]int{}
		for _, ev := range e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/events?limit=100"}).JSON(t)["data"].([]any) {
			types[ev.(map[string]any)["type"].(string)]++
		}
		if diff := cmp.Diff(map[string]int{"checkout.session.created": 2, "payment.canceled": 1, "checkout.session.expired": 1}, types); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

func TestPaymentLinks(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		resp := createSession(t, e, "/api/v1/payment-links", sessionBody, "link-1")
		got := resp.JSON(t)
		id, _ := got["id"].(string)
		if resp.Status != 201 || got["object"] != "payment_link" || got["checkout_url"] != e.HTTP.URL+"/pay/"+id || got["url"] != got["checkout_url"] ||
			got["expires_at"] != kassatest.Start.Add(30*24*time.Hour).Format(time.RFC3339) {
			t.Fatalf("link: %d %s", resp.Status, resp.Body)
		}
		yearLong := strings.Replace(sessionBody, `"amount":12500`, `"amount":12500,"expires_in_seconds":31536000`, 1)
		if r := createSession(t, e, "/api/v1/payment-links", yearLong, "link-2"); r.Status != 201 {
			t.Errorf("a year-long link: %d %s", r.Status, r.Body)
		}
		tooLong := strings.Replace(sessionBody, `"amount":12500`, `"amount":12500,"expires_in_seconds":31536001`, 1)
		if r := createSession(t, e, "/api/v1/payment-links", tooLong, "link-3"); r.Status != 400 || r.Error(t)["param"] != "expires_in_seconds" {
			t.Errorf("over a year: %d %s", r.Status, r.Body)
		}
		// Links and sessions are separate lists and ids.
		if r := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/checkout-sessions/" + id}); r.Status != 404 {
			t.Errorf("a link read as a session: %d", r.Status)
		}
		if n := len(e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/payment-links"}).JSON(t)["data"].([]any)); n != 2 {
			t.Errorf("%d links listed", n)
		}
		if r := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/payment-links/" + id + "/cancel"}); r.JSON(t)["status"] != "canceled" {
			t.Errorf("cancel link: %s", r.Body)
		}
		if n := len(e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/events?type=payment_link.created"}).JSON(t)["data"].([]any)); n != 2 {
			t.Errorf("%d payment_link.created events", n)
		}
	})
}
