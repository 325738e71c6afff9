package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kassapay/kassa/clients/go/kassawebhook"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/provider/stripe/stripemock"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webtest"
)

// TestLiveCheckoutThroughStripe is going live end to end: a live-mode merchant without a payment profile is refused
// with payments_not_configured; with a Stripe profile (pointed at a real stripe-mock) a customer pays a hosted
// checkout session through the page, the merchant refunds half, and the merchant's endpoint receives signed
// payment.succeeded and refund.succeeded for it.
func TestLiveCheckoutThroughStripe(t *testing.T) {
	t.Parallel()
	stripeAPI := stripemock.Start(t)
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		receiver := kassatest.NewTLSReceiver(t) // a live endpoint is https
		e, br := webtest.Setup(t, b, kassatest.Options{LiveMode: true, WebhookRootCAs: receiver.RootCAs()})
		ctx := context.Background()
		live, err := e.Gateway.RollKey(ctx, e.Merchant.Merchant.ID, merchant.KeySecret, true, 0)
		if err != nil {
			t.Fatal(err)
		}
		do := func(method, path, body string) kassatest.Response {
			return e.Do(kassatest.Request{Method: method, Path: path, Body: body, Key: live.Secret,
				Headers: map[string]string{"Idempotency-Key": fmt.Sprintf("live-%s-%d", path, time.Now().UnixNano())}})
		}
		exp := fmt.Sprintf("12/%d", kassatest.Start.Year()%100+2)
		sale := fmt.Sprintf(`{"amount":1000,"currency":"USD","card":{"number":"4242424242424242","exp_month":12,"exp_year":%d,"cvv":"123"}}`, kassatest.Start.Year()+2)
		if r := do("POST", "/api/v1/payments/sale", sale); r.Status != 422 || r.Error(t)["code"] != "payments_not_configured" {
			t.Fatalf("live sale without a profile: %d %s", r.Status, r.Body)
		}

		ep := do("POST", "/api/v1/webhook-endpoints", `{"url":"`+receiver.URL+`","enabled_events":["payment.succeeded","refund.succeeded"]}`)
		if ep.Status != 201 {
			t.Fatalf("endpoint: %d %s", ep.Status, ep.Body)
		}
		whsec := ep.JSON(t)["secret"].(string)
		prof := do("POST", "/api/v1/payment-profiles", `{"connector":"stripe","name":"Stripe","methods":["card"],"currencies":["USD"],`+
			`"credentials":{"secret_key":"sk_test_123","webhook_secret":"whsec_stripeSigning"},"api_base_url":"`+stripeAPI+`"}`)
		if prof.Status != 201 || prof.JSON(t)["livemode"] != true {
			t.Fatalf("profile: %d %s", prof.Status, prof.Body)
		}
		profileID := prof.JSON(t)["id"].(string)

		cs := do("POST", "/api/v1/checkout-sessions", `{"external_order_id":"LIVE-1","amount":2000,"currency":"USD",`+
			`"success_url":"https://shop.example/thanks","cancel_url":"https://shop.example/cart"}`)
		if cs.Status != 201 || cs.JSON(t)["livemode"] != true {
			t.Fatalf("session: %d %s", cs.Status, cs.Body)
		}
		sessionID := cs.JSON(t)["id"].(string)
		page := br.Get("/checkout/" + sessionID)
		webtest.WantStatus(t, "live checkout page", page, http.StatusOK)
		if strings.Contains(page.Body, "TEST MODE") || strings.Contains(page.Body, `name="scenario"`) {
			t.Error("the live page shows test-mode aids")
		}
		paid := br.Post("/checkout/"+sessionID+"/pay", url.Values{"number": {"4242 4242 4242 4242"}, "exp": {exp}, "cvv": {"123"},
			"name": {"Jane Doe"}, "email": {"jane@example.com"}})
		if paid.Status != http.StatusSeeOther || !strings.HasPrefix(paid.Header.Get("Location"), "https://shop.example/thanks") {
			t.Fatalf("pay: %d %s\n%s", paid.Status, paid.Header.Get("Location"), paid.Body)
		}
		s := do("GET", "/api/v1/checkout-sessions/"+sessionID, "").JSON(t)
		payments := do("GET", "/api/v1/payments?limit=10", "").JSON(t)["data"].([]any)
		if s["status"] != "paid" || len(payments) != 1 {
			t.Fatalf("after paying: session %v, %d payments", s["status"], len(payments))
		}
		p := payments[0].(map[string]any)
		pi, _ := p["provider_transaction_id"].(string)
		if p["status"] != "captured" || p["provider"] != "stripe" || p["profile_id"] != profileID || !strings.HasPrefix(pi, "pi_") {
			t.Errorf("payment: %v %v %v %v", p["status"], p["provider"], p["profile_id"], pi)
		}

		r := do("POST", "/api/v1/refunds", `{"payment_id":"`+p["id"].(string)+`","amount":1000,"reason":"half back"}`)
		if r.Status != 201 || r.JSON(t)["status"] != "succeeded" || r.JSON(t)["payment_status"] != "partially_refunded" {
			t.Fatalf("refund: %d %s", r.Status, r.Body)
		}

		// Deliver what is due and check what the endpoint received, with the stock Go verifier.
		for _, d := range do("GET", "/api/v1/webhook-deliveries?status=pending&limit=100", "").JSON(t)["data"].([]any) {
			if err := e.Gateway.AttemptDelivery(ctx, d.(map[string]any)["id"].(string)); err != nil {
				t.Fatal(err)
			}
		}
		got := map[string]bool{}
		for _, req := range receiver.Requests() {
			if err := kassawebhook.Verify(whsec, req.Header.Get("Kassa-Signature"), req.Body, e.Clock.Now()); err != nil {
				t.Errorf("delivery does not verify: %v", err)
			}
			var ev struct {
				Type     string `json:"type"`
				Livemode bool   `json:"livemode"`
			}
			if err := json.Unmarshal(req.Body, &ev); err != nil || !ev.Livemode {
				t.Errorf("delivery: %v %s", err, req.Body)
			}
			got[ev.Type] = true
		}
		if !got["payment.succeeded"] || !got["refund.succeeded"] {
			t.Errorf("the endpoint received %v, want payment.succeeded and refund.succeeded", got)
		}
	})
}
