package api_test

import (
	"context"
	"testing"

	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// capturedOrderPayment pays a new order of amount by UPI and runs its job; it returns the payment id.
func capturedOrderPayment(t *testing.T, e *kassatest.Env, amount int) string {
	t.Helper()
	id := payOrder(e, newOrder(t, e, amount), "upi", `"vpa":"success@kassa"`).JSON(t)["id"].(string)
	if err := e.Gateway.ProcessOrderPayment(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	return id
}

func paymentRefund(e *kassatest.Env, paymentID, body string) kassatest.Response {
	return e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/payments/" + paymentID + "/refunds", Body: body})
}

func TestOrderPaymentRefunds(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		ctx := context.Background()
		payID := capturedOrderPayment(t, e, 10000)

		r1 := paymentRefund(e, payID, `{"amount":4000,"reason":"customer requested"}`)
		if r1.Status != 201 || r1.JSON(t)["status"] != "pending" || r1.JSON(t)["amount"] != float64(4000) || r1.JSON(t)["reason"] != "customer requested" {
			t.Fatalf("create: %d %s", r1.Status, r1.Body)
		}
		// The pending refund already counts: 6001 more would pass the capture.
		if r := paymentRefund(e, payID, `{"amount":6001}`); r.Status != 409 || r.Error(t)["code"] != "over_refund" {
			t.Errorf("over-refund while pending: %d %s", r.Status, r.Body)
		}
		refundID := r1.JSON(t)["id"].(string)
		for range 2 { // at least once: the second run changes nothing
			if err := e.Gateway.RecoverRefund(ctx, refundID); err != nil {
				t.Fatal(err)
			}
		}
		got := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/refunds/" + refundID}).JSON(t)
		if got["status"] != "succeeded" || got["payment_status"] != "partially_refunded" {
			t.Errorf("after the job: %v %v", got["status"], got["payment_status"])
		}
		if n := eventsOf(t, e, "refund.succeeded", refundID); n != 1 {
			t.Errorf("%d refund.succeeded events", n)
		}
		// The rest, without an amount; then nothing is left.
		r2 := paymentRefund(e, payID, `{}`)
		if r2.Status != 201 || r2.JSON(t)["amount"] != float64(6000) {
			t.Fatalf("rest: %d %s", r2.Status, r2.Body)
		}
		if err := e.Gateway.RecoverRefund(ctx, r2.JSON(t)["id"].(string)); err != nil {
			t.Fatal(err)
		}
		if p := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/payments/" + payID}).JSON(t); p["status"] != "refunded" || p["amount_refunded"] != float64(10000) {
			t.Errorf("payment after full refund: %v %v", p["status"], p["amount_refunded"])
		}
		if r := paymentRefund(e, payID, `{"amount":1}`); r.Status != 409 || r.Error(t)["code"] != "non_refundable_state" {
			t.Errorf("refund of a refunded payment: %d %s", r.Status, r.Body)
		}
		// A pending payment, a bad amount, another merchant's payment.
		pending := payOrder(e, newOrder(t, e, 500), "upi", `"vpa":"success@kassa"`).JSON(t)["id"].(string)
		if r := paymentRefund(e, pending, `{"amount":100}`); r.Status != 409 || r.Error(t)["code"] != "non_refundable_state" {
			t.Errorf("refund of a pending payment: %d %s", r.Status, r.Body)
		}
		other := capturedOrderPayment(t, e, 500)
		if r := paymentRefund(e, other, `{"amount":0}`); r.Status != 400 || r.Error(t)["code"] != "invalid_amount" {
			t.Errorf("zero amount: %d %s", r.Status, r.Body)
		}
		_, otherSK, _ := e.NewMerchant("Other", "other@example.com")
		if r := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/payments/" + other + "/refunds", Body: `{}`, Key: otherSK}); r.Status != 404 {
			t.Errorf("another merchant's payment: %d %s", r.Status, r.Body)
		}
		// The same Idempotency-Key replays the refund.
		h := map[string]string{"Idempotency-Key": "order-refund-1"}
		a := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/payments/" + other + "/refunds", Body: `{"amount":100}`, Headers: h})
		b2 := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/payments/" + other + "/refunds", Body: `{"amount":100}`, Headers: h})
		if a.Status != 201 || b2.JSON(t)["id"] != a.JSON(t)["id"] {
			t.Errorf("idempotent refund: %s / %s", a.Body, b2.Body)
		}
	})
}

func TestJobStats(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		stats := func() map[string]map[string]any {
			r := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/jobs/stats"})
			if r.Status != 200 {
				t.Fatalf("stats: %d %s", r.Status, r.Body)
			}
			body := r.JSON(t)
			out := map[string]map[string]any{"workers": body["workers"].(map[string]any), "all": body["total"].(map[string]any)}
			for _, k := range body["kinds"].([]any) {
				m := k.(map[string]any)
				out[m["kind"].(string)] = m
			}
			return out
		}
		before := stats()
		if before["order_payment"]["pending"] != float64(0) || before["workers"]["alive"] != false || before["workers"]["this_instance"] != "not_running_here" {
			t.Errorf("before: %v %v", before["order_payment"], before["workers"])
		}
		for range 3 {
			payOrder(e, newOrder(t, e, 500), "upi", `"vpa":"success@kassa"`)
		}
		payID := capturedOrderPayment(t, e, 700)
		paymentRefund(e, payID, `{"amount":100}`)
		after := stats()
		if after["order_payment"]["pending"] != float64(4) || after["refund"]["pending"] != float64(1) || after["all"]["pending"].(float64) < 5 {
			t.Errorf("after: %v %v %v", after["order_payment"], after["refund"], after["all"])
		}
		if r := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/jobs/stats", Key: e.PublishableKey}); r.Status != 403 {
			t.Errorf("publishable key: %d", r.Status)
		}
	})
}
