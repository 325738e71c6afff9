package dashboard_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/dashboard"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webtest"
)

// cookieValue is the value of a Set-Cookie header.
func cookieValue(t *testing.T, setCookie string) string {
	t.Helper()
	c, err := http.ParseSetCookie(setCookie)
	if err != nil || c.Value == "" {
		t.Fatalf("Set-Cookie %q: %v", setCookie, err)
	}
	return c.Value
}

// withToken GETs a dashboard page with a session token set by hand (no cookie jar).
func withToken(t *testing.T, e *kassatest.Env, path, token string) webtest.Page {
	t.Helper()
	u := newDashUser(t, e)
	req, err := http.NewRequest(http.MethodGet, e.HTTP.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: "kassa_dashboard", Value: token})
	return u.do(req)
}

// TestDashboardSessionExpires: a session works until its lifetime ends and not after.
func TestDashboardSessionExpires(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, _ := webtest.Setup(t, b, kassatest.Options{})
		u := newDashUser(t, e)
		ok := u.post("/dashboard/login", url.Values{"email": {e.Merchant.DashboardEmail}, "password": {e.Merchant.DashboardPassword}})
		webtest.WantStatus(t, "sign in", ok, http.StatusSeeOther)
		token := cookieValue(t, ok.Header.Get("Set-Cookie"))
		e.Clock.Advance(gateway.DashboardSessionTTL - time.Minute)
		webtest.WantStatus(t, "a minute before the end", withToken(t, e, "/dashboard", token), http.StatusOK)
		e.Clock.Advance(time.Minute)
		expired := withToken(t, e, "/dashboard/payments", token)
		webtest.WantStatus(t, "at the end of the lifetime", expired, http.StatusSeeOther)
		if loc := expired.Header.Get("Location"); !strings.HasPrefix(loc, "/dashboard/login") {
			t.Errorf("expired session: Location %q", loc)
		}
	})
}

// TestDashboardCookieIsSecureUnderHTTPS: an instance whose base URL is https sets Secure on the session cookie.
func TestDashboardCookieIsSecureUnderHTTPS(t *testing.T) {
	t.Parallel()
	e, _ := webtest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	gw := gateway.New(e.Store, gateway.Options{Now: e.Clock.Now, BaseURL: "https://pay.shop.example"})
	mux := http.NewServeMux()
	dashboard.Mount(mux, dashboard.Options{Gateway: gw})
	form := url.Values{"email": {e.Merchant.DashboardEmail}, "password": {e.Merchant.DashboardPassword}}
	req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "http://pay.shop.example/dashboard/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign in: %d\n%s", rec.Code, rec.Body)
	}
	c, err := http.ParseSetCookie(rec.Header().Get("Set-Cookie"))
	if err != nil || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie under https: %+v %v", c, err)
	}
}
