package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/fraud"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webtest"
)

// fraudForm is the fraud form with the default settings and some changes.
func fraudForm(changes map[string]string) url.Values {
	s := fraud.DefaultSettings()
	f := url.Values{"review_threshold": {"40"}, "decline_threshold": {"70"}}
	for _, r := range fraud.Rules() {
		f.Set("weight_"+string(r), strconv.Itoa(s.Weights[r]))
	}
	for k, v := range changes {
		f.Set(k, v)
	}
	return f
}

// TestDashboardFraudSettings: thresholds and weights are saved through the API's rules (a bad value is refused with
// the field named), the blocklist lists, adds and removes entries of the session's mode, another merchant's entry
// is not found, and operators change nothing.
func TestDashboardFraudSettings(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, _ := webtest.Setup(t, b, kassatest.Options{})
		ctx := context.Background()
		a := gateway.Auth{Merchant: e.Merchant.Merchant}
		u := signInMerchant(t, e)
		page := u.get("/dashboard/settings")
		webtest.WantStatus(t, "settings", page, http.StatusOK)
		webtest.WantContains(t, "settings", page, `id="fraud-form"`, `name="weight_ip_velocity"`, `value="70"`, "The blocklist is empty.")

		webtest.WantStatus(t, "save fraud rules", u.post("/dashboard/settings/fraud", fraudForm(map[string]string{
			"review_threshold": "30", "decline_threshold": "80", "weight_email_velocity": "0"})), http.StatusSeeOther)
		s, err := e.Gateway.FraudSettings(ctx, a)
		if err != nil || s.ReviewThreshold != 30 || s.DeclineThreshold != 80 || s.Weights[fraud.RuleEmailVelocity] != 0 || s.Weights[fraud.RuleIPVelocity] != 40 {
			t.Fatalf("saved fraud settings: %+v %v", s, err)
		}
		webtest.WantContains(t, "saved", u.get("/dashboard/settings?done=fraud"), "Fraud settings saved.", `value="30"`, `value="80"`)
		for name, change := range map[string]map[string]string{
			"review above decline": {"review_threshold": "90", "decline_threshold": "80"},
			"threshold 0":          {"decline_threshold": "0"},
			"weight 101":           {"weight_card_velocity": "101"},
			"weight not a number":  {"weight_card_velocity": "lots"},
		} {
			p := u.post("/dashboard/settings/fraud", fraudForm(change))
			webtest.WantStatus(t, name, p, http.StatusBadRequest)
			webtest.WantContains(t, name, p, `id="fraud-error"`)
		}
		if s2, _ := e.Gateway.FraudSettings(ctx, a); s2.ReviewThreshold != 30 || s2.Weights[fraud.RuleCardVelocity] != s.Weights[fraud.RuleCardVelocity] {
			t.Errorf("a refused form changed the settings: %+v", s2)
		}

		webtest.WantStatus(t, "block an email", u.post("/dashboard/settings/blocklist", url.Values{"kind": {"email"}, "value": {"Fraudster@Example.com"}, "reason": {"chargebacks"}}), http.StatusSeeOther)
		webtest.WantStatus(t, "block a card number", u.post("/dashboard/settings/blocklist", url.Values{"kind": {"card_fingerprint"}, "value": {"4000000000000259"}}), http.StatusSeeOther)
		bad := u.post("/dashboard/settings/blocklist", url.Values{"kind": {"ip"}, "value": {"not an ip"}})
		webtest.WantStatus(t, "block a bad ip", bad, http.StatusBadRequest)
		webtest.WantContains(t, "block a bad ip", bad, `id="block-error"`, "not an ip")
		blocks, _, err := e.Gateway.ListBlocks(ctx, a, "", store.Page{Limit: 10})
		if err != nil || len(blocks) != 2 {
			t.Fatalf("blocklist: %+v %v", blocks, err)
		}
		list := u.get("/dashboard/settings")
		webtest.WantContains(t, "blocklist", list, "fraudster@example.com", "chargebacks", blocks[0].ID, blocks[1].ID)
		if strings.Contains(list.Body, "4000000000000259") {
			t.Error("the settings page shows a blocked card's number")
		}

		// Another merchant's entry is not found.
		other, _, _ := e.NewMerchant("Other Shop", "owner@other.example")
		theirs, _, err := e.Gateway.AddBlock(ctx, gateway.Auth{Merchant: other.Merchant}, gateway.BlockInput{Kind: "email", Value: "x@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		webtest.WantStatus(t, "remove another merchant's entry", u.post("/dashboard/settings/blocklist/"+theirs.ID+"/remove", url.Values{"confirm": {"yes"}}), http.StatusNotFound)

		remove := "/dashboard/settings/blocklist/" + blocks[0].ID + "/remove"
		webtest.WantContains(t, "remove confirmation", u.post(remove, nil), "Remove "+blocks[0].ID)
		webtest.WantStatus(t, "remove", u.post(remove, url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
		if left, _, _ := e.Gateway.ListBlocks(ctx, a, "", store.Page{Limit: 10}); len(left) != 1 || left[0].ID != blocks[1].ID {
			t.Errorf("blocklist after removing %s: %+v", blocks[0].ID, left)
		}

		// Operators see the settings and change nothing.
		if _, err := e.Gateway.CreateOperator(ctx, "ops@kassa.example", "operator password 1"); err != nil {
			t.Fatal(err)
		}
		op := signIn(t, e, "ops@kassa.example", "operator password 1")
		webtest.WantStatus(t, "choose", op.post("/dashboard/switch", url.Values{"merchant": {e.Merchant.Merchant.ID}}), http.StatusSeeOther)
		if p := op.get("/dashboard/settings"); p.Status != http.StatusOK || strings.Contains(p.Body, "save-fraud") || strings.Contains(p.Body, "add-block") {
			t.Errorf("the operator's settings page offers changes: %d", p.Status)
		}
		for path, form := range map[string]url.Values{
			"/dashboard/settings/fraud":                                 fraudForm(map[string]string{"review_threshold": "10"}),
			"/dashboard/settings/blocklist":                             {"kind": {"email"}, "value": {"op@example.com"}},
			"/dashboard/settings/blocklist/" + blocks[1].ID + "/remove": {"confirm": {"yes"}},
		} {
			webtest.WantStatus(t, "operator POST "+path, op.post(path, form), http.StatusForbidden)
		}
		if s3, _ := e.Gateway.FraudSettings(ctx, a); s3.ReviewThreshold != 30 {
			t.Errorf("an operator changed the thresholds: %+v", s3)
		}
		if left, _, _ := e.Gateway.ListBlocks(ctx, a, "", store.Page{Limit: 10}); len(left) != 1 {
			t.Errorf("an operator changed the blocklist: %+v", left)
		}
	})
}
