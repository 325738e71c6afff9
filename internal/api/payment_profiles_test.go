package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
)

const (
	stripeSecret  = "sk_test_51ProfileSecretKey9876"
	stripeWebhook = "whsec_profileWebhookSecret5432"
)

// TestPaymentProfiles: adding, reading, changing and deleting processor accounts. Credentials go in and never come
// back out (only their hint), are sealed in the database, and never reach the logs.
func TestPaymentProfiles(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		// Test mode always has the built-in sandbox.
		list := get(e, "/api/v1/payment-profiles").JSON(t)["data"].([]any)
		if len(list) != 1 || list[0].(map[string]any)["id"] != "prof_sandbox" || list[0].(map[string]any)["connector"] != "sandbox" ||
			strings.HasPrefix(list[0].(map[string]any)["created_at"].(string), "0001") {
			t.Fatalf("test mode's profiles: %v", list)
		}
		created := post(e, "/api/v1/payment-profiles", `{"connector":"stripe","name":"Stripe US","methods":["card"],"currencies":["usd","EUR"],`+
			`"credentials":{"secret_key":"`+stripeSecret+`","webhook_secret":"`+stripeWebhook+`"},"api_base_url":"http://127.0.0.1:12111/"}`)
		if created.Status != 201 {
			t.Fatalf("create: %d %s", created.Status, created.Body)
		}
		p := created.JSON(t)
		pid := p["id"].(string)
		if !strings.HasPrefix(pid, "prof_") || p["credentials_hint"] != "9876" || p["livemode"] != false || p["status"] != "enabled" ||
			p["api_base_url"] != "http://127.0.0.1:12111" || strings.Join(toStrings(p["currencies"]), ",") != "USD,EUR" {
			t.Errorf("created: %s", created.Body)
		}
		if got := get(e, "/api/v1/payment-profiles/"+pid); got.Status != 200 || got.JSON(t)["name"] != "Stripe US" {
			t.Errorf("get: %d %s", got.Status, got.Body)
		}
		if list := get(e, "/api/v1/payment-profiles").JSON(t)["data"].([]any); len(list) != 2 || list[1].(map[string]any)["id"] != pid {
			t.Errorf("list: %v", list)
		}
		upd := e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/payment-profiles/" + pid, Body: `{"name":"Stripe EU","status":"disabled","credentials":{"secret_key":"sk_test_rotatedKey1111"}}`})
		if upd.Status != 200 || upd.JSON(t)["name"] != "Stripe EU" || upd.JSON(t)["status"] != "disabled" || upd.JSON(t)["credentials_hint"] != "1111" {
			t.Errorf("update: %d %s", upd.Status, upd.Body)
		}
		if p["hosted_page"] != false {
			t.Errorf("hosted_page by default: %v", p["hosted_page"])
		}
		hosted := e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/payment-profiles/" + pid, Body: `{"hosted_page":true}`})
		if hosted.Status != 200 || hosted.JSON(t)["hosted_page"] != true || get(e, "/api/v1/payment-profiles/"+pid).JSON(t)["hosted_page"] != true {
			t.Errorf("hosted_page on: %d %s", hosted.Status, hosted.Body)
		}
		// Bad input names the field; nothing is stored.
		for _, tc := range []struct{ body, param string }{
			{`{"connector":"paypal","name":"x","methods":["card"]}`, "connector"},
			{`{"connector":"stripe","name":"x","methods":["card"],"credentials":{"secret_key":"nope"}}`, "credentials.secret_key"},
			{`{"connector":"stripe","name":"x","methods":["card"],"credentials":{"secret_key":"sk_live_abcdefgh"}}`, "credentials.secret_key"},
			{`{"connector":"stripe","name":"x","methods":["upi"],"credentials":{"secret_key":"` + stripeSecret + `"}}`, "methods"},
			{`{"connector":"stripe","name":"x","methods":["card"],"currencies":["US"],"credentials":{"secret_key":"` + stripeSecret + `"}}`, "currencies"},
			{`{"connector":"stripe","name":"x","methods":["card"],"api_base_url":"http://stripe.example","credentials":{"secret_key":"` + stripeSecret + `"}}`, "api_base_url"},
			{`{"connector":"stripe","name":"  ","methods":["card"],"credentials":{"secret_key":"` + stripeSecret + `"}}`, "name"},
			{`{"connector":"sandbox","name":"x","methods":["card"],"hosted_page":true}`, "hosted_page"},
		} {
			r := post(e, "/api/v1/payment-profiles", tc.body)
			if r.Status != 400 || r.Error(t)["param"] != tc.param {
				t.Errorf("%s: %d %s, want 400 naming %s", tc.body, r.Status, r.Body, tc.param)
			}
		}
		if list := get(e, "/api/v1/payment-profiles").JSON(t)["data"].([]any); len(list) != 2 {
			t.Errorf("refused profiles were stored: %v", list)
		}
		// The built-in sandbox is fixed.
		wantError(t, "change the sandbox", e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/payment-profiles/prof_sandbox", Body: `{"name":"x"}`}), 400, "sandbox_profile_fixed")
		wantError(t, "delete the sandbox", e.Do(kassatest.Request{Method: "DELETE", Path: "/api/v1/payment-profiles/prof_sandbox"}), 400, "sandbox_profile_fixed")
		// Another merchant's profile and the other mode's are not found.
		_, otherKey, _ := e.NewMerchant("Other", "other@example.com")
		wantError(t, "another merchant's", e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/payment-profiles/" + pid, Key: otherKey}), 404, "resource_missing")
		wantError(t, "another merchant's delete", e.Do(kassatest.Request{Method: "DELETE", Path: "/api/v1/payment-profiles/" + pid, Key: otherKey}), 404, "resource_missing")

		// A profile that took a payment is disabled, not deleted; an unused one is deleted.
		used := post(e, "/api/v1/payment-profiles", `{"connector":"sandbox","name":"Second sandbox","methods":["card"]}`).JSON(t)["id"].(string)
		ctx := context.Background()
		err := e.Store.InTx(ctx, func(tx store.Tx) error {
			p := payment.Payment{ID: id.New("pay_", e.Clock.Now()), MerchantID: e.Merchant.Merchant.ID, Status: payment.StatusCaptured,
				Method: payment.MethodCard, CaptureMethod: payment.CaptureAutomatic, Amount: 100, Currency: "USD", Metadata: json.RawMessage(`{}`),
				SourceKind: "direct", Provider: "sandbox", ProfileID: used, CreatedAt: e.Clock.Now(), UpdatedAt: e.Clock.Now()}
			if err := tx.InsertPayment(ctx, p); err != nil {
				return err
			}
			return tx.InsertTransaction(ctx, payment.Transaction{ID: id.New("txn_", e.Clock.Now()), PaymentID: p.ID, MerchantID: p.MerchantID,
				Type: payment.TxnSale, Status: payment.TxnSucceeded, Amount: 100, Currency: "USD", Provider: "sandbox", ProfileID: used,
				ProviderTransactionID: "sbx_1", ResponseCode: "00", CreatedAt: e.Clock.Now()})
		})
		if err != nil {
			t.Fatal(err)
		}
		if d := e.Do(kassatest.Request{Method: "DELETE", Path: "/api/v1/payment-profiles/" + used}); d.Status != 200 || d.JSON(t)["deleted"] != false || d.JSON(t)["status"] != "disabled" {
			t.Errorf("delete a used profile: %d %s", d.Status, d.Body)
		}
		if d := e.Do(kassatest.Request{Method: "DELETE", Path: "/api/v1/payment-profiles/" + pid}); d.Status != 200 || d.JSON(t)["deleted"] != true {
			t.Errorf("delete an unused profile: %d %s", d.Status, d.Body)
		}
		wantError(t, "deleted profile", get(e, "/api/v1/payment-profiles/"+pid), 404, "resource_missing")

		// The credentials are nowhere in clear: not in any response, column or log line.
		dump := string(storetest.Dump(t, e.Store))
		for _, secret := range []string{stripeSecret, stripeWebhook, "sk_test_rotatedKey1111", "ProfileSecretKey", "profileWebhookSecret"} {
			if strings.Contains(dump, secret) || strings.Contains(e.Log.String(), secret) {
				t.Errorf("%s is stored or logged in clear", secret)
			}
		}
	})
}

// TestRoutingRules: the rules are checked before they replace the old ones, and a profile a rule names cannot be
// deleted.
func TestRoutingRules(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		if r := get(e, "/api/v1/routing-rules"); r.Status != 200 || len(r.JSON(t)["rules"].([]any)) != 0 || r.JSON(t)["updated_at"] != nil {
			t.Fatalf("no rules yet: %d %s", r.Status, r.Body)
		}
		second := post(e, "/api/v1/payment-profiles", `{"connector":"sandbox","name":"Backup","methods":["card"]}`).JSON(t)["id"].(string)
		put := func(body string) kassatest.Response {
			return e.Do(kassatest.Request{Method: "PUT", Path: "/api/v1/routing-rules", Body: body})
		}
		good := `{"rules":[{"methods":["card"],"currencies":["EUR"],"max_amount":5000,"profiles":["` + second + `","prof_sandbox"]},{"profiles":["prof_sandbox"]}]}`
		r := put(good)
		if r.Status != 200 || len(r.JSON(t)["rules"].([]any)) != 2 || r.JSON(t)["updated_at"] == nil {
			t.Fatalf("put: %d %s", r.Status, r.Body)
		}
		for _, tc := range []struct{ body, param string }{
			{`{"rules":[{"profiles":["prof_0000000000000000000000"]}]}`, "rules[0].profiles"},
			{`{"rules":[{"min_amount":10,"max_amount":5,"profiles":["prof_sandbox"]}]}`, "rules[0].max_amount"},
			{`{"rules":[{"profiles":["prof_sandbox"]},{"currencies":["USD"],"profiles":["` + second + `"]}]}`, "rules[1].profiles"},
			{`{"rules":[{"profiles":[]}]}`, "rules[0].profiles"},
		} {
			if r := put(tc.body); r.Status != 400 || r.Error(t)["code"] != "invalid_routing_rule" || r.Error(t)["param"] != tc.param {
				t.Errorf("%s: %d %s, want invalid_routing_rule naming %s", tc.body, r.Status, r.Body, tc.param)
			}
		}
		if r := get(e, "/api/v1/routing-rules"); len(r.JSON(t)["rules"].([]any)) != 2 {
			t.Errorf("a refused PUT changed the rules: %s", r.Body)
		}
		wantError(t, "delete a routed profile", e.Do(kassatest.Request{Method: "DELETE", Path: "/api/v1/payment-profiles/" + second}), 409, "profile_in_use")
		// Once no rule names it, the profile can go.
		if r := put(`{"rules":[]}`); r.Status != 200 {
			t.Fatalf("clear: %d %s", r.Status, r.Body)
		}
		if d := e.Do(kassatest.Request{Method: "DELETE", Path: "/api/v1/payment-profiles/" + second}); d.Status != 200 || d.JSON(t)["deleted"] != true {
			t.Errorf("delete after the rules let go: %d %s", d.Status, d.Body)
		}
	})
}

func toStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}
