package api_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// transactionsOf returns the transactions of a payment as "profile response-code" strings, sorted (the test clock
// stands still, so their ids do not tell their order).
func transactionsOf(t *testing.T, e *kassatest.Env, paymentID string) []string {
	t.Helper()
	rows, err := e.Store.ListTransactions(context.Background(), store.TransactionFilter{
		MerchantID: e.Merchant.Merchant.ID, PaymentID: paymentID, Page: store.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.ProfileID+" "+r.ResponseCode)
	}
	slices.Sort(out)
	return out
}

// TestRoutingFallsBackOnlyWhenNothingMoved: a payment whose first profile fails with a processing error before
// taking the money (96, no processor transaction) is tried on the next profile of its rule, with its own
// transaction row naming each profile; a payment whose first profile gives no answer (the outcome is unknown) is
// never sent to the next one: it waits for recovery, which asks the same profile again.
func TestRoutingFallsBackOnlyWhenNothingMoved(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		backup := post(e, "/api/v1/payment-profiles", `{"connector":"sandbox","name":"Backup","methods":["card"]}`).JSON(t)["id"].(string)
		if r := e.Do(kassatest.Request{Method: "PUT", Path: "/api/v1/routing-rules",
			Body: `{"rules":[{"methods":["card"],"profiles":["prof_sandbox","` + backup + `"]}]}`}); r.Status != 200 {
			t.Fatalf("rules: %d %s", r.Status, r.Body)
		}
		// A definitive failure that moved nothing: the next profile is tried (the sandbox fails this card there too,
		// so the payment ends on the second profile with two attempts recorded).
		failed := as(e, e.SecretKey, "POST", "/api/v1/payments/sale", cardBody(sandbox.CardProcessingError, 700))
		er := wantError(t, "processing error", failed, 402, "card_declined")
		p := get(e, "/api/v1/payments/"+er["payment_id"].(string)).JSON(t)
		if got, want := transactionsOf(t, e, p["id"].(string)), []string{backup + " 96", "prof_sandbox 96"}; !slices.Equal(got, want) {
			t.Errorf("attempts: %s", got)
		}
		if p["status"] != "failed" || p["response_code"] != "96" {
			t.Errorf("payment: %v %v", p["status"], p["response_code"])
		}
		if pay, _ := e.Store.GetPaymentByID(context.Background(), p["id"].(string)); pay.ProfileID != backup {
			t.Errorf("the payment names %q, want the profile it was last tried on %s", pay.ProfileID, backup)
		}

		// An unknown outcome: no fallback, the payment stays on its first profile for recovery.
		pending := as(e, e.SecretKey, "POST", "/api/v1/payments/sale", cardBody(sandbox.CardTimeout, 800))
		if pending.Status >= 500 || pending.JSON(t)["status"] != "pending" {
			t.Fatalf("timeout card: %d %s", pending.Status, pending.Body)
		}
		id := pending.JSON(t)["id"].(string)
		if got := transactionsOf(t, e, id); len(got) != 0 {
			t.Errorf("an unknown outcome made attempts: %v", got)
		}
		// Recovery asks the same profile until it gives up and records the timeout there; the backup is never asked.
		for range 3 {
			if err := e.Gateway.RecoverPayment(context.Background(), id); err != nil && !strings.Contains(err.Error(), "no outcome") {
				t.Fatal(err)
			}
		}
		if got := strings.Join(transactionsOf(t, e, id), ", "); got != "prof_sandbox TIMEOUT" {
			t.Errorf("after recovery: %s", got)
		}
		if pay, _ := e.Store.GetPaymentByID(context.Background(), id); pay.ProfileID != gateway.SandboxProfileID || pay.Status != "failed" {
			t.Errorf("after recovery: profile %q status %s", pay.ProfileID, pay.Status)
		}
	})
}

// TestRoutingFallsBackFromAnUnreachableProcessor: a Stripe profile whose API cannot be reached (nothing listens on
// its port, so nothing was sent) fails definitively without taking money, and the payment is taken by the next
// profile of its rule; each attempt has its own transaction naming its profile.
func TestRoutingFallsBackFromAnUnreachableProcessor(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		down := post(e, "/api/v1/payment-profiles", `{"connector":"stripe","name":"Stripe (down)","methods":["card"],`+
			`"credentials":{"secret_key":"sk_test_unreachable1234"},"api_base_url":"http://127.0.0.1:`+kassatest.ClosedPort(t)+`"}`)
		if down.Status != 201 {
			t.Fatalf("profile: %d %s", down.Status, down.Body)
		}
		downID := down.JSON(t)["id"].(string)
		if r := e.Do(kassatest.Request{Method: "PUT", Path: "/api/v1/routing-rules",
			Body: `{"rules":[{"methods":["card"],"profiles":["` + downID + `","prof_sandbox"]}]}`}); r.Status != 200 {
			t.Fatalf("rules: %d %s", r.Status, r.Body)
		}
		paid := as(e, e.SecretKey, "POST", "/api/v1/payments/sale", cardBody("4242424242424242", 900))
		if paid.Status != 200 || paid.JSON(t)["status"] != "captured" || paid.JSON(t)["provider"] != "sandbox" {
			t.Fatalf("sale: %d %s", paid.Status, paid.Body)
		}
		id := paid.JSON(t)["id"].(string)
		if got, want := transactionsOf(t, e, id), []string{downID + " 96", "prof_sandbox 00"}; !slices.Equal(got, want) {
			t.Errorf("attempts: %v, want %v", got, want)
		}
		if pay, _ := e.Store.GetPaymentByID(context.Background(), id); pay.ProfileID != gateway.SandboxProfileID {
			t.Errorf("the payment names %q, want the profile that took it", pay.ProfileID)
		}
	})
}

// TestDisabledProfileStillServesItsPayments: a profile that is disabled takes no new payments, but the captures and
// refunds of the payments it took still go to it.
func TestDisabledProfileStillServesItsPayments(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		backup := post(e, "/api/v1/payment-profiles", `{"connector":"sandbox","name":"Backup","methods":["card"]}`).JSON(t)["id"].(string)
		if r := e.Do(kassatest.Request{Method: "PUT", Path: "/api/v1/routing-rules", Body: `{"rules":[{"profiles":["` + backup + `"]}]}`}); r.Status != 200 {
			t.Fatalf("rules: %d %s", r.Status, r.Body)
		}
		auth := as(e, e.SecretKey, "POST", "/api/v1/payments/authorize", cardBody("4242424242424242", 1000))
		if auth.Status != 200 || auth.JSON(t)["profile_id"] != backup {
			t.Fatalf("authorize: %d %s", auth.Status, auth.Body)
		}
		id := auth.JSON(t)["id"].(string)
		if r := e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/payment-profiles/" + backup, Body: `{"status":"disabled"}`}); r.Status != 200 {
			t.Fatalf("disable: %d %s", r.Status, r.Body)
		}
		// New payments: the rule's only profile is disabled, so nothing serves them.
		wantError(t, "a new payment", as(e, e.SecretKey, "POST", "/api/v1/payments/sale", cardBody("4242424242424242", 500)), 422, "payments_not_configured")
		if r := post(e, "/api/v1/payments/"+id+"/capture", `{"amount":600}`); r.Status != 200 || r.JSON(t)["status"] != "captured" {
			t.Fatalf("capture on the disabled profile: %d %s", r.Status, r.Body)
		}
		if r := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/refunds", Body: `{"payment_id":"` + id + `","amount":100}`,
			Headers: map[string]string{"Idempotency-Key": "refund-disabled-1"}}); r.Status != 201 || r.JSON(t)["status"] != "succeeded" {
			t.Fatalf("refund on the disabled profile: %d %s", r.Status, r.Body)
		}
		for _, txn := range transactionsOf(t, e, id) {
			if !strings.HasPrefix(txn, backup+" ") {
				t.Errorf("a follow-up went elsewhere: %s", txn)
			}
		}
	})
}
