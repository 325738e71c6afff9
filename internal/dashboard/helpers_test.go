package dashboard_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/webtest"
)

// dashUser is a browser signed in to the dashboard (a cookie jar), never following redirects.
type dashUser struct {
	t      *testing.T
	e      *kassatest.Env
	client *http.Client
}

func newDashUser(t *testing.T, e *kassatest.Env) *dashUser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &dashUser{t: t, e: e, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signIn signs in and fails the test unless it worked.
func signIn(t *testing.T, e *kassatest.Env, email, password string) *dashUser {
	t.Helper()
	u := newDashUser(t, e)
	p := u.post("/dashboard/login", url.Values{"email": {email}, "password": {password}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/dashboard" {
		t.Fatalf("sign in as %s: %d %s\n%s", email, p.Status, p.Header.Get("Location"), p.Body)
	}
	return u
}

// signInMerchant signs in as the Env's merchant user.
func signInMerchant(t *testing.T, e *kassatest.Env) *dashUser {
	t.Helper()
	return signIn(t, e, e.Merchant.DashboardEmail, e.Merchant.DashboardPassword)
}

func (u *dashUser) do(req *http.Request) webtest.Page {
	u.t.Helper()
	resp, err := u.client.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		u.t.Fatal(err)
	}
	return webtest.Page{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

func (u *dashUser) get(path string) webtest.Page {
	u.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u.e.HTTP.URL+path, nil)
	if err != nil {
		u.t.Fatal(err)
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return u.do(req)
}

// post submits a form from a dashboard page (same origin).
func (u *dashUser) post(path string, form url.Values) webtest.Page {
	u.t.Helper()
	return u.postFrom(path, form, "same-origin", u.e.HTTP.URL)
}

func (u *dashUser) postFrom(path string, form url.Values, fetchSite, origin string) webtest.Page {
	u.t.Helper()
	req, err := http.NewRequest(http.MethodPost, u.e.HTTP.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		u.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", origin)
	req.Header.Set("Sec-Fetch-Site", fetchSite)
	return u.do(req)
}

// paidPayment pays a new checkout session of 125.00 USD with the approved Visa card and returns the session and
// payment ids.
func paidPayment(t *testing.T, e *kassatest.Env, br *webtest.Browser, order string, key ...string) (string, string) {
	t.Helper()
	sid := webtest.NewSession(t, e, "cs", order, key...)
	p := br.Post("/checkout/"+sid+"/pay", webtest.Card(sandbox.CardVisa))
	if p.Status != http.StatusSeeOther {
		t.Fatalf("pay %s: %d\n%s", sid, p.Status, p.Body)
	}
	s, err := e.Store.GetCheckoutSessionByID(context.Background(), sid)
	if err != nil || s.PaymentID == "" {
		t.Fatalf("session %s after paying: %+v %v", sid, s, err)
	}
	return sid, s.PaymentID
}

var hiddenKey = regexp.MustCompile(`name="key" value="([^"]+)"`)

// formKeyOf returns the idempotency key a page's form carries.
func formKeyOf(t *testing.T, p webtest.Page) string {
	t.Helper()
	m := hiddenKey.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("the page has no form key:\n%s", p.Body)
	}
	return m[1]
}

// wantDashboardHeaders checks the headers every dashboard page sends.
func wantDashboardHeaders(t *testing.T, what string, p webtest.Page) {
	t.Helper()
	want := map[string]string{
		"Content-Type": "text/html; charset=utf-8", "X-Frame-Options": "DENY", "Cache-Control": "no-store",
		"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	}
	for k, v := range want {
		if got := p.Header.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
}
