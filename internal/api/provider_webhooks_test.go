package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	stripewebhook "github.com/stripe/stripe-go/v84/webhook"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"

	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// TestProviderWebhookRefusals: the processors' webhook route takes no API key, and refuses what it cannot take with
// a precise 4xx: an unknown profile, a connector that sends no webhooks.
func TestProviderWebhookRefusals(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		send := func(profileID string) kassatest.Response {
			return e.Do(kassatest.Request{Method: "POST", Path: "/providers/" + profileID + "/webhooks", Body: `{"id":"evt_1"}`, NoKey: true})
		}
		wantError(t, "unknown profile", send("prof_0000000000000000000000"), 404, "resource_missing")
		wantError(t, "not a profile id", send("pay_123"), 404, "resource_missing")
		sandbox := post(e, "/api/v1/payment-profiles", `{"connector":"sandbox","name":"Backup","methods":["card"]}`).JSON(t)
		if sandbox["webhook_url"] != nil {
			t.Errorf("a sandbox profile shows a webhook_url: %v", sandbox["webhook_url"])
		}
		wantError(t, "sandbox profile", send(sandbox["id"].(string)), 400, "webhooks_not_supported")
	})
}

// pendingStripePayment is a Stripe profile with a signing secret and a pending payment of it whose answer never
// arrived, with a signed event that settles it.
type pendingStripePayment struct {
	profileID, secret, event string
	p                        payment.Payment
	deliver                  func(body, signature string) kassatest.Response
	signAt                   func(body string, at time.Time) string
}

func newPendingStripePayment(t *testing.T, e *kassatest.Env) pendingStripePayment {
	t.Helper()
	const secret = "whsec_kassaTestStripeWebhook42"
	prof := post(e, "/api/v1/payment-profiles", `{"connector":"stripe","name":"Stripe","methods":["card"],`+
		`"credentials":{"secret_key":"sk_test_webhookProfile9999","webhook_secret":"`+secret+`"},"api_base_url":"http://127.0.0.1:9"}`).JSON(t)
	profileID := prof["id"].(string)
	if prof["webhook_url"] != e.HTTP.URL+"/providers/"+profileID+"/webhooks" {
		t.Errorf("webhook_url %v", prof["webhook_url"])
	}
	ctx := context.Background()
	p := payment.Payment{ID: id.New("pay_", e.Clock.Now()), MerchantID: e.Merchant.Merchant.ID, Status: payment.StatusPending,
		Method: payment.MethodCard, CaptureMethod: payment.CaptureAutomatic, Amount: 2500, Currency: "EUR", Metadata: json.RawMessage(`{}`),
		SourceKind: "direct", Provider: "stripe", ProfileID: profileID, CreatedAt: e.Clock.Now(), UpdatedAt: e.Clock.Now()}
	p.SourceID = p.ID
	if err := e.Store.InTx(ctx, func(tx store.Tx) error { return tx.InsertPayment(ctx, p) }); err != nil {
		t.Fatal(err)
	}
	event := `{"id":"evt_3QkassaSettle","object":"event","api_version":"2024-06-20","created":1764687600,"livemode":false,` +
		`"type":"payment_intent.succeeded","data":{"object":{"id":"pi_3QkassaSettle","object":"payment_intent","amount":2500,` +
		`"amount_received":2500,"capture_method":"automatic","currency":"eur","last_payment_error":null,` +
		`"metadata":{"kassa_idempotency_key":"` + p.ID + `:sale@` + profileID + `:sale"},"status":"succeeded"}}}`
	deliver := func(body, signature string) kassatest.Response {
		h := map[string]string{}
		if signature != "" {
			h["Stripe-Signature"] = signature
		}
		return e.Do(kassatest.Request{Method: "POST", Path: "/providers/" + profileID + "/webhooks", Body: body, Headers: h, NoKey: true})
	}
	signAt := func(body string, at time.Time) string {
		return stripewebhook.GenerateTestSignedPayload(&stripewebhook.UnsignedPayload{Payload: []byte(body), Secret: secret, Timestamp: at}).Header
	}
	return pendingStripePayment{profileID: profileID, secret: secret, event: event, p: p, deliver: deliver, signAt: signAt}
}

// TestStripeWebhookSettlesAPendingPayment: a Stripe event, verified with the profile's signing secret, settles the
// pending payment whose answer never arrived (found by the key Kassa sent, echoed in the PaymentIntent's metadata),
// once: a redelivery is acknowledged and changes nothing. Unsigned, tampered and stale deliveries are refused with a
// 400 and change nothing.
func TestStripeWebhookSettlesAPendingPayment(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		w := newPendingStripePayment(t, e)
		ctx, secret, event, p, deliver, signAt, profileID := context.Background(), w.secret, w.event, w.p, w.deliver, w.signAt, w.profileID
		wantError(t, "unsigned", deliver(event, ""), 400, "invalid_webhook_signature")
		wantError(t, "tampered", deliver(strings.Replace(event, `"amount":2500`, `"amount":1`, 1), signAt(event, e.Clock.Now())), 400, "invalid_webhook_signature")
		wantError(t, "stale", deliver(event, signAt(event, e.Clock.Now().Add(-time.Hour))), 400, "invalid_webhook_signature")
		if got, _ := e.Store.GetPaymentByID(ctx, p.ID); got.Status != payment.StatusPending {
			t.Fatalf("a refused delivery changed the payment: %s", got.Status)
		}
		if logs := e.Log.String(); strings.Count(logs, "processor webhook refused") != 3 || strings.Contains(logs, secret) {
			t.Errorf("refused deliveries are not each logged (or the secret is):\n%s", logs)
		}
		for i := range 2 {
			if r := deliver(event, signAt(event, e.Clock.Now())); r.Status != 200 || r.JSON(t)["received"] != true {
				t.Fatalf("delivery %d: %d %s", i+1, r.Status, r.Body)
			}
		}
		got := get(e, "/api/v1/payments/"+p.ID).JSON(t)
		if got["status"] != "captured" || got["provider_transaction_id"] != "pi_3QkassaSettle" || got["profile_id"] != profileID {
			t.Errorf("after the event: %v %v %v", got["status"], got["provider_transaction_id"], got["profile_id"])
		}
		if txns := transactionsOf(t, e, p.ID); len(txns) != 1 {
			t.Errorf("two deliveries of one event made transactions %v, want one", txns)
		}
		if evs := get(e, "/api/v1/events?type=payment.captured").JSON(t)["data"].([]any); len(evs) != 1 {
			t.Errorf("payment.captured events: %d, want 1", len(evs))
		}
	})
}

// TestStripeWebhookStorm: the same event delivered many times at once (a processor retrying, two instances behind a
// load balancer) settles the payment once: one transaction, one payment event, every delivery acknowledged.
func TestStripeWebhookStorm(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		w := newPendingStripePayment(t, e)
		sig := w.signAt(w.event, e.Clock.Now())
		var wg sync.WaitGroup
		statuses := make([]int, 8)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = w.deliver(w.event, sig).Status
			}()
		}
		wg.Wait()
		for i, st := range statuses {
			if st != 200 {
				t.Errorf("delivery %d: %d", i+1, st)
			}
		}
		if got := get(e, "/api/v1/payments/"+w.p.ID).JSON(t)["status"]; got != "captured" {
			t.Errorf("payment %v, want captured", got)
		}
		if txns := transactionsOf(t, e, w.p.ID); len(txns) != 1 {
			t.Errorf("transactions %v, want one", txns)
		}
		if evs := get(e, "/api/v1/events?type=payment.captured").JSON(t)["data"].([]any); len(evs) != 1 {
			t.Errorf("payment.captured events: %d, want 1", len(evs))
		}
	})
}
