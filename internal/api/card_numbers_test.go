package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/idempotency"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// testCardNumbers are the sandbox's cards (docs/architecture.md §10): none may be stored in clear or logged, in any
// form.
var testCardNumbers = []string{
	sandbox.CardVisa, sandbox.CardMastercard, sandbox.CardAmex, sandbox.CardDiscover, sandbox.CardDecline,
	sandbox.CardInsufficientFunds, sandbox.CardExpired, sandbox.CardCVVMismatch, sandbox.CardProcessingError,
	sandbox.CardFraud, sandbox.CardTimeout,
}

// cardNumberForms returns a card number as people write it: its digits, then grouped as printed on the card (4-6-5
// for the 15 digits of American Express, fours otherwise) with spaces, and with dashes.
func cardNumberForms(number string) []string {
	sizes := []int{4, 4, 4, 4}
	if len(number) == 15 {
		sizes = []int{4, 6, 5}
	}
	var groups []string
	rest := number
	for _, n := range sizes {
		groups = append(groups, rest[:n])
		rest = rest[n:]
	}
	return []string{number, strings.Join(groups, " "), strings.Join(groups, "-")}
}

// assertNoTestCardNumberAtRest fails the test if a form of a sandbox card number is in the database dump, the log
// or one of texts (responses the test received).
func assertNoTestCardNumberAtRest(t *testing.T, e *kassatest.Env, texts ...string) {
	t.Helper()
	places := []string{"the database", "the log"}
	scanned := []string{string(storetest.Dump(t, e.Store)), e.Log.String()}
	for i, s := range texts {
		places = append(places, fmt.Sprintf("response %d", i+1))
		scanned = append(scanned, s)
	}
	for i, text := range scanned {
		var found []string
		for _, number := range testCardNumbers {
			for _, form := range cardNumberForms(number) {
				if strings.Contains(text, form) {
					found = append(found, form)
				}
			}
		}
		if len(found) > 0 {
			t.Errorf("%s holds card numbers in clear: %q", places[i], found)
		}
	}
}

// TestCardNumbersTypedIntoTextAreMasked sends card numbers inside every free-text field the API takes (reasons,
// descriptions, names, metadata and notes values), with and without separators, and proves that none is stored in
// clear, logged, answered or kept in a stored idempotency response; a Luhn-valid order id or receipt is kept as
// sent, since merchants match on it.
func TestCardNumbersTypedIntoTextAreMasked(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		var bodies []string
		send := func(what string, r kassatest.Request, want int) map[string]any {
			t.Helper()
			resp := e.Do(r)
			if resp.Status != want {
				t.Fatalf("%s: status %d, want %d: %s", what, resp.Status, want, resp.Body)
			}
			bodies = append(bodies, string(resp.Body))
			return resp.JSON(t)
		}
		// keyed sends r with an idempotency key, then again: the replay is the stored response, opened.
		var scopes []idempotency.Scope
		keyed := func(what, key string, r kassatest.Request, want int) map[string]any {
			t.Helper()
			r.Headers = map[string]string{"Idempotency-Key": key}
			got := send(what, r, want)
			replay := e.Do(r)
			if replay.Status != want || replay.Header.Get("Idempotent-Replayed") != "true" {
				t.Fatalf("%s replayed: status %d, replayed %q", what, replay.Status, replay.Header.Get("Idempotent-Replayed"))
			}
			bodies = append(bodies, string(replay.Body))
			scopes = append(scopes, idempotency.Scope{MerchantID: e.Merchant.Merchant.ID, Route: r.Method + " " + r.Path, Key: key})
			return got
		}
		postBody := func(path, body string) kassatest.Request {
			return kassatest.Request{Method: "POST", Path: path, Body: body}
		}
		metadata := `{"note":"card 5555 5555 5555 4444","nested":{"cards":["6011-1111-1111-1117",{"deep":"3782 822463 10005"}]},` +
			`"number":4242424242424242,"cart":"c1"}`
		// orderNumber passes the Luhn check, as one in ten numbers does; as an identifier it stays as sent.
		const orderNumber = "1234567812345670"

		// Direct card payments: the card number goes to the vault, the same number typed into text is masked.
		sale := keyed("sale", "sale-free-text-1", postBody("/api/v1/payments/sale", `{"amount":5000,"currency":"USD",`+
			`"card":{"number":"4242 4242 4242 4242","cardholder_name":"4242424242424242","exp_month":12,"exp_year":2030,"cvv":"123"},`+
			`"customer":{"email":"jane@example.com","name":"Jane 4242-4242-4242-4242"},"description":"paid with 4242424242424242",`+
			`"metadata":`+metadata+`}`), 200)
		if sale["status"] != "captured" || sale["card"].(map[string]any)["last4"] != "4242" {
			t.Fatalf("sale: %v", pick(sale, "status", "card"))
		}
		saleID := sale["id"].(string)
		auth := send("authorize", postBody("/api/v1/payments/authorize", cardBody(sandbox.CardMastercard, 3000)), 200)
		keyed("void", "void-free-text-1", postBody("/api/v1/payments/"+auth["id"].(string)+"/void",
			`{"reason":"customer read out 5555555555554444 on the phone"}`), 200)

		// Refunds, by every route.
		refund := keyed("refund", "refund-free-text-1", postBody("/api/v1/refunds", `{"payment_id":"`+saleID+`","amount":1000,`+
			`"reason":"customer typed 4242 4242 4242 4242","metadata":`+metadata+`}`), 201)
		if diff := cmp.Diff("customer typed 4242 42** **** 4242", refund["reason"]); diff != "" {
			t.Errorf("refund reason (-want +got):\n%s", diff)
		}
		keyed("payment refund", "refund-free-text-2", postBody("/api/v1/payments/"+saleID+"/refund",
			`{"amount":1000,"reason":"4242424242424242","metadata":`+metadata+`}`), 201)
		keyed("async refund", "refund-free-text-3", postBody("/api/v1/payments/"+saleID+"/refunds",
			`{"amount":1000,"reason":"card 3782-822463-10005","metadata":`+metadata+`}`), 201)

		// Customers.
		keyed("customer", "customer-free-text-1", postBody("/api/v1/customers", `{"name":"Jane 4242424242424242",`+
			`"description":"card 6011 1111 1111 1117","metadata":{"card":"5555-5555-5555-4444"}}`), 201)

		// Checkout sessions and payment links; the order id is the merchant's and is kept.
		for _, path := range []string{"/api/v1/checkout-sessions", "/api/v1/payment-links"} {
			s := keyed(path, "session-free-text-"+path[8:], postBody(path, `{"external_order_id":"`+orderNumber+`","amount":2500,`+
				`"success_url":"https://shop.example/ok","cancel_url":"https://shop.example/cancel","customer_name":"Jane 4242 4242 4242 4242",`+
				`"description":"pay with 5555555555554444","metadata":`+metadata+`}`), 201)
			if s["external_order_id"] != orderNumber {
				t.Errorf("%s: external_order_id %v, want %s as sent", path, s["external_order_id"], orderNumber)
			}
			if path == "/api/v1/checkout-sessions" {
				if _, err := e.Gateway.PaySession(context.Background(), s["id"].(string), gateway.CardInput{Number: sandbox.CardVisa,
					ExpMonth: 12, ExpYear: 2030, CVV: "123", Name: "Jane 4242 4242 4242 4242"}, "", "", ""); err != nil {
					t.Fatalf("pay the session: %v", err)
				}
			}
		}

		// Payment intents, confirmed by the browser with a cardholder name that is a card number.
		intent := keyed("intent", "intent-free-text-1", postBody("/api/v1/payment-intents", `{"amount":1500,"currency":"USD",`+
			`"success_url":"https://shop.example/ok","order_id":"`+orderNumber+`","description":"card 4242-4242-4242-4242",`+
			`"metadata":`+metadata+`}`), 201)
		send("confirm", kassatest.Request{Method: "POST", Path: "/api/public/payment-intents/" + intent["id"].(string) + "/confirm",
			NoKey: true, Headers: map[string]string{"X-Client-Secret": intent["client_secret"].(string)},
			Body: `{"card":{"number":"5555555555554444","cardholder_name":"5555 5555 5555 4444","exp_month":12,"exp_year":2030,"cvv":"123"}}`}, 200)

		// Orders: notes are masked, the receipt (the merchant's reference) is kept; the card's name is masked.
		order := keyed("order", "order-free-text-1", postBody("/api/v1/orders", `{"amount":10000,"currency":"INR",`+
			`"receipt":"`+orderNumber+`","notes":`+metadata+`}`), 201)
		if order["receipt"] != orderNumber {
			t.Errorf("order receipt %v, want %s as sent", order["receipt"], orderNumber)
		}
		keyed("order payment", "order-payment-free-text-1", postBody("/api/v1/payments", `{"order_id":"`+order["id"].(string)+`",`+
			`"method":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2030,"cvv":"123","name":"6011111111111117"}}`), 201)

		// Webhook endpoints and the blocklist.
		keyed("endpoint", "endpoint-free-text-1", postBody("/api/v1/webhook-endpoints",
			`{"url":"https://hooks.example/kassa","description":"for card 4242 4242 4242 4242"}`), 201)
		keyed("block", "block-free-text-1", postBody("/api/v1/blocklist",
			`{"kind":"email","value":"mallory@example.com","reason":"used 5555-5555-5555-4444 and 4000000000000002"}`), 201)

		// The merchant's own name, shown on every hosted page.
		m := send("merchant", kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Body: `{"name":"Acme 6011 1111 1111 1117"}`}, 200)
		if m["name"] != "Acme 6011 11** **** 1117" {
			t.Errorf("merchant name %v", m["name"])
		}

		// What the API shows afterwards.
		for _, path := range []string{"/api/v1/merchant", "/api/v1/payments?limit=100", "/api/v1/refunds?limit=100", "/api/v1/customers?limit=100",
			"/api/v1/checkout-sessions?limit=100", "/api/v1/payment-links?limit=100", "/api/v1/payment-intents?limit=100",
			"/api/v1/orders?limit=100", "/api/v1/webhook-endpoints", "/api/v1/blocklist", "/api/v1/events?limit=100"} {
			send("GET "+path, kassatest.Request{Method: "GET", Path: path}, 200)
		}

		// The stored responses are sealed: the dump holds their raw bytes, and the replays above their clear text.
		dump := storetest.Dump(t, e.Store)
		for _, sc := range scopes {
			rec, err := e.Store.GetIdempotencyKey(context.Background(), sc)
			if err != nil || rec.Status != idempotency.StatusCompleted || len(rec.ResponseBody) == 0 {
				t.Fatalf("idempotency record %s %s: %v %+v", sc.Route, sc.Key, err, rec.Status)
			}
			if !strings.Contains(string(dump), string(rec.ResponseBody)) {
				t.Errorf("the dump does not show the stored response of %s %s as stored", sc.Route, sc.Key)
			}
			if strings.Contains(string(rec.ResponseBody), `"object"`) {
				t.Errorf("the stored response of %s %s is in clear", sc.Route, sc.Key)
			}
		}
		assertNoTestCardNumberAtRest(t, e, bodies...)
	})
}
