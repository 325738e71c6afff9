package api_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// paidSession creates a session for order and pays it with 4242…; it returns the session and payment ids.
func paidSession(t *testing.T, e *kassatest.Env, order string) (string, string) {
	t.Helper()
	body := strings.Replace(sessionBody, "ORDER-5001", order, 1)
	id := createSession(t, e, "/api/v1/checkout-sessions", body, "create-"+order).JSON(t)["id"].(string)
	res, err := e.Gateway.PaySession(context.Background(), id, gateway.CardInput{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, CVV: "123"}, "", "", "")
	if err != nil || res.Payment.ID == "" {
		t.Fatalf("pay: %v", err)
	}
	return id, res.Payment.ID
}

func refund(e *kassatest.Env, body, key string) kassatest.Response {
	h := map[string]string{}
	if key != "" {
		h["Idempotency-Key"] = key
	}
	return e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/refunds", Body: body, Headers: h})
}

func TestRefunds(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		sessionID, payID := paidSession(t, e, "ORDER-R1")
		// Partial refund by payment id.
		r1 := refund(e, `{"payment_id":"`+payID+`","amount":2500,"reason":"partial shipping refund","metadata":{"line":3,"_secret":"x"}}`, "refund-0001")
		if r1.Status != 201 {
			t.Fatalf("%d %s", r1.Status, r1.Body)
		}
		got := r1.JSON(t)
		want := map[string]any{"object": "refund", "status": "succeeded", "amount": float64(2500), "session_status": "partially_refunded",
			"session_id": sessionID, "external_order_id": "ORDER-R1", "metadata": map[string]any{"line": float64(3)}}
		sub := map[string]any{}
		for k := range want {
			sub[k] = got[k]
		}
		if diff := cmp.Diff(want, sub); diff != "" {
			t.Errorf("partial refund (-want +got):\n%s", diff)
		}
		// The same key replays; the remaining balance by the order id, via the transaction id, then nothing left.
		if again := refund(e, `{"payment_id":"`+payID+`","amount":2500,"reason":"partial shipping refund","metadata":{"line":3,"_secret":"x"}}`, "refund-0001"); again.JSON(t)["id"] != got["id"] {
			t.Errorf("replay made another refund: %s", again.Body)
		}
		txns := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/transactions?payment_id=" + payID + "&type=sale"}).JSON(t)["data"].([]any)
		txnID := txns[0].(map[string]any)["id"].(string)
		r2 := refund(e, `{"transaction_id":"`+txnID+`","amount":5000}`, "refund-0002")
		r3 := refund(e, `{"external_order_id":"ORDER-R1"}`, "refund-0003")
		if r2.JSON(t)["session_status"] != "partially_refunded" || r3.JSON(t)["amount"] != float64(5000) || r3.JSON(t)["session_status"] != "refunded" {
			t.Errorf("second and third refunds: %s / %s", r2.Body, r3.Body)
		}
		pay := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/payments/" + payID}).JSON(t)
		if pay["status"] != "refunded" || pay["amount_refunded"] != float64(12500) {
			t.Errorf("payment after full refund: %v %v", pay["status"], pay["amount_refunded"])
		}
		if s := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/checkout-sessions/" + sessionID}).JSON(t)["status"]; s != "refunded" {
			t.Errorf("session %v", s)
		}
		types := map[string]int{}
		for _, ev := range e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/events?limit=100"}).JSON(t)["data"].([]any) {
			types[ev.(map[string]any)["type"].(string)]++
		}
		if types["refund.succeeded"] != 3 || types["payment.refunded"] != 1 || types["payment.succeeded"] != 1 {
			t.Errorf("events %v", types)
		}
		if strings.Contains(string(e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/events?type=refund.succeeded"}).Body), "_secret") {
			t.Error("a _ metadata key left Kassa")
		}
		// Error codes of the reference document.
		_, otherKey, _ := e.NewMerchant("Other", "other@example.com")
		_, payID2 := paidSession(t, e, "ORDER-R2")
		unpaid := createSession(t, e, "/api/v1/checkout-sessions", strings.Replace(sessionBody, "ORDER-5001", "ORDER-UNPAID", 1), "unpaid").JSON(t)["id"].(string)
		failed, err := e.Gateway.PaySession(context.Background(), unpaid, gateway.CardInput{Number: "4000000000000002", ExpMonth: 12, ExpYear: 2030, CVV: "123"}, "", "", "")
		if err != nil {
			t.Fatal(err)
		}
		checkErrors(t, e, []errorCase{
			{"no target", kassatest.Request{Method: "POST", Path: "/api/v1/refunds", Body: `{"amount":100}`, Headers: map[string]string{"Idempotency-Key": "refund-e1"}}, 400, "invalid_request_error", "missing_target", "transaction_id"},
			{"no key", kassatest.Request{Method: "POST", Path: "/api/v1/refunds", Body: `{"payment_id":"` + payID2 + `"}`}, 400, "invalid_request_error", "missing_idempotency_key", "idempotency_key"},
			{"short key", kassatest.Request{Method: "POST", Path: "/api/v1/refunds", Body: `{"payment_id":"` + payID2 + `"}`, Headers: map[string]string{"Idempotency-Key": "short"}}, 400, "invalid_request_error", "invalid_idempotency_key", "idempotency_key"},
			{"zero amount", kassatest.Request{Method: "POST", Path: "/api/v1/refunds", Body: `{"payment_id":"` + payID2 + `","amount":0}`, Headers: map[string]string{"Idempotency-Key": "refund-e2"}}, 400, "invalid_request_error", "invalid_amount", "amount"},
			{"unknown payment", kassatest.Request{Method: "POST", Path: "/api/v1/refunds", Body: `{"payment_id":"pay_0000000000000000000000"}`, Headers: map[string]string{"Idempotency-Key": "refund-e3"}}, 404, "invalid_request_error", "transaction_not_found", ""},
			{"another merchant's", kassatest.Request{Method: "POST", Path: "/api/v1/refunds", Key: otherKey, Body: `{"payment_id":"` + payID2 + `"}`, Headers: map[string]string{"Idempotency-Key": "refund-e4"}}, 404, "invalid_request_error", "transaction_not_found", ""},
			{"unknown order", kassatest.Request{Method: "POST", Path: "/api/v1/refunds", Body: `{"external_order_id":"NOPE"}`, Headers: map[string]string{"Idempotency-Key": "refund-e5"}}, 404, "invalid_request_error", "transaction_not_found", ""},
			{"failed payment", kassatest.Request{Method: "POST", Path: "/api/v1/refunds", Body: `{"payment_id":"` + failed.Payment.ID + `"}`, Headers: map[string]string{"Idempotency-Key": "refund-e6"}}, 409, "invalid_request_error", "non_refundable_state", ""},
			{"over refund", kassatest.Request{Method: "POST", Path: "/api/v1/refunds", Body: `{"payment_id":"` + payID2 + `","amount":12501}`, Headers: map[string]string{"Idempotency-Key": "refund-e7"}}, 409, "invalid_request_error", "over_refund", ""},
			{"already refunded", kassatest.Request{Method: "POST", Path: "/api/v1/refunds", Body: `{"payment_id":"` + payID + `"}`, Headers: map[string]string{"Idempotency-Key": "refund-e8"}}, 409, "invalid_request_error", "non_refundable_state", ""},
		})
	})
}

// TestConcurrentPartialRefundsNeverOverRefund: 20 concurrent refunds of 1,000 against a 12,500 capture: exactly
// twelve succeed and the rest are over_refund; the payment's refunded total never passes the capture.
func TestConcurrentPartialRefundsNeverOverRefund(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		_, payID := paidSession(t, e, "ORDER-STORM")
		var wg sync.WaitGroup
		codes := make([]string, 20)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := refund(e, `{"payment_id":"`+payID+`","amount":1000}`, fmt.Sprintf("storm-refund-%02d", i))
				if r.Status == 201 {
					codes[i] = r.JSON(t)["status"].(string)
				} else {
					codes[i] = r.Error(t)["code"].(string)
				}
			}()
		}
		wg.Wait()
		count := map[string]int{}
		for _, c := range codes {
			count[c]++
		}
		if diff := cmp.Diff(map[string]int{"succeeded": 12, "over_refund": 8}, count); diff != "" {
			t.Errorf("outcomes (-want +got):\n%s", diff)
		}
		pay := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/payments/" + payID}).JSON(t)
		if pay["amount_refunded"] != float64(12000) || pay["status"] != "partially_refunded" {
			t.Errorf("payment: refunded %v, status %v", pay["amount_refunded"], pay["status"])
		}
	})
}
