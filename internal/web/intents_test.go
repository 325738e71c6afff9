package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webtest"
)

// TestIntentOnTheHostedPage pays a payment intent through its checkout_url: the session page and form serve it,
// the forms carry the client secret, a wrong secret gets a 401 page, a decline offers another try and payment
// redirects to success_url with the intent id.
func TestIntentOnTheHostedPage(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		r := br.API(kassatest.Request{Method: "POST", Path: "/api/v1/payment-intents", Body: `{"amount":4200,"currency":"USD",` +
			`"success_url":"https://shop.example/orders/ok?s={CHECKOUT_SESSION_ID}","cancel_url":"https://shop.example/orders/cancel",` +
			`"description":"Order 77","customer_email":"buyer@example.com"}`})
		if r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		c := r.JSON(t)
		id, secret := c["id"].(string), c["client_secret"].(string)
		u, err := url.Parse(c["checkout_url"].(string))
		if err != nil || u.Path != "/checkout/"+id || u.Query().Get("client_secret") != secret {
			t.Fatalf("checkout_url %v", c["checkout_url"])
		}
		p := br.Get(u.RequestURI())
		webtest.WantStatus(t, "page", p, http.StatusOK)
		webtest.WantContains(t, "page", p, "$42.00", "Order 77", `action="/checkout/`+id+`/pay"`,
			`<input type="hidden" name="client_secret" value="`+secret+`">`, `value="buyer@example.com"`)
		if p.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("Referrer-Policy %q", p.Header.Get("Referrer-Policy"))
		}
		webtest.WantStatus(t, "no secret", br.Get("/checkout/"+id), http.StatusUnauthorized)
		webtest.WantStatus(t, "wrong secret", br.Get("/checkout/"+id+"?client_secret=kcs_nope"), http.StatusUnauthorized)
		webtest.WantStatus(t, "post without secret", br.Post("/checkout/"+id+"/pay", webtest.Card(sandbox.CardVisa)), http.StatusUnauthorized)

		withSecret := func(v url.Values) url.Values { v.Set("client_secret", secret); return v }
		d := br.Post("/checkout/"+id+"/pay", withSecret(webtest.Card(sandbox.CardInsufficientFunds)))
		webtest.WantStatus(t, "decline", d, http.StatusPaymentRequired)
		webtest.WantContains(t, "decline", d, "insufficient funds", "4 attempts left")
		ok := br.Post("/checkout/"+id+"/pay", withSecret(webtest.Card(sandbox.CardVisa)))
		webtest.WantStatus(t, "pay", ok, http.StatusSeeOther)
		if loc := ok.Header.Get("Location"); loc != "https://shop.example/orders/ok?payment_intent="+id+"&s="+id {
			t.Errorf("redirect to %q", loc)
		}
		got := br.API(kassatest.Request{Method: "GET", Path: "/api/v1/payment-intents/" + id}).JSON(t)
		if got["status"] != "captured" || got["failed_attempts"] != float64(1) {
			t.Errorf("intent after paying: %v %v", got["status"], got["failed_attempts"])
		}
		paid := br.Get(u.RequestURI())
		webtest.WantContains(t, "paid page", paid, "Payment received", html.EscapeString("https://shop.example/orders/ok?payment_intent="+id+"&s="+id))
		// The page's secret never reaches the log.
		if strings.Contains(e.Log.String(), strings.TrimPrefix(secret, "kcs_")) {
			t.Error("the client secret is in the log")
		}
	})
}

// TestFraudCardOnTheHostedPage: the hosted checkout is scored like every front door; the fraud card is declined
// before any provider call, and the customer sees the plain decline, not the score.
func TestFraudCardOnTheHostedPage(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		id := webtest.NewSession(t, e, "cs", "ORDER-FRAUD")
		p := br.Post("/checkout/"+id+"/pay", webtest.Card(sandbox.CardFraud))
		webtest.WantStatus(t, "fraud card", p, http.StatusPaymentRequired)
		webtest.WantContains(t, "fraud card", p, "Your card was declined. Try another card.", "4 attempts left")
		if strings.Contains(p.Body, "score") {
			t.Error("the page shows the fraud score")
		}
		s := sessionStatus(t, e, id)
		if s["status"] != "failed" || s["failure_code"] != "fraudulent" {
			t.Errorf("session: %v %v", s["status"], s["failure_code"])
		}
		pay := br.API(kassatest.Request{Method: "GET", Path: "/api/v1/payments/" + s["payment_id"].(string)}).JSON(t)
		if pay["fraud_decision"] != "decline" || pay["transaction_id"] != nil {
			t.Errorf("payment: %v %v", pay["fraud_decision"], pay["transaction_id"])
		}
	})
}

// TestIntentPageOfSuspendedMerchant: paying an intent on the hosted page after its merchant was suspended is
// refused with 403, the status of the forbidden kind, and the page a suspended shop gets; the page used to show the
// form again as a 409 conflict. Nothing is charged.
func TestIntentPageOfSuspendedMerchant(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		r := br.API(kassatest.Request{Method: "POST", Path: "/api/v1/payment-intents", Body: `{"amount":4200,"currency":"USD",` +
			`"success_url":"https://shop.example/orders/ok","cancel_url":"https://shop.example/orders/cancel"}`})
		if r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		c := r.JSON(t)
		id, secret := c["id"].(string), c["client_secret"].(string)
		inactive := merchant.StatusInactive
		if _, err := e.Gateway.UpdateMerchant(context.Background(), e.Merchant.Merchant.ID, gateway.MerchantPatch{Status: &inactive}); err != nil {
			t.Fatal(err)
		}
		form := webtest.Card(sandbox.CardVisa)
		form.Set("client_secret", secret)
		p := br.Post("/checkout/"+id+"/pay", form)
		webtest.WantStatus(t, "pay for a suspended merchant", p, http.StatusForbidden)
		webtest.WantContains(t, "pay for a suspended merchant", p, "Payments unavailable", "You were not charged")
		pi, err := e.Store.GetPaymentIntentByID(context.Background(), id)
		if err != nil || pi.Status != checkout.IntentCreated {
			t.Errorf("intent after the refused payment: %v %v", pi.Status, err)
		}
	})
}
