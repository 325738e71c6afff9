package api_test

import (
	"context"
	"testing"

	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/provider/stripe/stripemock"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// TestLivePaymentsThroughStripe: with a live Stripe profile (pointed at a real stripe-mock), the direct API's sale,
// authorization, partial capture and void, and a payment intent's confirm from the browser all go to Stripe, and
// each payment names Stripe and the profile. Without the profile, each is refused with payments_not_configured.
func TestLivePaymentsThroughStripe(t *testing.T) {
	t.Parallel()
	stripeAPI := stripemock.Start(t)
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{LiveMode: true})
		live, err := e.Gateway.RollKey(context.Background(), e.Merchant.Merchant.ID, merchant.KeySecret, true, 0)
		if err != nil {
			t.Fatal(err)
		}
		sk := live.Secret
		wantError(t, "live intent without a profile", as(e, sk, "POST", "/api/v1/payment-intents", intentBody), 422, "payments_not_configured")
		prof := as(e, sk, "POST", "/api/v1/payment-profiles", `{"connector":"stripe","name":"Stripe","methods":["card"],`+
			`"credentials":{"secret_key":"sk_test_123"},"api_base_url":"`+stripeAPI+`"}`)
		if prof.Status != 201 {
			t.Fatalf("profile: %d %s", prof.Status, prof.Body)
		}
		profileID := prof.JSON(t)["id"].(string)
		onStripe := func(what string, r kassatest.Response, status string) string {
			t.Helper()
			m := r.JSON(t)
			if r.Status != 200 || m["status"] != status || m["provider"] != "stripe" || m["profile_id"] != profileID || m["livemode"] != true {
				t.Fatalf("%s: %d %s", what, r.Status, r.Body)
			}
			return m["id"].(string)
		}
		onStripe("sale", as(e, sk, "POST", "/api/v1/payments/sale", cardBody("4242424242424242", 1500)), "captured")
		auth := onStripe("authorize", as(e, sk, "POST", "/api/v1/payments/authorize", cardBody("4242424242424242", 3000)), "authorized")
		if r := as(e, sk, "POST", "/api/v1/payments/"+auth+"/capture", `{"amount":1200}`); r.Status != 200 || r.JSON(t)["amount_captured"] != float64(1200) {
			t.Errorf("partial capture: %d %s", r.Status, r.Body)
		}
		other := onStripe("authorize", as(e, sk, "POST", "/api/v1/payments/authorize", cardBody("4242424242424242", 700)), "authorized")
		if r := as(e, sk, "POST", "/api/v1/payments/"+other+"/void", `{"reason":"duplicate"}`); r.Status != 200 || r.JSON(t)["status"] != "voided" {
			t.Errorf("void: %d %s", r.Status, r.Body)
		}

		created := as(e, sk, "POST", "/api/v1/payment-intents", intentBody)
		if created.Status != 201 {
			t.Fatalf("intent: %d %s", created.Status, created.Body)
		}
		pi, secret := created.JSON(t)["id"].(string), created.JSON(t)["client_secret"].(string)
		conf := confirm(e, pi, secret, "4242424242424242", "", false)
		if conf.Status != 200 || conf.JSON(t)["status"] != "captured" {
			t.Fatalf("confirm: %d %s", conf.Status, conf.Body)
		}
		onStripe("the intent's payment", as(e, sk, "GET", "/api/v1/payments/"+conf.JSON(t)["payment_id"].(string), ""), "captured")
	})
}
