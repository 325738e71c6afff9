package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/fraud"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// as sends a request with another merchant's key.
func as(e *kassatest.Env, key, method, path, body string) kassatest.Response {
	return e.Do(kassatest.Request{Method: method, Path: path, Body: body, Key: key})
}

// charge authorizes amount with the card, email and client IP (empty ones left out).
func charge(e *kassatest.Env, key, number, email, ip string, amount int64) kassatest.Response {
	body := fmt.Sprintf(`{"amount":%d,"currency":"USD","card":{"number":"%s","exp_month":12,"exp_year":2030,"cvv":"123"}`, amount, number)
	if email != "" {
		body += `,"customer":{"email":"` + email + `"}`
	}
	if ip != "" {
		body += `,"client_ip":"` + ip + `"`
	}
	return as(e, key, "POST", "/api/v1/payments/authorize", body+"}")
}

// luhnCard returns a Luhn-valid 16-digit Visa-like number built from n.
func luhnCard(n int) string {
	base := fmt.Sprintf("424242%09d", n)
	sum := 0
	for i := 0; i < len(base); i++ {
		d := int(base[len(base)-1-i] - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return base + fmt.Sprint((10-sum%10)%10)
}

// reasonsOf returns a payment's fraud reasons as rule:points.
func reasonsOf(p map[string]any) []string {
	var out []string
	for _, r := range p["fraud_reasons"].([]any) {
		m := r.(map[string]any)
		out = append(out, fmt.Sprintf("%s:%v", m["rule"], m["points"]))
	}
	return out
}

// paymentOf is the payment of an authorize response, declined or not.
func paymentOf(t *testing.T, e *kassatest.Env, key string, r kassatest.Response) map[string]any {
	t.Helper()
	if r.Status == 200 {
		return r.JSON(t)
	}
	id, _ := r.Error(t)["payment_id"].(string)
	if id == "" {
		t.Fatalf("no payment: %d %s", r.Status, r.Body)
	}
	return as(e, key, "GET", "/api/v1/payments/"+id, "").JSON(t)
}

// TestFraudRulesInIsolation turns every rule but one off (weights are merchant settings), makes that rule's signal
// happen, and checks the score, decision and reason the payment shows.
func TestFraudRulesInIsolation(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		for _, tc := range []struct {
			rule fraud.Rule
			// earlier makes the signal with earlier attempts; last is the attempt under test.
			earlier func(key string)
			last    func(key string) kassatest.Response
			points  int
			message string
		}{
			{fraud.RuleCardVelocity, func(key string) {
				for i := range 3 {
					charge(e, key, "4242424242424242", fmt.Sprintf("c%d@example.com", i), "", 100)
				}
			}, func(key string) kassatest.Response {
				return charge(e, key, "4242424242424242", "last@example.com", "", 100)
			},
				30, "3 earlier attempts with this card in the last minute"},
			{fraud.RuleIPVelocity, func(key string) {
				for range 10 {
					charge(e, key, "4242424242424242", "", "203.0.113.7", 100)
				}
			}, func(key string) kassatest.Response { return charge(e, key, "5555555555554444", "", "203.0.113.7", 100) },
				40, "10 earlier attempts from this IP address in the last minute"},
			{fraud.RuleEmailVelocity, func(key string) {
				for i := range 3 {
					charge(e, key, luhnCard(i), "Same@Example.com", "", 100)
				}
			}, func(key string) kassatest.Response { return charge(e, key, luhnCard(9), "same@example.com", "", 100) },
				20, "3 earlier attempts with this email address in the last minute"},
			{fraud.RuleManyCardsPerIP, func(key string) {
				for i := range 4 {
					charge(e, key, luhnCard(i), "", "198.51.100.1", 100)
				}
			}, func(key string) kassatest.Response { return charge(e, key, luhnCard(4), "", "198.51.100.1", 100) },
				40, "5 different cards from this IP address in the last hour"},
			{fraud.RuleRepeatedDeclines, func(key string) {
				for range 5 {
					charge(e, key, "4000000000000002", "repeat@example.com", "", 100)
				}
			}, func(key string) kassatest.Response {
				return charge(e, key, "4242424242424242", "repeat@example.com", "", 100)
			},
				30, "5 declined attempts for this card, IP or email in the last 24 hours"},
			{fraud.RuleAmountOutlier, func(key string) {
				for i := range 10 {
					charge(e, key, luhnCard(i), "", "", 1000)
				}
			}, func(key string) kassatest.Response { return charge(e, key, luhnCard(20), "", "", 10000) },
				25, "amount is 10× the merchant's typical amount"},
			{fraud.RuleSandboxFraudCard, func(string) {},
				func(key string) kassatest.Response { return charge(e, key, "4000 0000 0000 0259", "", "", 100) },
				85, "test card that always scores as fraud"},
		} {
			_, key, _ := e.NewMerchant("Rule "+string(tc.rule), string(tc.rule)+"@shop.example")
			weights := map[string]int{}
			for _, r := range fraud.Rules() {
				weights[string(r)] = 0
			}
			weights[string(tc.rule)] = fraud.DefaultSettings().Weights[tc.rule]
			body := fmt.Sprintf(`{"fraud":{"weights":%s}}`, mustJSON(weights))
			if r := as(e, key, "PATCH", "/api/v1/merchant", body); r.Status != 200 {
				t.Fatalf("%s: settings: %d %s", tc.rule, r.Status, r.Body)
			}
			tc.earlier(key)
			r := tc.last(key)
			p := paymentOf(t, e, key, r)
			wantDecision := "approve"
			switch {
			case tc.points > 70:
				wantDecision = "decline"
			case tc.points >= 40:
				wantDecision = "review"
			}
			if diff := cmp.Diff([]string{fmt.Sprintf("%s:%d", tc.rule, tc.points)}, reasonsOf(p)); diff != "" {
				t.Errorf("%s: reasons (-want +got):\n%s", tc.rule, diff)
			}
			if p["fraud_score"] != float64(tc.points) || p["fraud_decision"] != wantDecision {
				t.Errorf("%s: score %v decision %v", tc.rule, p["fraud_score"], p["fraud_decision"])
			}
			if msg := p["fraud_reasons"].([]any)[0].(map[string]any)["message"]; msg != tc.message {
				t.Errorf("%s: message %q, want %q", tc.rule, msg, tc.message)
			}
			if wantDecision == "decline" {
				er := wantError(t, string(tc.rule), r, 402, "card_declined")
				if er["decline_code"] != "fraudulent" || p["status"] != "failed" || p["transaction_id"] != nil {
					t.Errorf("%s: fraud decline %v, payment %v (no provider call means no transaction)", tc.rule, er, pick(p, "status", "transaction_id"))
				}
			} else if r.Status != 200 || p["status"] != "authorized" {
				t.Errorf("%s: %d %v", tc.rule, r.Status, p["status"])
			}
		}
	})
}

func mustJSON(v any) string {
	var b strings.Builder
	b.WriteString("{")
	first := true
	for _, r := range fraud.Rules() {
		m := v.(map[string]int)
		if !first {
			b.WriteString(",")
		}
		first = false
		fmt.Fprintf(&b, "%q:%d", r, m[string(r)])
	}
	b.WriteString("}")
	return b.String()
}

// TestFraudThresholds: a score between the thresholds authorizes the payment flagged for review (visible in the
// payment and its event); lowering the decline threshold declines it; invalid settings are named and change nothing.
func TestFraudThresholds(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		got := get(e, "/api/v1/merchant").JSON(t)["fraud"].(map[string]any)
		if got["review_threshold"] != float64(40) || got["decline_threshold"] != float64(70) || got["weights"].(map[string]any)["blocklist"] != float64(100) {
			t.Errorf("default settings: %v", got)
		}
		for _, tc := range []struct{ body, param string }{
			{`{"fraud":{"decline_threshold":101}}`, "fraud.decline_threshold"},
			{`{"fraud":{"review_threshold":80}}`, "fraud.review_threshold"},
			{`{"fraud":{"weights":{"card_velocity":-1}}}`, "fraud.weights.card_velocity"},
			{`{"fraud":{"weights":{"shoe_size":10}}}`, "fraud.weights.shoe_size"},
			{`{"name":"Renamed","fraud":{"decline_threshold":0}}`, "fraud.decline_threshold"},
		} {
			r := e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Body: tc.body})
			if er := wantError(t, tc.body, r, 400, "parameter_invalid"); er["param"] != tc.param {
				t.Errorf("%s: param %v, want %s", tc.body, er["param"], tc.param)
			}
		}
		m := get(e, "/api/v1/merchant").JSON(t)
		if m["name"] != "Acme Shop" || m["fraud"].(map[string]any)["decline_threshold"] != float64(70) {
			t.Errorf("a rejected PATCH changed settings: %v %v", m["name"], m["fraud"])
		}
		// card_velocity weighs 50 (others off): after 3 attempts with one card the 4th scores 50 → review.
		weights := `{"blocklist":0,"sandbox_fraud_card":0,"card_velocity":50,"ip_velocity":0,"email_velocity":0,"many_cards_per_ip":0,"repeated_declines":0,"amount_outlier":0}`
		if r := e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Body: `{"fraud":{"weights":` + weights + `}}`}); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		for range 3 {
			charge(e, e.SecretKey, "4242424242424242", "", "", 100)
		}
		r := charge(e, e.SecretKey, "4242424242424242", "", "", 100)
		p := r.JSON(t)
		if r.Status != 200 || p["status"] != "authorized" || p["fraud_decision"] != "review" || p["fraud_score"] != float64(50) {
			t.Fatalf("review: %d %v", r.Status, pick(p, "status", "fraud_decision", "fraud_score"))
		}
		evs := get(e, "/api/v1/events?type=payment.authorized&object_id="+p["id"].(string)).JSON(t)["data"].([]any)
		if len(evs) != 1 || evs[0].(map[string]any)["data"].(map[string]any)["fraud_decision"] != "review" {
			t.Errorf("the payment.authorized event does not carry the review flag: %v", evs)
		}
		if r := e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Body: `{"fraud":{"review_threshold":30,"decline_threshold":45}}`}); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		er := wantError(t, "over the lowered threshold", charge(e, e.SecretKey, "4242424242424242", "", "", 100), 402, "card_declined")
		if er["decline_code"] != "fraudulent" || !strings.Contains(er["message"].(string), "score 50") {
			t.Errorf("fraud decline: %v", er)
		}
	})
}

// TestBlocklist manages the blocklist through the API and checks each kind blocks a payment before any provider
// call, on every front door.
func TestBlocklist(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		for _, tc := range []struct{ body, param string }{
			{`{"kind":"phone","value":"1"}`, "kind"},
			{`{"kind":"email","value":"not-an-email"}`, "value"},
			{`{"kind":"ip","value":"999.1.1.1"}`, "value"},
			{`{"kind":"bin","value":"42"}`, "value"},
			{`{"kind":"card_fingerprint","value":"abc"}`, "value"},
		} {
			wantError(t, tc.body, post(e, "/api/v1/blocklist", tc.body), 400, "parameter_invalid")
		}
		add := func(body string) map[string]any {
			r := post(e, "/api/v1/blocklist", body)
			if r.Status != 201 {
				t.Fatalf("%s: %d %s", body, r.Status, r.Body)
			}
			return r.JSON(t)
		}
		em := add(`{"kind":"email","value":" Mallory@Example.COM ","reason":"chargebacks"}`)
		card := add(`{"kind":"card_fingerprint","value":"4000 0000 0000 0002"}`)
		ip := add(`{"kind":"ip","value":"192.0.2.66"}`)
		bin := add(`{"kind":"bin","value":"555555"}`)
		if em["value"] != "mallory@example.com" || strings.Contains(string(mustMarshal(card)), "4000000000000002") || len(card["value"].(string)) != 64 {
			t.Errorf("canonical values: %v %v", em["value"], card["value"])
		}
		if again := post(e, "/api/v1/blocklist", `{"kind":"ip","value":"192.0.2.66"}`); again.Status != 200 || again.JSON(t)["id"] != ip["id"] {
			t.Errorf("blocking twice: %d %s", again.Status, again.Body)
		}
		if l := get(e, "/api/v1/blocklist?kind=ip").JSON(t)["data"].([]any); len(l) != 1 {
			t.Errorf("list by kind: %d", len(l))
		}
		for _, tc := range []struct {
			name string
			r    kassatest.Response
		}{
			{"email", charge(e, e.SecretKey, "4242424242424242", "mallory@example.com", "", 100)},
			{"card", charge(e, e.SecretKey, "4000000000000002", "", "", 100)},
			{"ip", charge(e, e.SecretKey, luhnCard(1), "", "192.0.2.66", 100)},
			{"bin", charge(e, e.SecretKey, "5555555555554444", "", "", 100)},
		} {
			er := wantError(t, tc.name, tc.r, 402, "card_declined")
			p := paymentOf(t, e, e.SecretKey, tc.r)
			if er["decline_code"] != "fraudulent" || p["fraud_score"] != float64(100) || reasonsOf(p)[0] != "blocklist:100" {
				t.Errorf("%s: %v %v", tc.name, er, reasonsOf(p))
			}
		}
		// The hosted checkout is scored too.
		ctx := context.Background()
		a, _ := e.Gateway.Authenticate(ctx, e.SecretKey)
		cs, err := e.Gateway.CreateSession(ctx, a, "session", gateway.SessionInput{ExternalOrderID: "ORD-B", Amount: 500,
			SuccessURL: "https://shop.example/ok", CancelURL: "https://shop.example/no"}, gateway.Idempotency{Key: "k-ord-b", Hash: "h"})
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.Gateway.PaySession(ctx, cs.Session.ID, gateway.CardInput{Number: "5555555555554444", ExpMonth: 1, ExpYear: 2031, CVV: "123"}, "", "", "")
		if err != nil || res.Session.Status != "failed" || res.Session.FailureCode != "fraudulent" || res.Payment.Fraud.Decision != "decline" {
			t.Errorf("hosted checkout with a blocked BIN: %v %+v %+v", err, res.Session.Status, res.Payment.Fraud)
		}
		// Removed, the BIN pays again.
		if r := e.Do(kassatest.Request{Method: "DELETE", Path: "/api/v1/blocklist/" + bin["id"].(string)}); r.Status != 200 || r.JSON(t)["deleted"] != true {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		wantError(t, "delete twice", e.Do(kassatest.Request{Method: "DELETE", Path: "/api/v1/blocklist/" + bin["id"].(string)}), 404, "resource_missing")
		if r := charge(e, e.SecretKey, "5555555555554444", "", "", 100); r.Status != 200 {
			t.Errorf("after removal: %d %s", r.Status, r.Body)
		}
	})
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
