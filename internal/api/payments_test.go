package api_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/api"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/ledger"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// cardBody is an authorize or sale body with the card number and amount.
func cardBody(number string, amount int64) string {
	cvv := "123"
	if strings.HasPrefix(number, "37") {
		cvv = "1234"
	}
	return fmt.Sprintf(`{"amount":%d,"currency":"USD","card":{"number":"%s","cardholder_name":"Jane Doe","exp_month":12,"exp_year":2030,"cvv":"%s"},`+
		`"customer":{"email":"jane@example.com","name":"Jane Doe"},"description":"Order 12345","metadata":{"order_id":"12345"}}`, amount, number, cvv)
}

func post(e *kassatest.Env, path, body string) kassatest.Response {
	return e.Do(kassatest.Request{Method: "POST", Path: path, Body: body})
}

func get(e *kassatest.Env, path string) kassatest.Response {
	return e.Do(kassatest.Request{Method: "GET", Path: path})
}

// wantError checks an error response's status and code, and that the code is documented with that status.
func wantError(t *testing.T, what string, r kassatest.Response, status int, code string) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, status, r.Body)
	}
	e := r.Error(t)
	if e["code"] != code {
		t.Fatalf("%s: code %v, want %s: %s", what, e["code"], code, r.Body)
	}
	if s, ok := api.ErrorCodes[code]; !ok || s != status {
		t.Errorf("%s: %s (%d) is not in ErrorCodes", what, code, status)
	}
	return e
}

// pick returns the named fields of a JSON object.
func pick(m map[string]any, keys ...string) map[string]any {
	out := map[string]any{}
	for _, k := range keys {
		out[k] = m[k]
	}
	return out
}

func eventTypes(t *testing.T, e *kassatest.Env, objectID string) []string {
	t.Helper()
	r := get(e, "/api/v1/events?limit=100&object_id="+objectID)
	data := r.JSON(t)["data"].([]any)
	types := make([]string, len(data))
	for _, ev := range data {
		m := ev.(map[string]any)
		seq := int(m["sequence"].(float64)) // 1, 2, …: the clock stands still in tests, so ids do not order them
		if seq < 1 || seq > len(types) {
			t.Fatalf("event sequence %d of %d", seq, len(types))
		}
		types[seq-1] = m["type"].(string)
	}
	return types
}

// ledgerBalanced checks that the ledger's accounts mirror each other: what the provider holds is what is owed to
// the merchant, and equals want.
func ledgerBalanced(t *testing.T, e *kassatest.Env, want int64) {
	t.Helper()
	a, err := e.Gateway.Authenticate(context.Background(), e.SecretKey)
	if err != nil {
		t.Fatal(err)
	}
	bal, err := e.Gateway.LedgerBalances(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	var clearing, payable int64
	for _, b := range bal {
		switch b.Account {
		case ledger.ProviderClearing:
			clearing += b.Debits - b.Credits
		case ledger.MerchantPayable:
			payable += b.Credits - b.Debits
		}
	}
	if clearing != payable || clearing != want {
		t.Errorf("ledger: provider clearing %d, merchant payable %d, want both %d (%+v)", clearing, payable, want, bal)
	}
}

// TestDirectCardLifecycle walks document 002's lifecycle through the direct API: authorize → partial capture →
// partial refunds to exactly the captured amount; authorize → void; sale; authorize → expiry via the injected
// clock and the expiry job; with every error of each step.
func TestDirectCardLifecycle(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		auth := post(e, "/api/v1/payments/authorize", cardBody("4242 4242 4242 4242", 9999))
		if auth.Status != 200 {
			t.Fatalf("authorize: %d %s", auth.Status, auth.Body)
		}
		p := auth.JSON(t)
		id := p["id"].(string)
		card := p["card"].(map[string]any)
		got := pick(p, "object", "status", "amount", "currency", "capture_method", "response_code", "response_message", "expires_at", "amount_captured")
		got["brand"], got["last4"] = card["brand"], card["last4"]
		want := map[string]any{"object": "payment", "status": "authorized", "amount": float64(9999), "currency": "USD",
			"capture_method": "manual", "response_code": "00", "response_message": "Approved", "amount_captured": float64(0),
			"expires_at": kassatest.Start.Add(7 * 24 * time.Hour).Format(time.RFC3339), "brand": "visa", "last4": "4242"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("authorization (-want +got):\n%s", diff)
		}
		if p["auth_code"] == nil || p["transaction_id"] == nil || !strings.HasPrefix(id, "pay_") {
			t.Errorf("authorization lacks auth code or transaction: %s", auth.Body)
		}
		if strings.Contains(string(auth.Body), "4242424242424242") || strings.Contains(string(auth.Body), `"cvv"`) {
			t.Errorf("the response echoes card data: %s", auth.Body)
		}
		txn := get(e, "/api/v1/transactions/"+p["transaction_id"].(string)).JSON(t)
		if txn["type"] != "authorize" || txn["status"] != "succeeded" || txn["payment_id"] != id || txn["auth_code"] != p["auth_code"] {
			t.Errorf("authorization transaction: %v", txn)
		}

		// Capture: errors first, then part of it.
		wantError(t, "capture too much", post(e, "/api/v1/payments/"+id+"/capture", `{"amount":10000}`), 400, "capture_amount_exceeds_authorized")
		wantError(t, "capture zero", post(e, "/api/v1/payments/"+id+"/capture", `{"amount":0}`), 400, "invalid_amount")
		wantError(t, "capture unknown", post(e, "/api/v1/payments/pay_missing/capture", `{"amount":1}`), 404, "resource_missing")
		wantError(t, "refund before capture", post(e, "/api/v1/payments/"+id+"/refund", `{"amount":1,"reason":"x"}`), 409, "non_refundable_state")
		_, otherKey, _ := e.NewMerchant("Other", "other@example.com")
		wantError(t, "another merchant's capture", e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/payments/" + id + "/capture", Body: `{}`, Key: otherKey}), 404, "resource_missing")
		wantError(t, "another merchant's read", e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/payments/" + id, Key: otherKey}), 404, "resource_missing")
		c := post(e, "/api/v1/payments/"+id+"/capture", `{"amount":6000}`)
		if c.Status != 200 {
			t.Fatalf("capture: %d %s", c.Status, c.Body)
		}
		if diff := cmp.Diff(map[string]any{"status": "captured", "amount_captured": float64(6000), "amount_refundable": float64(6000)},
			pick(c.JSON(t), "status", "amount_captured", "amount_refundable")); diff != "" {
			t.Errorf("partial capture (-want +got):\n%s", diff)
		}
		wantError(t, "capture twice", post(e, "/api/v1/payments/"+id+"/capture", `{}`), 409, "payment_already_captured")
		v := wantError(t, "void a capture", post(e, "/api/v1/payments/"+id+"/void", `{"reason":"customer canceled"}`), 409, "payment_already_captured")
		if !strings.Contains(v["message"].(string), "refund") {
			t.Errorf("void of a capture does not point to refunds: %v", v["message"])
		}

		// Partial refunds up to exactly the captured amount.
		for i, amount := range []int64{2500, 2500} {
			r := post(e, "/api/v1/payments/"+id+"/refund", fmt.Sprintf(`{"amount":%d,"reason":"returned item %d"}`, amount, i))
			if r.Status != 201 || r.JSON(t)["status"] != "succeeded" || r.JSON(t)["payment_status"] != "partially_refunded" {
				t.Fatalf("refund %d: %d %s", i, r.Status, r.Body)
			}
		}
		wantError(t, "refund past the capture", post(e, "/api/v1/payments/"+id+"/refund", `{"amount":1001,"reason":"x"}`), 409, "over_refund")
		wantError(t, "refund zero", post(e, "/api/v1/payments/"+id+"/refund", `{"amount":0,"reason":"x"}`), 400, "invalid_amount")
		wantError(t, "refund without a reason", post(e, "/api/v1/payments/"+id+"/refund", `{"amount":1}`), 400, "parameter_missing")
		wantError(t, "refund with a blank reason", post(e, "/api/v1/payments/"+id+"/refund", `{"amount":1,"reason":"  "}`), 400, "parameter_missing")
		wantError(t, "refund without a body", post(e, "/api/v1/payments/"+id+"/refund", ``), 400, "parameter_missing")
		if r := post(e, "/api/v1/payments/"+id+"/refund", `{"amount":1000,"reason":"rest"}`); r.Status != 201 || r.JSON(t)["payment_status"] != "refunded" {
			t.Fatalf("last refund: %d %s", r.Status, r.Body)
		}
		wantError(t, "refund a refunded payment", post(e, "/api/v1/payments/"+id+"/refund", `{"amount":1,"reason":"x"}`), 409, "payment_already_refunded")
		final := get(e, "/api/v1/payments/"+id).JSON(t)
		if diff := cmp.Diff(map[string]any{"status": "refunded", "amount_captured": float64(6000), "amount_refunded": float64(6000), "amount_refundable": float64(0)},
			pick(final, "status", "amount_captured", "amount_refunded", "amount_refundable")); diff != "" {
			t.Errorf("after refunds (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"payment.authorized", "payment.captured", "payment.refunded"}, eventTypes(t, e, id)); diff != "" {
			t.Errorf("payment events (-want +got):\n%s", diff)
		}

		// Authorize → void.
		id2 := post(e, "/api/v1/payments/authorize", cardBody("5555555555554444", 2000)).JSON(t)["id"].(string)
		wantError(t, "void without reason", post(e, "/api/v1/payments/"+id2+"/void", `{}`), 400, "parameter_missing")
		wantError(t, "void with a blank reason", post(e, "/api/v1/payments/"+id2+"/void", `{"reason":"  "}`), 400, "parameter_missing")
		vd := post(e, "/api/v1/payments/"+id2+"/void", `{"reason":"Customer requested cancellation"}`)
		if vd.Status != 200 || vd.JSON(t)["status"] != "voided" || vd.JSON(t)["void_reason"] != "Customer requested cancellation" || vd.JSON(t)["voided_at"] == nil {
			t.Fatalf("void: %d %s", vd.Status, vd.Body)
		}
		wantError(t, "void twice", post(e, "/api/v1/payments/"+id2+"/void", `{"reason":"again"}`), 409, "payment_already_voided")
		wantError(t, "capture a void", post(e, "/api/v1/payments/"+id2+"/capture", `{}`), 409, "payment_already_voided")
		wantError(t, "refund a void", post(e, "/api/v1/payments/"+id2+"/refund", `{"amount":1,"reason":"x"}`), 409, "non_refundable_state")
		if diff := cmp.Diff([]string{"payment.authorized", "payment.voided"}, eventTypes(t, e, id2)); diff != "" {
			t.Errorf("void events (-want +got):\n%s", diff)
		}

		// Sale.
		sale := post(e, "/api/v1/payments/sale", cardBody("378282246310005", 4999))
		if sale.Status != 200 || sale.JSON(t)["status"] != "captured" || sale.JSON(t)["amount_captured"] != float64(4999) || sale.JSON(t)["captured_at"] == nil {
			t.Fatalf("sale: %d %s", sale.Status, sale.Body)
		}
		saleID := sale.JSON(t)["id"].(string)
		wantError(t, "void a sale", post(e, "/api/v1/payments/"+saleID+"/void", `{"reason":"x"}`), 409, "payment_already_captured")
		// Captured → refunded in one full refund (amount omitted).
		if r := post(e, "/api/v1/payments/"+saleID+"/refund", `{"reason":"order canceled"}`); r.Status != 201 || r.JSON(t)["amount"] != float64(4999) || r.JSON(t)["payment_status"] != "refunded" {
			t.Fatalf("full refund: %d %s", r.Status, r.Body)
		}
		wantError(t, "unknown transaction", get(e, "/api/v1/transactions/txn_missing"), 404, "resource_missing")

		// Authorize → 7 days pass → capture refused → the expiry job expires it.
		id3 := post(e, "/api/v1/payments/authorize", cardBody("4242424242424242", 3000)).JSON(t)["id"].(string)
		id4 := post(e, "/api/v1/payments/authorize", cardBody("4242424242424242", 3000)).JSON(t)["id"].(string)
		e.Clock.Advance(7*24*time.Hour - time.Second)
		if n, err := e.Gateway.ExpireAuthorizations(context.Background()); err != nil || n != 0 {
			t.Fatalf("expiry before the time: %d %v", n, err)
		}
		if r := post(e, "/api/v1/payments/"+id4+"/capture", `{}`); r.Status != 200 {
			t.Fatalf("capture one second before expiry: %d %s", r.Status, r.Body)
		}
		e.Clock.Advance(time.Second)
		wantError(t, "capture after expiry", post(e, "/api/v1/payments/"+id3+"/capture", `{}`), 410, "authorization_expired")
		wantError(t, "void after expiry", post(e, "/api/v1/payments/"+id3+"/void", `{"reason":"late"}`), 410, "authorization_expired")
		if n, err := e.Gateway.ExpireAuthorizations(context.Background()); err != nil || n != 1 {
			t.Fatalf("expiry: %d %v", n, err)
		}
		if st := get(e, "/api/v1/payments/"+id3).JSON(t)["status"]; st != "expired" {
			t.Errorf("after the expiry job: %v", st)
		}
		if diff := cmp.Diff([]string{"payment.authorized", "payment.expired"}, eventTypes(t, e, id3)); diff != "" {
			t.Errorf("expiry events (-want +got):\n%s", diff)
		}
		wantError(t, "capture an expired payment", post(e, "/api/v1/payments/"+id3+"/capture", `{}`), 410, "authorization_expired")

		// Lists: filters, cursor, offset, created range.
		list := get(e, "/api/v1/payments?status=voided&source_type=direct").JSON(t)["data"].([]any)
		if len(list) != 1 || list[0].(map[string]any)["id"] != id2 {
			t.Errorf("voided payments: %v", list)
		}
		all := get(e, "/api/v1/payments?limit=100").JSON(t)["data"].([]any)
		if len(all) != 5 {
			t.Fatalf("%d payments, want 5", len(all))
		}
		page := get(e, "/api/v1/payments?limit=2&offset=1").JSON(t)
		if d := page["data"].([]any); len(d) != 2 || d[0].(map[string]any)["id"] != all[1].(map[string]any)["id"] || page["has_more"] != true {
			t.Errorf("offset page: %v", page)
		}
		after := get(e, "/api/v1/payments?limit=100&starting_after="+all[2].(map[string]any)["id"].(string)).JSON(t)["data"].([]any)
		if len(after) != 2 {
			t.Errorf("cursor page: %d", len(after))
		}
		future := kassatest.Start.Add(time.Hour).Format(time.RFC3339)
		if d := get(e, "/api/v1/payments?created[gte]="+future).JSON(t)["data"].([]any); len(d) != 0 {
			t.Errorf("created range: %d payments", len(d))
		}
		if d := get(e, "/api/v1/payments?limit=100&created[lt]="+future).JSON(t)["data"].([]any); len(d) != len(all) {
			t.Errorf("created[lt] after every payment: %d payments, want %d", len(d), len(all))
		}
		if d := get(e, "/api/v1/payments?limit=100&created[gte]="+kassatest.Start.Format(time.RFC3339)).JSON(t)["data"].([]any); len(d) != len(all) {
			t.Errorf("created[gte] at the start: %d payments, want %d", len(d), len(all))
		}
		caps := get(e, "/api/v1/transactions?type=capture&limit=100").JSON(t)["data"].([]any)
		if len(caps) != 2 {
			t.Errorf("%d capture transactions, want 2", len(caps))
		}
		if d := get(e, "/api/v1/transactions?type=capture&offset=1").JSON(t)["data"].([]any); len(d) != 1 {
			t.Errorf("transactions offset: %d", len(d))
		}
		// Document 002's statuses: captured = the succeeded capture transactions, with its limit and offset paging.
		sales := get(e, "/api/v1/transactions?type=sale&status=succeeded&limit=100").JSON(t)["data"].([]any)
		if len(sales) == 0 {
			t.Fatal("no succeeded sale to list")
		}
		if d := get(e, "/api/v1/transactions?status=captured&limit=20&offset=0").JSON(t)["data"].([]any); len(d) != len(caps)+len(sales) {
			t.Errorf("status=captured: %d transactions, want %d captures and %d sales", len(d), len(caps), len(sales))
		}
		if d := get(e, "/api/v1/transactions?status=captured&type=sale&limit=100").JSON(t)["data"].([]any); len(d) != len(sales) {
			t.Errorf("status=captured&type=sale: %d transactions, want %d", len(d), len(sales))
		}
		auths := get(e, "/api/v1/transactions?type=authorize&status=succeeded&limit=100").JSON(t)["data"].([]any)
		authorized := get(e, "/api/v1/transactions?status=authorized&limit=100&offset=0").JSON(t)["data"].([]any)
		if len(auths) == 0 || len(authorized) != len(auths) {
			t.Errorf("status=authorized: %d transactions, want the %d succeeded authorizations", len(authorized), len(auths))
		}
		for _, x := range authorized {
			if m := x.(map[string]any); m["type"] != "authorize" || m["status"] != "succeeded" {
				t.Errorf("status=authorized listed %v %v", m["type"], m["status"])
			}
		}
		wantError(t, "status and a conflicting type", get(e, "/api/v1/transactions?status=voided&type=capture"), 400, "parameter_invalid")
		wantError(t, "limit over 100", get(e, "/api/v1/transactions?limit=101"), 400, "parameter_invalid")
		// Captured 6000 + 4999 + 3000, refunded 6000 + 4999.
		ledgerBalanced(t, e, 6000+4999+3000-6000-4999)
	})
}

// TestDirectCardTestCards sends every sandbox card of document 002 through authorize and sale.
func TestDirectCardTestCards(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		for _, tc := range []struct {
			number, decline, code string
		}{
			{"4242424242424242", "", "00"},
			{"5555555555554444", "", "00"},
			{"378282246310005", "", "00"},
			{"6011111111111117", "", "00"},
			{"4000000000000002", "do_not_honor", "05"},
			{"4000000000009995", "insufficient_funds", "51"},
			{"4000000000000069", "expired_card", "54"},
			{"4000000000000127", "incorrect_cvc", "N7"},
			{"4000000000000119", "processing_error", "96"},
		} {
			for _, path := range []string{"/api/v1/payments/authorize", "/api/v1/payments/sale"} {
				r := post(e, path, cardBody(tc.number, 1500))
				if tc.decline == "" {
					if r.Status != 200 || r.JSON(t)["response_code"] != tc.code {
						t.Errorf("%s %s: %d %s", path, tc.number, r.Status, r.Body)
					}
					continue
				}
				er := wantError(t, tc.number, r, 402, "card_declined")
				if er["type"] != "card_error" || er["decline_code"] != tc.decline || er["response_code"] != tc.code {
					t.Errorf("%s %s: %v", path, tc.number, er)
				}
				p := get(e, "/api/v1/payments/"+er["payment_id"].(string)).JSON(t)
				if p["status"] != "failed" || p["decline_code"] != tc.decline || p["response_code"] != tc.code {
					t.Errorf("%s %s: declined payment %v", path, tc.number, pick(p, "status", "decline_code", "response_code"))
				}
				if diff := cmp.Diff([]string{"payment.failed"}, eventTypes(t, e, p["id"].(string))); diff != "" {
					t.Errorf("decline events (-want +got):\n%s", diff)
				}
			}
		}
		// The fraud card: the processor approves it, the fraud rules decline it first.
		er := wantError(t, "fraud card", post(e, "/api/v1/payments/authorize", cardBody("4000000000000259", 1500)), 402, "card_declined")
		if er["decline_code"] != "fraudulent" || !strings.Contains(er["message"].(string), "fraud risk") {
			t.Errorf("fraud card: %v", er)
		}
		// The timeout card: no answer, the payment stays pending for the recovery job.
		if r := post(e, "/api/v1/payments/sale", cardBody("4000000000000408", 1500)); r.Status != 200 || r.JSON(t)["status"] != "pending" {
			t.Errorf("timeout card: %d %s", r.Status, r.Body)
		}
	})
}

// TestDirectCardValidation checks document 002's 400s and the idempotency conflict, none of which store a payment.
func TestDirectCardValidation(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		for _, tc := range []struct {
			name, body, code, param string
		}{
			{"zero amount", cardBody("4242424242424242", 0), "invalid_amount", "amount"},
			{"negative amount", cardBody("4242424242424242", -5), "invalid_amount", "amount"},
			{"unknown currency", strings.Replace(cardBody("4242424242424242", 100), `"USD"`, `"XYZ"`, 1), "invalid_currency", "currency"},
			{"lower-case currency", strings.Replace(cardBody("4242424242424242", 100), `"USD"`, `"usd"`, 1), "invalid_currency", "currency"},
			{"bad number", cardBody("4242424242424241", 100), "invalid_card_number", "card.number"},
			{"expired", strings.Replace(cardBody("4242424242424242", 100), `"exp_year":2030`, `"exp_year":2020`, 1), "expired_card", "card.exp_year"},
			{"bad month", strings.Replace(cardBody("4242424242424242", 100), `"exp_month":12`, `"exp_month":13`, 1), "invalid_expiry_month", "card.exp_month"},
			{"bad cvv", strings.Replace(cardBody("4242424242424242", 100), `"cvv":"123"`, `"cvv":"12"`, 1), "invalid_cvc", "card.cvv"},
			{"no card", `{"amount":100,"currency":"USD"}`, "parameter_missing", "card"},
			{"bad email", strings.Replace(cardBody("4242424242424242", 100), "jane@example.com", "jane", 1), "parameter_invalid", "customer.email"},
			{"metadata not an object", strings.Replace(cardBody("4242424242424242", 100), `{"order_id":"12345"}`, `[1]`, 1), "parameter_invalid", "metadata"},
			{"unknown field", strings.Replace(cardBody("4242424242424242", 100), `"amount"`, `"amout":1,"amount"`, 1), "parameter_unknown", "amout"},
		} {
			er := wantError(t, tc.name, post(e, "/api/v1/payments/authorize", tc.body), 400, tc.code)
			if er["param"] != tc.param {
				t.Errorf("%s: param %v, want %s", tc.name, er["param"], tc.param)
			}
			if strings.Contains(fmt.Sprint(er), "424242424242") {
				t.Errorf("%s: the error echoes the card number: %v", tc.name, er)
			}
		}
		if d := get(e, "/api/v1/payments").JSON(t)["data"].([]any); len(d) != 0 {
			t.Errorf("rejected requests stored %d payments", len(d))
		}
		key := map[string]string{"Idempotency-Key": "order-12345-auth"}
		first := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/payments/authorize", Body: cardBody("4242424242424242", 100), Headers: key})
		again := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/payments/authorize", Body: cardBody("4242424242424242", 100), Headers: key})
		if first.Status != 200 || string(again.Body) != string(first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay: %d %s / %s", first.Status, first.Body, again.Body)
		}
		wantError(t, "same key, other body", e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/payments/authorize",
			Body: cardBody("4242424242424242", 200), Headers: key}), 409, "idempotency_key_reused")
		if d := get(e, "/api/v1/payments").JSON(t)["data"].([]any); len(d) != 1 {
			t.Errorf("%d payments after a replay, want 1", len(d))
		}
	})
}

// TestConcurrentCapturesVoidsRefunds races 20 captures, voids and refunds on one authorization, then 20 refunds on
// one sale: amounts never exceed the authorization or the capture, and the ledger balances.
func TestConcurrentCapturesVoidsRefunds(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		id := post(e, "/api/v1/payments/authorize", cardBody("4242424242424242", 10000)).JSON(t)["id"].(string)
		statuses := make([]int, 20)
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var r kassatest.Response
				switch i % 3 {
				case 0:
					r = post(e, "/api/v1/payments/"+id+"/capture", `{"amount":7000}`)
				case 1:
					r = post(e, "/api/v1/payments/"+id+"/void", `{"reason":"race"}`)
				default:
					r = post(e, "/api/v1/payments/"+id+"/refund", `{"amount":3000,"reason":"race"}`)
				}
				statuses[i] = r.Status
			}()
		}
		wg.Wait()
		won := 0
		for i, s := range statuses {
			if i%3 != 2 && s == 200 {
				won++
			}
			if s >= 500 {
				t.Errorf("request %d: %d", i, s)
			}
		}
		p := get(e, "/api/v1/payments/"+id).JSON(t)
		if won != 1 {
			t.Errorf("%d captures or voids succeeded, want exactly 1 (payment %v)", won, p["status"])
		}
		captured, refunded := int64(p["amount_captured"].(float64)), int64(p["amount_refunded"].(float64))
		// Every capture asks for 7000: a captured payment holds exactly that, whatever raced it.
		if (p["status"] != "voided" && captured != 7000) || refunded > captured || (p["status"] == "voided" && captured != 0) {
			t.Errorf("after the race: %v", pick(p, "status", "amount_captured", "amount_refunded"))
		}

		sale := post(e, "/api/v1/payments/sale", cardBody("5555555555554444", 10000)).JSON(t)["id"].(string)
		ok := make([]bool, 20)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok[i] = post(e, "/api/v1/payments/"+sale+"/refund", `{"amount":700,"reason":"race"}`).Status == 201
			}()
		}
		wg.Wait()
		n := 0
		for _, o := range ok {
			if o {
				n++
			}
		}
		sp := get(e, "/api/v1/payments/"+sale).JSON(t)
		if n != 14 || sp["amount_refunded"] != float64(14*700) {
			t.Errorf("%d refunds of 700 on 10000 succeeded (want 14), refunded %v", n, sp["amount_refunded"])
		}
		ledgerBalanced(t, e, captured-refunded+10000-14*700)
	})
}

// TestCardRateLimits: payment operations share the merchant's write budget, and the browser's confirms are limited
// per client IP (document 002's 429s).
func TestCardRateLimits(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{RateLimits: api.RateLimits{WritePerSecond: 2, WritePerHour: 100, ReadPerSecond: 100, PublicPerSecond: 2}})
		for range 2 {
			post(e, "/api/v1/payments/authorize", cardBody("4242424242424242", 100))
		}
		r := post(e, "/api/v1/payments/authorize", cardBody("4242424242424242", 100))
		wantError(t, "third payment in a second", r, 429, "rate_limited")
		if r.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		e.Clock.Advance(time.Second)
		id, secret := newIntent(t, e, intentBody)
		for range 2 {
			confirm(e, id, "kcs_wrong", "4242424242424242", "", false)
		}
		wantError(t, "third confirm in a second", confirm(e, id, secret, "4242424242424242", "", false), 429, "rate_limited")
	})
}
