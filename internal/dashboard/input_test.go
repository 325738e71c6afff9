package dashboard_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webtest"
)

// TestDashboardRefusesUnreadableInput: NUL bytes, invalid UTF-8, malformed escapes and cursors of the wrong kind in
// any dashboard query string, path or form (sign-in included) answer 400, never a server error.
func TestDashboardRefusesUnreadableInput(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, _ := webtest.Setup(t, b, kassatest.Options{})
		u := signInMerchant(t, e)
		for _, path := range []string{
			"/dashboard/payments?email=%00", "/dashboard/payments?order=%ff", "/dashboard/payments?last4=%00%00%00%00",
			"/dashboard/payments?after=%00", "/dashboard/payments?after=pl_0351zSMpybm3HO9oZaoMr9", "/dashboard/payments?email=%zz",
			"/dashboard/payments?%00=1", "/dashboard/payments/%00", "/dashboard/payments/pay_%ff",
			"/dashboard/links?status=%00", "/dashboard/links?after=%ff", "/dashboard/links?kind=session&after=pl_0351zSMpybm3HO9oZaoMr9",
			"/dashboard/links/%00", "/dashboard/deliveries?endpoint=%00", "/dashboard/deliveries?type=%ff",
			"/dashboard/deliveries?after=%00", "/dashboard/deliveries?after=evt_0351zSMpybm3HO9oZaoMr9", "/dashboard/webhooks/%00",
			"/dashboard?done=%00", "/dashboard/login?next=%00",
		} {
			if p := u.get(path); p.Status != http.StatusBadRequest {
				t.Errorf("GET %s: status %d, want 400\n%s", path, p.Status, p.Body)
			}
		}
		for _, tt := range []struct {
			path string
			form url.Values
		}{
			{"/dashboard/links", url.Values{"amount": {"10"}, "currency": {"USD"}, "description": {"a\x00b"}, "key": {"dash_nul12345"}}},
			{"/dashboard/links", url.Values{"amount": {"10"}, "currency": {"USD"}, "order": {"\xff"}, "key": {"dash_nul12346"}}},
			{"/dashboard/settings", url.Values{"name": {"Acme\x00"}, "time_zone": {"UTC"}}},
			{"/dashboard/webhooks", url.Values{"url": {"https://x.example/hook"}, "description": {"\x00"}}},
			{"/dashboard/developers/origins", url.Values{"origins": {"https://a.example\x00"}}},
			{"/dashboard/switch", url.Values{"merchant": {"mer_\x00"}}},
			{"/dashboard/webhooks?x=%00", nil},
			{"/dashboard/login", url.Values{"email": {"owner\x00@acme.example"}, "password": {"x"}}},
			{"/dashboard/login", url.Values{"email": {"\xff@acme.example"}, "password": {"x"}}},
			{"/dashboard/login", url.Values{"email": {e.Merchant.DashboardEmail}, "password": {"\x00"}}},
		} {
			if p := u.post(tt.path, tt.form); p.Status != http.StatusBadRequest {
				t.Errorf("POST %s %q: status %d, want 400\n%s", tt.path, tt.form.Encode(), p.Status, p.Body)
			}
		}
		webtest.WantStatus(t, "still signed in", u.get("/dashboard"), http.StatusOK)
	})
}

// TestDashboardPaymentFilterBounds: a date before 1970 bounds nothing older (it does not wrap to an empty list), and
// a maximum amount of 0 is a bound.
func TestDashboardPaymentFilterBounds(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, _ := webtest.Setup(t, b, kassatest.Options{})
		p := storetest.NewPayment(t, e.Store, e.Merchant.Merchant.ID, payment.StatusCaptured, 500, "USD", kassatest.Start, "BOUNDS", "b@example.com", "4242")
		u := signInMerchant(t, e)
		for path, shown := range map[string]bool{
			"/dashboard/payments?from=1969-12-31": true, "/dashboard/payments?from=0001-01-01&to=9999-12-31": true,
			"/dashboard/payments?to=1969-12-31": false, "/dashboard/payments?amount_max=0": false,
			"/dashboard/payments?amount_max=500": true, "/dashboard/payments?amount_min=0&amount_max=499": false,
		} {
			got := u.get(path)
			webtest.WantStatus(t, path, got, http.StatusOK)
			if strings.Contains(got.Body, p.ID) != shown {
				t.Errorf("GET %s shows the payment: %t, want %t", path, !shown, shown)
			}
		}
	})
}
