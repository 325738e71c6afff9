package api_test

import (
	"testing"

	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// TestUnreadableTextIsRejectedBeforeAnyHandler: ids are ASCII, so an id with invalid UTF-8 (or NUL) names nothing and
// answers 404 like any unknown id; a query parameter with invalid UTF-8 is a 400 naming it. Neither reaches the
// database, where PostgreSQL refuses such text with an error that used to come out as a 500.
func TestUnreadableTextIsRejectedBeforeAnyHandler(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		key := map[string]string{"Idempotency-Key": "utf8-test-key-1"}
		notFound := func(name, method, path, body string) errorCase {
			return errorCase{name, kassatest.Request{Method: method, Path: path, Body: body, Headers: key}, 404, "invalid_request_error", "resource_missing", "id"}
		}
		invalid := func(name, path, param string) errorCase {
			return errorCase{name, kassatest.Request{Method: "GET", Path: path}, 400, "invalid_request_error", "parameter_invalid", param}
		}
		checkErrors(t, e, []errorCase{
			notFound("void", "POST", "/api/v1/payments/%ff%fe/void", `{"reason":"duplicate"}`),
			notFound("refund", "POST", "/api/v1/payments/%ff%fe/refund", `{"reason":"duplicate"}`),
			notFound("refunds", "POST", "/api/v1/payments/%ff%fe/refunds", `{"reason":"duplicate"}`),
			notFound("session cancel", "POST", "/api/v1/checkout-sessions/%ff%fe/cancel", ""),
			notFound("link cancel", "POST", "/api/v1/payment-links/%ff%fe/cancel", ""),
			notFound("rotate secret", "POST", "/api/v1/webhook-endpoints/%ff%fe/rotate-secret", `{}`),
			notFound("replay", "POST", "/api/v1/webhook-endpoints/%ff%fe/replay", `{"since":"2026-11-01T00:00:00Z"}`),
			notFound("delivery retry", "POST", "/api/v1/webhook-deliveries/%ff%fe/retry", ""),
			notFound("public order payment", "POST", "/api/public/orders/%ff%fe/payments", `{"method":"upi","vpa":"a@okbank"}`),
			notFound("retrieve", "GET", "/api/v1/payments/pay_%ff%fe", ""),
			notFound("NUL in an id", "POST", "/api/v1/payments/pay_%00/void", `{"reason":"duplicate"}`),
			invalid("customers by email", "/api/v1/customers?email=%ff%fe", "email"),
			invalid("customers cursor", "/api/v1/customers?starting_after=%ff%fe", "starting_after"),
			invalid("events by type", "/api/v1/events?type=%ff%fe", "type"),
			invalid("events by object", "/api/v1/events?object_id=%ff", "object_id"),
			invalid("a parameter name", "/api/v1/events?%ff=1", "\ufffd"),
			invalid("NUL in a parameter name", "/api/v1/events?ty%00pe=1", "type"),
			{"invalid UTF-8 in a body string", kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: "{\"name\":\"Jane \xff\xfe\"}"}, 400, "invalid_request_error", "invalid_json", ""},
			{"invalid UTF-8 in a body key", kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: "{\"metadata\":{\"\xc0\xaf\":\"x\"}}"}, 400, "invalid_request_error", "invalid_json", ""},
		})
		// Go's decoder would have stored U+FFFD in place of the bytes; nothing was stored, and a real U+FFFD the
		// client sends is text like any other.
		if list := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/customers"}); len(list.JSON(t)["data"].([]any)) != 0 {
			t.Errorf("a rejected body left a customer behind: %s", list.Body)
		}
		if r := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"name":"Jane \ufffd"}`}); r.Status != 201 || r.JSON(t)["name"] != "Jane \ufffd" {
			t.Errorf("an escaped U+FFFD: %d %s", r.Status, r.Body)
		}
	})
}
