package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webtest"
)

// TestDashboardPaymentProfiles: a merchant adds a processor account, sees it with its key's hint only, is told what
// is wrong with a bad one (and nothing is added), and disables one after confirming.
func TestDashboardPaymentProfiles(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, _ := webtest.Setup(t, b, kassatest.Options{})
		u := signInMerchant(t, e)
		page := u.get("/dashboard/profiles")
		webtest.WantStatus(t, "profiles page", page, http.StatusOK)
		webtest.WantContains(t, "profiles page", page, "prof_sandbox", "Add a profile")
		wantDashboardHeaders(t, "profiles page", page)

		const secret = "sk_test_51DashboardProfileKey4321"
		form := url.Values{"connector": {"stripe"}, "name": {"Stripe US"}, "methods": {"card"}, "currencies": {"usd, eur"},
			"secret_key": {secret}, "webhook_secret": {"whsec_dashboardSecret"}, "api_base_url": {"http://127.0.0.1:12111"},
			"hosted_page": {"on"}, "key": {formKeyOf(t, page)}}
		added := u.post("/dashboard/profiles", form)
		webtest.WantStatus(t, "add", added, http.StatusOK)
		webtest.WantContains(t, "add", added, `id="profile-added"`, "…4321", "USD, EUR", "Stripe US", "its own hosted page")
		if strings.Contains(added.Body, secret) || strings.Contains(added.Body, "whsec_dashboardSecret") {
			t.Fatal("the page shows the credentials")
		}
		// The same form sent twice adds one profile.
		webtest.WantStatus(t, "add again", u.post("/dashboard/profiles", form), http.StatusOK)
		ps, err := e.Gateway.ListPaymentProfiles(context.Background(), gateway.Auth{Merchant: e.Merchant.Merchant})
		if err != nil || len(ps) != 2 {
			t.Fatalf("profiles after two submits of one form: %d %v", len(ps), err)
		}
		id := ps[1].ID
		if !ps[1].HostedPage {
			t.Error("the hosted page box was ticked, the profile has no hosted page")
		}

		bad := url.Values{"connector": {"stripe"}, "name": {"Broken"}, "methods": {"card"}, "secret_key": {"not-a-key"}, "key": {formKeyOf(t, u.get("/dashboard/profiles"))}}
		refused := u.post("/dashboard/profiles", bad)
		webtest.WantStatus(t, "bad key", refused, http.StatusBadRequest)
		webtest.WantContains(t, "bad key", refused, `id="profile-error"`, "secret_key", `value="Broken"`)
		if strings.Contains(refused.Body, "not-a-key") {
			t.Error("the refused form echoes the secret key")
		}

		ask := u.post("/dashboard/profiles/"+id+"/disable", url.Values{})
		webtest.WantStatus(t, "disable asks first", ask, http.StatusOK)
		webtest.WantContains(t, "disable asks first", ask, "Disable payment profile "+id)
		done := u.post("/dashboard/profiles/"+id+"/disable", url.Values{"confirm": {"yes"}})
		webtest.WantStatus(t, "disable", done, http.StatusSeeOther)
		after := u.get("/dashboard/profiles")
		webtest.WantContains(t, "after disable", after, "/dashboard/profiles/"+id+"/enable")
		if p, err := e.Gateway.GetPaymentProfile(context.Background(), gateway.Auth{Merchant: e.Merchant.Merchant}, id); err != nil || p.Status != "disabled" {
			t.Errorf("after disable: %+v %v", p, err)
		}
		webtest.WantStatus(t, "the sandbox cannot be disabled", u.post("/dashboard/profiles/prof_sandbox/disable", url.Values{"confirm": {"yes"}}), http.StatusBadRequest)
	})
}
