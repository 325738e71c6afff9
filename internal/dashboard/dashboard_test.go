package dashboard_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/dashboard"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webtest"
)

func TestDashboardSignInAndOut(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, _ := webtest.Setup(t, b, kassatest.Options{})
		u := newDashUser(t, e)
		p := u.get("/dashboard/payments?status=captured")
		webtest.WantStatus(t, "dashboard without a session", p, http.StatusSeeOther)
		if loc := p.Header.Get("Location"); loc != "/dashboard/login?next=%2Fdashboard%2Fpayments%3Fstatus%3Dcaptured" {
			t.Errorf("redirect to %q", loc)
		}
		login := u.get("/dashboard/login")
		webtest.WantStatus(t, "login page", login, http.StatusOK)
		wantDashboardHeaders(t, "login page", login)
		webtest.WantNoInlineCode(t, login)

		bad := u.post("/dashboard/login", url.Values{"email": {e.Merchant.DashboardEmail}, "password": {"wrong password"}})
		webtest.WantStatus(t, "wrong password", bad, http.StatusUnauthorized)
		webtest.WantContains(t, "wrong password", bad, "The email or password is not correct.")
		unknown := u.post("/dashboard/login", url.Values{"email": {"nobody@example.com"}, "password": {"wrong password"}})
		webtest.WantStatus(t, "unknown email", unknown, http.StatusUnauthorized)
		webtest.WantContains(t, "unknown email", unknown, "The email or password is not correct.")

		ok := u.post("/dashboard/login", url.Values{"email": {e.Merchant.DashboardEmail}, "password": {e.Merchant.DashboardPassword},
			"next": {"/dashboard/payments"}})
		webtest.WantStatus(t, "sign in", ok, http.StatusSeeOther)
		if loc := ok.Header.Get("Location"); loc != "/dashboard/payments" {
			t.Errorf("after sign-in: Location %q", loc)
		}
		cookie := ok.Header.Get("Set-Cookie")
		for _, attr := range []string{"kassa_dashboard=", "Path=/dashboard", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(cookie, attr) {
				t.Errorf("session cookie %q lacks %s", cookie, attr)
			}
		}
		if strings.Contains(cookie, "Secure") {
			t.Errorf("cookie on plain http has Secure: %q", cookie)
		}
		home := u.get("/dashboard")
		webtest.WantStatus(t, "overview", home, http.StatusOK)
		webtest.WantContains(t, "overview", home, "Acme Shop", e.Merchant.DashboardEmail, "Test mode")

		// An open redirect through next is not possible.
		u2 := newDashUser(t, e)
		p = u2.post("/dashboard/login", url.Values{"email": {e.Merchant.DashboardEmail}, "password": {e.Merchant.DashboardPassword},
			"next": {"//evil.example/dashboard"}})
		if loc := p.Header.Get("Location"); loc != "/dashboard" {
			t.Errorf("next=//evil.example: Location %q", loc)
		}

		// Only the SHA-256 of the token is stored.
		token := cookieValue(t, cookie)
		if _, err := e.Store.GetDashboardSession(context.Background(), token); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the session is stored under its token: %v", err)
		}
		sum := sha256.Sum256([]byte(token))
		if _, err := e.Store.GetDashboardSession(context.Background(), hex.EncodeToString(sum[:])); err != nil {
			t.Errorf("the session is not stored under its token's hash: %v", err)
		}

		out := u.post("/dashboard/logout", nil)
		webtest.WantStatus(t, "sign out", out, http.StatusSeeOther)
		webtest.WantStatus(t, "after sign-out", u.get("/dashboard"), http.StatusSeeOther)
		// The jar dropped the cookie; the old token itself must be dead too.
		replayed := withToken(t, e, "/dashboard", token)
		webtest.WantStatus(t, "the old token after sign-out", replayed, http.StatusSeeOther)
		if loc := replayed.Header.Get("Location"); !strings.HasPrefix(loc, "/dashboard/login") {
			t.Errorf("the old token after sign-out: Location %q", loc)
		}
		// The other browser's session is still valid.
		webtest.WantStatus(t, "other session", u2.get("/dashboard"), http.StatusOK)
	})
}

// TestDashboardServesItsStylesheetAndScript: the dashboard's own dashboard.css and dashboard.js, which its pages link
// to under /static/ next to the hosted pages' files, are served and cacheable by their versioned URL.
func TestDashboardServesItsStylesheetAndScript(t *testing.T) {
	t.Parallel()
	e, br := webtest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	login := newDashUser(t, e).get("/dashboard/login")
	webtest.WantContains(t, "login page", login, "/static/dashboard.css?v=", "/static/dashboard.js?v=")
	webtest.WantAssetsServed(t, br, login)
}

func TestDashboardLocksOutAfterRepeatedFailures(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, _ := webtest.Setup(t, b, kassatest.Options{})
		u := newDashUser(t, e)
		email := e.Merchant.DashboardEmail
		for i := 1; i < gateway.MaxLoginFailures; i++ {
			webtest.WantStatus(t, "failure", u.post("/dashboard/login", url.Values{"email": {email}, "password": {"nope-" + string(rune('a'+i))}}), http.StatusUnauthorized)
		}
		last := u.post("/dashboard/login", url.Values{"email": {strings.ToUpper(email)}, "password": {"nope"}})
		webtest.WantStatus(t, "fifth failure (other case)", last, http.StatusTooManyRequests)
		webtest.WantContains(t, "fifth failure", last, "Too many failed sign-ins")
		right := u.post("/dashboard/login", url.Values{"email": {email}, "password": {e.Merchant.DashboardPassword}})
		webtest.WantStatus(t, "right password while locked", right, http.StatusTooManyRequests)

		// Unknown emails lock the same way, so the lock-out tells nothing about which emails exist.
		for i := 0; i < gateway.MaxLoginFailures; i++ {
			u.post("/dashboard/login", url.Values{"email": {"ghost@example.com"}, "password": {"x"}})
		}
		webtest.WantStatus(t, "unknown email locked", u.post("/dashboard/login", url.Values{"email": {"ghost@example.com"}, "password": {"x"}}), http.StatusTooManyRequests)

		e.Clock.Advance(gateway.LoginLockout + time.Second)
		signInMerchant(t, e)

		// A reset lifts a lock too.
		for i := 0; i < gateway.MaxLoginFailures; i++ {
			u.post("/dashboard/login", url.Values{"email": {email}, "password": {"x"}})
		}
		if _, err := e.Gateway.ResetPassword(context.Background(), email, "a brand new password"); err != nil {
			t.Fatal(err)
		}
		signIn(t, e, email, "a brand new password")
		webtest.WantStatus(t, "old password after reset", newDashUser(t, e).post("/dashboard/login",
			url.Values{"email": {email}, "password": {e.Merchant.DashboardPassword}}), http.StatusUnauthorized)
	})
}

func TestDashboardPasswordResetEndsSessions(t *testing.T) {
	t.Parallel()
	e, _ := webtest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	u := signInMerchant(t, e)
	if _, err := e.Gateway.ResetPassword(context.Background(), e.Merchant.DashboardEmail, "short"); err == nil {
		t.Fatal("a 5-character password was accepted")
	}
	if _, err := e.Gateway.ResetPassword(context.Background(), e.Merchant.DashboardEmail, "another long password"); err != nil {
		t.Fatal(err)
	}
	webtest.WantStatus(t, "session after reset", u.get("/dashboard"), http.StatusSeeOther)
}

// TestDashboardPages opens every page and runs every merchant action once.
func TestDashboardPages(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		sid, pid := paidPayment(t, e, br, "DASH-1")
		rcv := kassatest.NewReceiver(t)
		u := signInMerchant(t, e)

		check := func(what, path string, subs ...string) webtest.Page {
			t.Helper()
			p := u.get(path)
			webtest.WantStatus(t, what, p, http.StatusOK)
			wantDashboardHeaders(t, what, p)
			webtest.WantNoInlineCode(t, p)
			webtest.WantContains(t, what, p, subs...)
			return p
		}
		check("overview", "/dashboard", "$125.00", "Recent payments", pid, "<svg")
		if p := u.get("/dashboard/"); p.Status != http.StatusMovedPermanently || p.Header.Get("Location") != "/dashboard" {
			t.Errorf("/dashboard/: %d %s", p.Status, p.Header.Get("Location"))
		}
		check("payments", "/dashboard/payments", pid, "$125.00")
		check("payments by order", "/dashboard/payments?order=DASH-1&last4=4242&email=jane%40example.com&status=captured&method=card", pid)
		if p := u.get("/dashboard/payments?order=OTHER"); strings.Contains(p.Body, pid) {
			t.Error("the order filter let another order's payment through")
		}
		if p := u.get("/dashboard/payments?amount_min=20000"); strings.Contains(p.Body, pid) {
			t.Error("amount_min=20000 listed a 12500 payment")
		}
		webtest.WantStatus(t, "bad filter", u.get("/dashboard/payments?last4=12&from=yesterday"), http.StatusBadRequest)
		detail := check("payment", "/dashboard/payments/"+pid, "Refund…", "payment.succeeded", sid, "sale")

		// Refund half, confirmed; the same form twice refunds once.
		key := formKeyOf(t, detail)
		form := url.Values{"amount": {"62.50"}, "reason": {"half"}, "key": {key}}
		confirm := u.post("/dashboard/payments/"+pid+"/refund", form)
		webtest.WantStatus(t, "refund confirmation", confirm, http.StatusOK)
		webtest.WantContains(t, "refund confirmation", confirm, "Refund $62.50 of payment "+pid)
		form.Set("confirm", "yes")
		for i := 0; i < 2; i++ {
			p := u.post("/dashboard/payments/"+pid+"/refund", form)
			webtest.WantStatus(t, "refund", p, http.StatusSeeOther)
		}
		refunds, err := e.Store.ListRefunds(context.Background(), store.RefundFilter{MerchantID: e.Merchant.Merchant.ID, PaymentID: pid, Page: store.Page{Limit: 10}})
		if err != nil || len(refunds) != 1 || refunds[0].Amount != 6250 {
			t.Fatalf("refunds after two submits of one form: %+v %v", refunds, err)
		}
		after := check("payment after refund", "/dashboard/payments/"+pid, refunds[0].ID, "$62.50", "refund.succeeded", "partially_refunded")
		// Over-refunding is refused with the use case's message.
		over := u.post("/dashboard/payments/"+pid+"/refund", url.Values{"amount": {"100"}, "key": {formKeyOf(t, after)}, "confirm": {"yes"}})
		webtest.WantStatus(t, "over-refund", over, http.StatusConflict)
		webtest.WantContains(t, "over-refund", over, "refundable balance is 6250")
		webtest.WantStatus(t, "bad amount", u.post("/dashboard/payments/"+pid+"/refund", url.Values{"amount": {"1.234"}, "confirm": {"yes"}}), http.StatusBadRequest)

		// Links and sessions.
		check("links", "/dashboard/links", "New payment link")
		check("sessions", "/dashboard/links?kind=session", sid)
		check("session", "/dashboard/links/"+sid, pid, "/checkout/"+sid)
		newLink := check("new link", "/dashboard/links/new", "Create link")
		lf := url.Values{"amount": {"19.99"}, "currency": {"EUR"}, "description": {"Gift card"}, "expiry": {"86400"},
			"email": {"buyer@example.com"}, "order": {"GIFT-1"}, "return_url": {"https://shop.example/thanks"}, "key": {formKeyOf(t, newLink)}}
		created := u.post("/dashboard/links", lf)
		webtest.WantStatus(t, "create link", created, http.StatusSeeOther)
		linkPath := created.Header.Get("Location")
		if !strings.HasPrefix(linkPath, "/dashboard/links/pl_") {
			t.Fatalf("create link redirected to %q", linkPath)
		}
		again := u.post("/dashboard/links", lf)
		if again.Header.Get("Location") != linkPath {
			t.Errorf("the same form twice made two links: %q and %q", linkPath, again.Header.Get("Location"))
		}
		lid := strings.TrimSuffix(strings.TrimPrefix(linkPath, "/dashboard/links/"), "?done=link")
		check("link", "/dashboard/links/"+lid, "€19.99", "/pay/"+lid, "/pay/"+lid+"/qr.svg", "Gift card")
		badLink := u.post("/dashboard/links", url.Values{"amount": {"19.999"}, "currency": {"EUR"}, "order": {"X"}, "return_url": {"https://shop.example/"}})
		webtest.WantStatus(t, "link with 3 decimals", badLink, http.StatusBadRequest)
		webtest.WantContains(t, "link with 3 decimals", badLink, "at most 2 decimals")
		badURL := u.post("/dashboard/links", url.Values{"amount": {"5"}, "currency": {"USD"}, "order": {"X"}, "return_url": {"ftp://x"}})
		webtest.WantStatus(t, "link with a bad return URL", badURL, http.StatusBadRequest)

		// Webhooks.
		check("webhooks", "/dashboard/webhooks", "Add an endpoint")
		ep := u.post("/dashboard/webhooks", url.Values{"url": {rcv.URL}, "description": {"shop"}, "events": {"*"}})
		webtest.WantStatus(t, "create endpoint", ep, http.StatusOK)
		webtest.WantContains(t, "create endpoint", ep, "whsec_", "only time")
		eps, err := e.Gateway.ListEndpoints(context.Background(), gateway.Auth{Merchant: e.Merchant.Merchant})
		if err != nil || len(eps) == 0 {
			t.Fatalf("endpoints: %v %v", eps, err)
		}
		var epID string
		for _, x := range eps {
			if x.URL == rcv.URL {
				epID = x.ID
			}
		}
		check("endpoint", "/dashboard/webhooks/"+epID, rcv.URL, "Send test")
		webtest.WantStatus(t, "test delivery", u.post("/dashboard/webhooks/"+epID+"/test", url.Values{"type": {"test.ping"}}), http.StatusSeeOther)
		ds, _, err := e.Gateway.ListDeliveries(context.Background(), gateway.Auth{Merchant: e.Merchant.Merchant}, store.DeliveryFilter{EndpointID: epID, Page: store.Page{Limit: 10}})
		if err != nil || len(ds) != 1 || ds[0].EventType != "test.ping" {
			t.Fatalf("deliveries after a test: %+v %v", ds, err)
		}
		if err := e.Gateway.AttemptDelivery(context.Background(), ds[0].ID); err != nil {
			t.Fatal(err)
		}
		check("deliveries", "/dashboard/deliveries?endpoint="+epID+"&status=delivered", ds[0].ID)
		check("delivery", "/dashboard/deliveries/"+ds[0].ID, "HTTP <span class=\"http-status\">200</span>", "test.ping", "Kassa-Event-Id")
		webtest.WantStatus(t, "redeliver", u.post("/dashboard/deliveries/"+ds[0].ID+"/retry", nil), http.StatusSeeOther)
		webtest.WantStatus(t, "edit endpoint", u.post("/dashboard/webhooks/"+epID, url.Values{"url": {rcv.URL}, "events": {"refund.succeeded", "payment.succeeded"}}), http.StatusSeeOther)
		check("endpoint after edit", "/dashboard/webhooks/"+epID, `value="refund.succeeded" checked`)
		rotate := u.post("/dashboard/webhooks/"+epID+"/rotate", url.Values{"grace_hours": {"24"}, "confirm": {"yes"}})
		webtest.WantStatus(t, "rotate", rotate, http.StatusOK)
		webtest.WantContains(t, "rotate", rotate, "New signing secret", "whsec_")
		webtest.WantStatus(t, "replay", u.post("/dashboard/webhooks/"+epID+"/replay", url.Values{"since": {"2026-11-01"}, "confirm": {"yes"}}), http.StatusSeeOther)
		webtest.WantStatus(t, "disable unconfirmed", u.post("/dashboard/webhooks/"+epID+"/disable", nil), http.StatusOK)
		webtest.WantStatus(t, "disable", u.post("/dashboard/webhooks/"+epID+"/disable", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
		check("overview with a disabled endpoint", "/dashboard", "Failing webhook endpoints", rcv.URL)
		webtest.WantStatus(t, "test to a disabled endpoint", u.post("/dashboard/webhooks/"+epID+"/test", nil), http.StatusConflict)
		webtest.WantStatus(t, "enable", u.post("/dashboard/webhooks/"+epID+"/enable", nil), http.StatusSeeOther)
		badEP := u.post("/dashboard/webhooks", url.Values{"url": {"not a url"}})
		webtest.WantStatus(t, "bad endpoint URL", badEP, http.StatusBadRequest)

		// Developers.
		dev := check("developers", "/dashboard/developers", "sk_test_…", "pk_test_…", "/docs", "Quick start")
		if strings.Contains(dev.Body, e.SecretKey) {
			t.Error("the developers page shows a stored secret key")
		}
		roll := u.post("/dashboard/developers/keys/roll", url.Values{"kind": {"secret"}, "grace_hours": {"24"}, "confirm": {"yes"}})
		webtest.WantStatus(t, "roll", roll, http.StatusOK)
		newKey := regexp.MustCompile(`sk_test_[0-9A-Za-z]{32}`).FindString(roll.Body)
		if newKey == "" {
			t.Fatalf("the new key is not shown:\n%s", roll.Body)
		}
		webtest.WantContains(t, "quick start after a roll", roll, "KASSA_SECRET_KEY="+newKey)
		if r := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/payments", Key: newKey}); r.Status != http.StatusOK {
			t.Errorf("the rolled key: %d", r.Status)
		}
		if r := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/payments"}); r.Status != http.StatusOK {
			t.Errorf("the old key within its grace period: %d", r.Status)
		}
		keys, _ := e.Gateway.ListKeys(context.Background(), e.Merchant.Merchant.ID)
		var pkID string
		for _, k := range keys {
			if k.Kind == "publishable" {
				pkID = k.ID
			}
		}
		webtest.WantStatus(t, "revoke", u.post("/dashboard/developers/keys/"+pkID+"/revoke", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
		if r := e.Do(kassatest.Request{Method: "GET", Path: "/api/public/merchant", Key: e.PublishableKey}); r.Status != http.StatusUnauthorized {
			t.Errorf("the revoked publishable key: %d", r.Status)
		}
		webtest.WantStatus(t, "origins", u.post("/dashboard/developers/origins", url.Values{"origins": {"https://shop.example\nhttps://Other.example:443/"}}), http.StatusSeeOther)
		m, _ := e.Gateway.GetMerchant(context.Background(), e.Merchant.Merchant.ID)
		if strings.Join(m.CheckoutAllowedOrigins, " ") != "https://shop.example https://other.example" {
			t.Errorf("origins saved as %v", m.CheckoutAllowedOrigins)
		}
		badOrigins := u.post("/dashboard/developers/origins", url.Values{"origins": {"https://shop.example/path"}})
		webtest.WantStatus(t, "bad origin", badOrigins, http.StatusBadRequest)

		// Settings: the time zone changes how times are shown; UTC stays on hover.
		check("settings", "/dashboard/settings", "Time zone", "UTC")
		webtest.WantStatus(t, "bad zone", u.post("/dashboard/settings", url.Values{"name": {"Acme Shop"}, "time_zone": {"Mars/Olympus"}}), http.StatusBadRequest)
		webtest.WantStatus(t, "bad color", u.post("/dashboard/settings", url.Values{"name": {"Acme Shop"}, "accent_color": {"red"}}), http.StatusBadRequest)
		webtest.WantStatus(t, "settings", u.post("/dashboard/settings", url.Values{"name": {"Acme Store"}, "time_zone": {"Asia/Kolkata"},
			"accent_color": {"#AA3300"}, "logo_url": {"https://cdn.shop.example/logo.png"}}), http.StatusSeeOther)
		// kassatest.Start is 12:00 UTC: 17:30 in India.
		check("payment in IST", "/dashboard/payments/"+pid, "2026-11-22 17:30 IST", `title="2026-11-22 12:00:00 UTC"`, "Acme Store")
		check("settings saved", "/dashboard/settings", "Asia/Kolkata", "#aa3300")
	})
}

// TestDashboardHidesOtherMerchants: another merchant's objects answer 404 to every page and action.
func TestDashboardHidesOtherMerchants(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		other, otherKey, _ := e.NewMerchant("Other Shop", "owner@other.example")
		sid, pid := paidPayment(t, e, br, "THEIRS-1", otherKey)
		lid := webtest.NewSession(t, e, "pl", "THEIRS-2", otherKey)
		rcv := kassatest.NewReceiver(t)
		auth := gateway.Auth{Merchant: other.Merchant}
		ep, _, err := e.Gateway.CreateEndpoint(context.Background(), auth, gateway.EndpointInput{URL: &rcv.URL})
		if err != nil {
			t.Fatal(err)
		}
		ds, err := e.Gateway.SendTestDeliveries(context.Background(), auth, []string{ep.ID}, "")
		if err != nil {
			t.Fatal(err)
		}
		keys, _ := e.Gateway.ListKeys(context.Background(), other.Merchant.ID)

		u := signInMerchant(t, e)
		for _, path := range []string{"/dashboard/payments/" + pid, "/dashboard/links/" + sid, "/dashboard/links/" + lid,
			"/dashboard/webhooks/" + ep.ID, "/dashboard/deliveries/" + ds[0].ID} {
			webtest.WantStatus(t, "GET "+path, u.get(path), http.StatusNotFound)
		}
		for path, form := range map[string]url.Values{
			"/dashboard/payments/" + pid + "/refund":               {"confirm": {"yes"}, "key": {"dash_cross1234"}},
			"/dashboard/webhooks/" + ep.ID:                         {"url": {rcv.URL}},
			"/dashboard/webhooks/" + ep.ID + "/disable":            {"confirm": {"yes"}},
			"/dashboard/webhooks/" + ep.ID + "/enable":             nil,
			"/dashboard/webhooks/" + ep.ID + "/rotate":             {"confirm": {"yes"}},
			"/dashboard/webhooks/" + ep.ID + "/test":               nil,
			"/dashboard/webhooks/" + ep.ID + "/replay":             {"since": {"2026-11-01"}, "confirm": {"yes"}},
			"/dashboard/deliveries/" + ds[0].ID + "/retry":         nil,
			"/dashboard/developers/keys/" + keys[0].ID + "/revoke": {"confirm": {"yes"}},
		} {
			webtest.WantStatus(t, "POST "+path, u.post(path, form), http.StatusNotFound)
		}
		webtest.WantStatus(t, "switch to another merchant", u.post("/dashboard/switch", url.Values{"merchant": {other.Merchant.ID}}), http.StatusNotFound)
		if p := u.get("/dashboard/payments"); strings.Contains(p.Body, pid) {
			t.Error("the payments list shows another merchant's payment")
		}
		refunds, _ := e.Store.ListRefunds(context.Background(), store.RefundFilter{MerchantID: other.Merchant.ID, PaymentID: pid, Page: store.Page{Limit: 10}})
		if len(refunds) != 0 {
			t.Errorf("a refund was made on another merchant's payment: %+v", refunds)
		}
		if k, _ := e.Gateway.ListKeys(context.Background(), other.Merchant.ID); k[0].RevokedAt != nil {
			t.Error("another merchant's key was revoked")
		}
	})
}

// TestDashboardRefusesCrossSitePosts: http.CrossOriginProtection guards every state change, sign-in included.
func TestDashboardRefusesCrossSitePosts(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		_, pid := paidPayment(t, e, br, "CSRF-1")
		u := signInMerchant(t, e)
		routes := dashboard.PostRoutes()
		if !slices.Contains(routes, "/dashboard/payments/{id}/refund") || !slices.Contains(routes, "/dashboard/login") || len(routes) < 17 {
			t.Fatalf("the dashboard's POST routes are not all listed: %v", routes)
		}
		for _, route := range routes {
			path := strings.ReplaceAll(route, "{id}", pid)
			form := url.Values{"confirm": {"yes"}, "key": {"dash_csrf12345"}, "kind": {"secret"}, "name": {"Evil"}, "origins": {"https://evil.example"}}
			p := u.postFrom(path, form, "cross-site", "https://evil.example")
			webtest.WantStatus(t, "cross-site POST "+path, p, http.StatusForbidden)
			webtest.WantContains(t, "cross-site POST "+path, p, "sent from another site")
			p = u.postFrom(path, form, "", "https://evil.example")
			webtest.WantStatus(t, "cross-origin POST without Sec-Fetch-Site "+path, p, http.StatusForbidden)
		}
		refunds, _ := e.Store.ListRefunds(context.Background(), store.RefundFilter{MerchantID: e.Merchant.Merchant.ID, PaymentID: pid, Page: store.Page{Limit: 10}})
		if len(refunds) != 0 {
			t.Errorf("a cross-site post refunded: %+v", refunds)
		}
		m, _ := e.Gateway.GetMerchant(context.Background(), e.Merchant.Merchant.ID)
		if m.Name != "Acme Shop" || len(m.CheckoutAllowedOrigins) != 0 {
			t.Errorf("a cross-site post changed the merchant: %+v", m)
		}
		webtest.WantStatus(t, "still signed in", u.get("/dashboard"), http.StatusOK)
	})
}

// TestDashboardOperator: an operator sees every merchant, may redeliver and disable endpoints, and nothing else.
func TestDashboardOperator(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		_, pid := paidPayment(t, e, br, "OP-1")
		rcv := kassatest.NewReceiver(t)
		auth := gateway.Auth{Merchant: e.Merchant.Merchant}
		ep, _, err := e.Gateway.CreateEndpoint(context.Background(), auth, gateway.EndpointInput{URL: &rcv.URL})
		if err != nil {
			t.Fatal(err)
		}
		ds, err := e.Gateway.SendTestDeliveries(context.Background(), auth, []string{ep.ID}, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Gateway.CreateOperator(context.Background(), "ops@kassa.example", "operator password 1"); err != nil {
			t.Fatal(err)
		}
		op := signIn(t, e, "ops@kassa.example", "operator password 1")
		home := op.get("/dashboard")
		webtest.WantStatus(t, "operator home", home, http.StatusOK)
		webtest.WantContains(t, "operator home", home, "Choose the merchant", "Acme Shop", e.Merchant.Merchant.ID, "operator")
		webtest.WantStatus(t, "operator payments before choosing", op.get("/dashboard/payments"), http.StatusSeeOther)
		webtest.WantStatus(t, "choose", op.post("/dashboard/switch", url.Values{"merchant": {e.Merchant.Merchant.ID}}), http.StatusSeeOther)
		p := op.get("/dashboard/payments/" + pid)
		webtest.WantStatus(t, "operator payment page", p, http.StatusOK)
		if strings.Contains(p.Body, "refund-form") {
			t.Error("the operator sees the refund form")
		}
		refused := op.post("/dashboard/payments/"+pid+"/refund", url.Values{"confirm": {"yes"}, "key": {"dash_operator1"}})
		webtest.WantStatus(t, "operator refund", refused, http.StatusForbidden)
		webtest.WantStatus(t, "operator creates a link", op.post("/dashboard/links", url.Values{"amount": {"1"}}), http.StatusForbidden)
		webtest.WantStatus(t, "operator rolls a key", op.post("/dashboard/developers/keys/roll", url.Values{"kind": {"secret"}, "confirm": {"yes"}}), http.StatusForbidden)
		webtest.WantStatus(t, "operator redelivers", op.post("/dashboard/deliveries/"+ds[0].ID+"/retry", nil), http.StatusSeeOther)
		webtest.WantStatus(t, "operator disables", op.post("/dashboard/webhooks/"+ep.ID+"/disable", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
		got, _ := e.Gateway.GetEndpoint(context.Background(), auth, ep.ID)
		if got.Status != "disabled" {
			t.Errorf("endpoint after the operator disabled it: %s", got.Status)
		}
		webtest.WantStatus(t, "operator enables", op.post("/dashboard/webhooks/"+ep.ID+"/enable", nil), http.StatusForbidden)
		refunds, _ := e.Store.ListRefunds(context.Background(), store.RefundFilter{MerchantID: e.Merchant.Merchant.ID, PaymentID: pid, Page: store.Page{Limit: 10}})
		if len(refunds) != 0 {
			t.Errorf("an operator refunded: %+v", refunds)
		}
		// Live mode needs a master key; this instance has none.
		webtest.WantStatus(t, "switch to live", op.post("/dashboard/switch", url.Values{"mode": {"live"}}), http.StatusForbidden)
	})
}

// TestDashboardOfAnInactiveMerchant: as on the API, a suspended merchant's users are refused (and may sign out).
func TestDashboardOfAnInactiveMerchant(t *testing.T) {
	t.Parallel()
	e, br := webtest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	_, pid := paidPayment(t, e, br, "INACTIVE-1")
	u := signInMerchant(t, e)
	inactive := merchant.StatusInactive
	if _, err := e.Gateway.UpdateMerchant(context.Background(), e.Merchant.Merchant.ID, gateway.MerchantPatch{Status: &inactive}); err != nil {
		t.Fatal(err)
	}
	webtest.WantStatus(t, "overview", u.get("/dashboard"), http.StatusForbidden)
	webtest.WantStatus(t, "refund", u.post("/dashboard/payments/"+pid+"/refund", url.Values{"confirm": {"yes"}, "key": {"dash_inactive1"}}), http.StatusForbidden)
	webtest.WantStatus(t, "sign out", u.post("/dashboard/logout", nil), http.StatusSeeOther)
}

// TestDashboardPaymentPaging: the list pages by cursor, newest first, keeping the filters.
func TestDashboardPaymentPaging(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, _ := webtest.Setup(t, b, kassatest.Options{})
		var ids []string
		for i := 0; i < 30; i++ {
			p := storetest.NewPayment(t, e.Store, e.Merchant.Merchant.ID, payment.StatusCaptured, int64(100+i), "JPY",
				kassatest.Start.Add(-time.Duration(30-i)*time.Minute), "PAGE", "pager@example.com", "1111")
			ids = append(ids, p.ID) // oldest first
		}
		u := signInMerchant(t, e)
		first := u.get("/dashboard/payments?email=pager%40example.com")
		webtest.WantStatus(t, "first page", first, http.StatusOK)
		webtest.WantContains(t, "first page", first, ids[29], ids[5], "¥129")
		if strings.Contains(first.Body, ids[4]) || strings.Contains(first.Body, "← Newest") {
			t.Errorf("the first page shows the 26th newest payment or a link to itself")
		}
		next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(first.Body)
		if next == nil {
			t.Fatalf("no link to older payments:\n%s", first.Body)
		}
		second := u.get(strings.ReplaceAll(next[1], "&amp;", "&"))
		webtest.WantStatus(t, "second page", second, http.StatusOK)
		webtest.WantContains(t, "second page", second, ids[4], ids[0], "← Newest", "email=pager%40example.com")
		if strings.Contains(second.Body, ids[5]) || strings.Contains(second.Body, `rel="next"`) {
			t.Errorf("the second page repeats a payment or offers a third page")
		}
	})
}

// TestDashboardModeSwitch: live mode shows live objects only, and test objects stay in test mode.
func TestDashboardModeSwitch(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{LiveMode: true})
		_, pid := paidPayment(t, e, br, "MODE-1")
		u := signInMerchant(t, e)
		webtest.WantContains(t, "test mode", u.get("/dashboard/payments"), pid, "Test mode")
		webtest.WantStatus(t, "switch to live", u.post("/dashboard/switch", url.Values{"mode": {"live"}}), http.StatusSeeOther)
		live := u.get("/dashboard/payments")
		webtest.WantStatus(t, "live payments", live, http.StatusOK)
		if strings.Contains(live.Body, pid) || strings.Contains(live.Body, "Test mode") {
			t.Errorf("live mode shows a test payment or the test banner:\n%s", live.Body)
		}
		webtest.WantStatus(t, "a test payment in live mode", u.get("/dashboard/payments/"+pid), http.StatusNotFound)
		if dev := u.get("/dashboard/developers"); strings.Contains(dev.Body, "sk_test_") || !strings.Contains(dev.Body, "live mode") {
			t.Errorf("the developers page in live mode lists test keys:\n%s", dev.Body)
		}
		// A session in one mode cannot revoke the other mode's keys.
		if _, err := e.Gateway.RollKey(context.Background(), e.Merchant.Merchant.ID, merchant.KeySecret, true, 0); err != nil {
			t.Fatal(err)
		}
		keys, err := e.Gateway.ListKeys(context.Background(), e.Merchant.Merchant.ID)
		if err != nil {
			t.Fatal(err)
		}
		var testKey, liveKey string
		for _, k := range keys {
			if k.Kind != merchant.KeySecret || k.RevokedAt != nil {
				continue
			}
			if k.Livemode {
				liveKey = k.ID
			} else {
				testKey = k.ID
			}
		}
		if testKey == "" || liveKey == "" {
			t.Fatalf("the merchant lacks a test or a live secret key: %+v", keys)
		}
		webtest.WantStatus(t, "revoke a test key in live mode", u.post("/dashboard/developers/keys/"+testKey+"/revoke", url.Values{"confirm": {"yes"}}), http.StatusNotFound)
		webtest.WantStatus(t, "switch to test", u.post("/dashboard/switch", url.Values{"mode": {"test"}}), http.StatusSeeOther)
		webtest.WantStatus(t, "revoke a live key in test mode", u.post("/dashboard/developers/keys/"+liveKey+"/revoke", url.Values{"confirm": {"yes"}}), http.StatusNotFound)
		keys, _ = e.Gateway.ListKeys(context.Background(), e.Merchant.Merchant.ID)
		for _, k := range keys {
			if (k.ID == testKey || k.ID == liveKey) && k.RevokedAt != nil {
				t.Errorf("key %s (live %t) was revoked from the other mode", k.ID, k.Livemode)
			}
		}
		webtest.WantStatus(t, "revoke a test key in test mode", u.post("/dashboard/developers/keys/"+testKey+"/revoke", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
		webtest.WantStatus(t, "switch to live again", u.post("/dashboard/switch", url.Values{"mode": {"live"}}), http.StatusSeeOther)
		webtest.WantStatus(t, "switch back", u.post("/dashboard/switch", url.Values{"mode": {"test"}}), http.StatusSeeOther)
		webtest.WantContains(t, "test mode again", u.get("/dashboard/payments"), pid)
	})
}
