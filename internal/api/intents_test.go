package api_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/store/storetest"
)

const intentBody = `{"amount":9999,"currency":"USD","success_url":"https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}",` +
	`"description":"Order 12345","customer_email":"buyer@example.com","order_id":"12345","metadata":{"cart":"c1"}}`

// newIntent creates an intent and returns its id and client secret.
func newIntent(t *testing.T, e *kassatest.Env, body string) (string, string) {
	t.Helper()
	r := post(e, "/api/v1/payment-intents", body)
	if r.Status != 201 {
		t.Fatalf("create intent: %d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	return m["id"].(string), m["client_secret"].(string)
}

// confirm posts a confirm with the secret in the header (or, with query set, in the query string).
func confirm(e *kassatest.Env, id, secret, number, extra string, query bool) kassatest.Response {
	body := fmt.Sprintf(`{"card":{"number":"%s","cardholder_name":"Jane Doe","exp_month":12,"exp_year":2030,"cvv":"123"}%s}`, number, extra)
	req := kassatest.Request{Method: "POST", Path: "/api/public/payment-intents/" + id + "/confirm", Body: body, NoKey: true}
	if query {
		req.Path += "?client_secret=" + secret
	} else if secret != "" {
		req.Headers = map[string]string{"X-Client-Secret": secret}
	}
	return e.Do(req)
}

// otherLastChar is secret with its last character changed: a wrong secret of the right shape.
func otherLastChar(secret string) string {
	if strings.HasSuffix(secret, "x") {
		return secret[:len(secret)-1] + "y"
	}
	return secret[:len(secret)-1] + "x"
}

// withoutRequestID drops the request id of an error body, to compare two answers.
func withoutRequestID(t *testing.T, r kassatest.Response) map[string]any {
	er := r.Error(t)
	delete(er, "request_id")
	return er
}

// TestPaymentIntents covers an intent's life: create, public read, confirm with the secret (header or query),
// wrong secrets, declines with remaining attempts, the attempt limit, expiry, cancel, manual capture, and that the
// secret is never logged, stored in clear or shown again.
func TestPaymentIntents(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		created := post(e, "/api/v1/payment-intents", intentBody)
		if created.Status != 201 {
			t.Fatalf("create: %d %s", created.Status, created.Body)
		}
		c := created.JSON(t)
		id, secret := c["id"].(string), c["client_secret"].(string)
		if !strings.HasPrefix(secret, "kcs_") || len(secret) < 4+22 { // 22 base62 characters carry 128 bits
			t.Errorf("client secret %q is too short", secret)
		}
		if diff := cmp.Diff(map[string]any{"status": "created", "cancel_url": "https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}",
			"capture_method": "automatic", "expires_at": kassatest.Start.Add(time.Hour).Format(time.RFC3339), "remaining_attempts": float64(5),
			"checkout_url": e.HTTP.URL + "/checkout/" + id + "?client_secret=" + secret},
			pick(c, "status", "cancel_url", "capture_method", "expires_at", "remaining_attempts", "checkout_url")); diff != "" {
			t.Errorf("created intent (-want +got):\n%s", diff)
		}
		if got := get(e, "/api/v1/payment-intents/"+id); strings.Contains(string(got.Body), secret) || got.JSON(t)["status"] != "created" {
			t.Errorf("merchant GET shows the secret or the wrong status: %s", got.Body)
		}
		for _, tc := range []struct{ name, body, code, param string }{
			{"no success_url", `{"amount":100,"currency":"USD"}`, "parameter_missing", "success_url"},
			{"http success_url", `{"amount":100,"currency":"USD","success_url":"http://shop.example/ok"}`, "url_invalid", "success_url"},
			{"zero amount", `{"amount":0,"currency":"USD","success_url":"https://shop.example/ok"}`, "invalid_amount", "amount"},
			{"bad capture method", `{"amount":100,"currency":"USD","success_url":"https://shop.example/ok","capture_method":"later"}`, "parameter_invalid", "capture_method"},
		} {
			if er := wantError(t, tc.name, post(e, "/api/v1/payment-intents", tc.body), 400, tc.code); er["param"] != tc.param {
				t.Errorf("%s: param %v", tc.name, er["param"])
			}
		}

		// The browser's view: no credentials, no secret, no customer data.
		pub := e.Do(kassatest.Request{Method: "GET", Path: "/api/public/payment-intents/" + id, NoKey: true})
		if pub.Status != 200 || strings.Contains(string(pub.Body), secret) || strings.Contains(string(pub.Body), "buyer@example.com") ||
			strings.Contains(string(pub.Body), "cart") || pub.JSON(t)["amount"] != float64(9999) {
			t.Errorf("public GET: %d %s", pub.Status, pub.Body)
		}
		wantError(t, "public GET of an unknown intent", e.Do(kassatest.Request{Method: "GET", Path: "/api/public/payment-intents/pi_nope", NoKey: true}), 404, "resource_missing")

		// Wrong, missing and revoked secrets get one and the same answer.
		missing := wantError(t, "no secret", confirm(e, id, "", "4242424242424242", "", false), 401, "invalid_client_secret")
		delete(missing, "request_id")
		wrong := confirm(e, id, otherLastChar(secret), "4242424242424242", "", false)
		if diff := cmp.Diff(missing, withoutRequestID(t, wrong)); wrong.Status != 401 || diff != "" {
			t.Errorf("wrong secret differs from a missing one (-missing +wrong):\n%s", diff)
		}

		// A decline reports the attempts left; then the card pays (secret in the query string this time).
		d := wantError(t, "decline", confirm(e, id, secret, "4000000000009995", "", false), 402, "card_declined")
		if d["decline_code"] != "insufficient_funds" || d["remaining_attempts"] != float64(4) || d["response_code"] != "51" {
			t.Errorf("decline: %v", d)
		}
		ok := confirm(e, id, secret, "4242424242424242", "", true)
		if ok.Status != 200 {
			t.Fatalf("confirm: %d %s", ok.Status, ok.Body)
		}
		res := ok.JSON(t)
		if res["status"] != "captured" || res["redirect_url"] != "https://shop.example/ok?payment_intent="+id+"&session_id="+id {
			t.Errorf("confirmed: %v", res)
		}
		payID := res["payment_id"].(string)
		if p := get(e, "/api/v1/payments/"+payID).JSON(t); p["source"].(map[string]any)["type"] != "payment_intent" || p["status"] != "captured" {
			t.Errorf("intent payment: %v", pick(p, "source", "status"))
		}
		wantError(t, "confirm twice", confirm(e, id, secret, "4242424242424242", "", false), 409, "intent_already_succeeded")
		if diff := cmp.Diff([]string{"payment_intent.created", "payment_intent.succeeded"}, eventTypes(t, e, id)); diff != "" {
			t.Errorf("intent events (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"payment.captured"}, eventTypes(t, e, payID)); diff != "" {
			t.Errorf("payment events (-want +got):\n%s", diff)
		}

		// Five declines lock the intent; a good card then gets 410, and no provider call.
		id2, secret2 := newIntent(t, e, intentBody)
		for i := range 5 {
			r := confirm(e, id2, secret2, "4000000000000002", `,"customer_email":"tries@example.com"`, false)
			if er := wantError(t, "decline", r, 402, "card_declined"); er["remaining_attempts"] != float64(4-i) {
				t.Errorf("decline %d: remaining %v", i+1, er["remaining_attempts"])
			}
		}
		before := len(get(e, "/api/v1/payments?limit=100").JSON(t)["data"].([]any))
		wantError(t, "after 5 declines", confirm(e, id2, secret2, "4242424242424242", "", false), 410, "max_attempts_reached")
		if after := len(get(e, "/api/v1/payments?limit=100").JSON(t)["data"].([]any)); after != before {
			t.Errorf("a locked intent made a payment (%d → %d)", before, after)
		}

		// Expiry after an hour: 410 with the right secret, the same 401 with a wrong one.
		id3, secret3 := newIntent(t, e, intentBody)
		e.Clock.Advance(time.Hour)
		wantError(t, "expired", confirm(e, id3, secret3, "4242424242424242", "", false), 410, "intent_expired")
		wrongExpired := confirm(e, id3, "kcs_wrong", "4242424242424242", "", false)
		if diff := cmp.Diff(missing, withoutRequestID(t, wrongExpired)); diff != "" {
			t.Errorf("wrong secret on an expired intent (-want +got):\n%s", diff)
		}
		if st := e.Do(kassatest.Request{Method: "GET", Path: "/api/public/payment-intents/" + id3, NoKey: true}).JSON(t)["status"]; st != "expired" {
			t.Errorf("expired intent shows %v", st)
		}

		// Cancel revokes the secret.
		id4, secret4 := newIntent(t, e, intentBody)
		if r := post(e, "/api/v1/payment-intents/"+id4+"/cancel", ""); r.Status != 200 || r.JSON(t)["status"] != "canceled" {
			t.Fatalf("cancel: %d %s", r.Status, r.Body)
		}
		canceled := confirm(e, id4, secret4, "4242424242424242", "", false)
		if diff := cmp.Diff(missing, withoutRequestID(t, canceled)); diff != "" {
			t.Errorf("secret of a canceled intent (-want +got):\n%s", diff)
		}
		wantError(t, "cancel twice", post(e, "/api/v1/payment-intents/"+id4+"/cancel", ""), 409, "intent_canceled")
		wantError(t, "cancel a paid intent", post(e, "/api/v1/payment-intents/"+id+"/cancel", ""), 409, "intent_already_succeeded")
		wantError(t, "cancel an unknown intent", post(e, "/api/v1/payment-intents/pi_nope/cancel", ""), 404, "resource_missing")
		if diff := cmp.Diff([]string{"payment_intent.created", "payment_intent.canceled"}, eventTypes(t, e, id4)); diff != "" {
			t.Errorf("cancel events (-want +got):\n%s", diff)
		}

		// Manual capture goes through the payment's capture endpoint.
		id5, secret5 := newIntent(t, e, strings.Replace(intentBody, `"amount":9999`, `"amount":5000,"capture_method":"manual"`, 1))
		r5 := confirm(e, id5, secret5, "5555555555554444", "", false).JSON(t)
		if r5["status"] != "authorized" {
			t.Fatalf("manual confirm: %v", r5)
		}
		if r := post(e, "/api/v1/payments/"+r5["payment_id"].(string)+"/capture", `{"amount":4000}`); r.Status != 200 || r.JSON(t)["amount_captured"] != float64(4000) {
			t.Fatalf("capture: %d %s", r.Status, r.Body)
		}
		if st := get(e, "/api/v1/payment-intents/"+id5).JSON(t)["status"]; st != "captured" {
			t.Errorf("manual intent after capture: %v", st)
		}
		// A voided authorization cancels its intent: no longer "paid" anywhere, and payment_intent.canceled is sent.
		id6, secret6 := newIntent(t, e, strings.Replace(intentBody, `"amount":9999`, `"amount":5000,"capture_method":"manual"`, 1))
		r6 := confirm(e, id6, secret6, "4242424242424242", "", false).JSON(t)
		if r := post(e, "/api/v1/payments/"+r6["payment_id"].(string)+"/void", `{"reason":"out of stock"}`); r.Status != 200 {
			t.Fatalf("void: %d %s", r.Status, r.Body)
		}
		if st := get(e, "/api/v1/payment-intents/"+id6).JSON(t)["status"]; st != "canceled" {
			t.Errorf("manual intent after void: %v, want canceled", st)
		}
		if types := eventTypes(t, e, id6); !slices.Contains(types, "payment_intent.canceled") {
			t.Errorf("intent events after void: %v", types)
		}
		wantError(t, "cancel a voided intent", post(e, "/api/v1/payment-intents/"+id6+"/cancel", ""), 409, "intent_canceled")

		// The secrets are nowhere in the logs or the database.
		logs, dump := e.Log.String(), string(storetest.Dump(t, e.Store))
		for _, s := range []string{secret, secret2, secret3, secret4, secret5} {
			body := strings.TrimPrefix(s, "kcs_")
			if strings.Contains(logs, body) || strings.Contains(dump, body) {
				t.Errorf("client secret found in the logs or the database")
			}
		}
		assertNoTestCardNumberAtRest(t, e)
	})
}

// countingProvider counts the calls that reach the provider.
type countingProvider struct {
	provider.Provider
	calls atomic.Int64
}

func (c *countingProvider) Do(ctx context.Context, r provider.Request) (provider.Result, error) {
	c.calls.Add(1)
	return c.Provider.Do(ctx, r)
}

// TestCardTestingIsStopped simulates card testing: 200 confirms with random cards against one intent are stopped
// by the attempt cap, and 200 confirms from one IP across 200 intents by the velocity rules; few reach the provider.
func TestCardTestingIsStopped(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		cp := &countingProvider{Provider: sandbox.New(sandbox.Options{})}
		e := kassatest.Setup(t, b, kassatest.Options{Provider: cp})
		// One intent: the issuer declines the stolen numbers (the decline scenario); the 6th try on is refused.
		id, secret := newIntent(t, e, intentBody)
		codes := map[string]int{}
		for i := range 200 {
			r := confirm(e, id, secret, luhnCard(1000+i), `,"scenario":"decline"`, false)
			codes[fmt.Sprint(r.Status, " ", r.Error(t)["code"])]++
		}
		if diff := cmp.Diff(map[string]int{"402 card_declined": 5, "410 max_attempts_reached": 195}, codes); diff != "" {
			t.Errorf("one intent (-want +got):\n%s", diff)
		}
		if n := cp.calls.Load(); n > 5 {
			t.Errorf("%d provider calls for one intent, want at most 5", n)
		}

		// One IP, 200 intents, each confirmed once with another card that the issuer would approve. A day later, so
		// that the first round's declines do not count.
		e.Clock.Advance(25 * time.Hour)
		cp.calls.Store(0)
		paid, fraudulent := 0, 0
		for i := range 200 {
			pid, psecret := newIntent(t, e, intentBody)
			r := confirm(e, pid, psecret, luhnCard(5000+i), "", false)
			switch {
			case r.Status == 200:
				paid++
			case r.Status == 402 && r.Error(t)["decline_code"] == "fraudulent":
				fraudulent++
			default:
				t.Fatalf("confirm %d: %d %s", i, r.Status, r.Body)
			}
		}
		t.Logf("one IP: %d paid, %d declined as fraud, %d provider calls", paid, fraudulent, cp.calls.Load())
		// Within the minute the 6th attempt from the IP, with the intents' one email, scores email_velocity 20 +
		// many_cards_per_ip 40 + ip_velocity 20 > 70; later ones only score more.
		if paid == 0 || paid > 10 || fraudulent != 200-paid || cp.calls.Load() != int64(paid) {
			t.Errorf("one IP: %d paid, %d declined as fraud, %d provider calls", paid, fraudulent, cp.calls.Load())
		}
	})
}
