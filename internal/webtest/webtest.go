// Package webtest drives Kassa's HTML fronts in tests, for the hosted pages (package web) and the dashboard alike:
// a same-origin HTTP client that keeps every page it got and fails the test when a card number it submitted comes
// back in a page or the log (Browser), and a headless Chromium tab with the merchant's site next to it (Chrome).
package webtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// PANs are every card number a test here submits; none may come back in a page or reach the log.
var PANs = []string{
	sandbox.CardVisa, sandbox.CardMastercard, sandbox.CardAmex, sandbox.CardDiscover, sandbox.CardDecline,
	sandbox.CardInsufficientFunds, sandbox.CardExpired, sandbox.CardCVVMismatch, sandbox.CardProcessingError,
	sandbox.CardTimeout, sandbox.CardFraud, "4242424242424241",
}

// The success and cancel URLs of the sessions NewSession creates.
const (
	SuccessURL = "https://shop.example/orders/ok?s={CHECKOUT_SESSION_ID}"
	CancelURL  = "https://shop.example/orders/cancel"
)

// Browser talks to Kassa's pages as a same-origin browser would, never following redirects, and keeps every
// body it received for the card-number scan that runs when the test ends.
type Browser struct {
	t      *testing.T
	e      *kassatest.Env
	client *http.Client
	mu     sync.Mutex
	bodies []string
}

// Page is a response of a page.
type Page struct {
	Status int
	Header http.Header
	Body   string
}

// Setup starts a Kassa server (kassatest.Setup) and a Browser of it, whose card-number scan runs when the test ends.
func Setup(t *testing.T, b storetest.Backend, opts kassatest.Options) (*kassatest.Env, *Browser) {
	t.Helper()
	e := kassatest.Setup(t, b, opts)
	br := &Browser{t: t, e: e, client: &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	t.Cleanup(br.ScanForPANs)
	return e, br
}

// ScanForPANs fails the test if a submitted card number appears in a page or the log. Test-mode pages list the
// sandbox cards in groups of four ("4242 4242 4242 4242"), as printed on cards; an echo of what was typed would
// be the digits as submitted.
func (br *Browser) ScanForPANs() {
	br.mu.Lock()
	defer br.mu.Unlock()
	log := br.e.Log.String()
	for _, pan := range PANs {
		if strings.Contains(log, pan) {
			br.t.Errorf("the log contains the card number %s", pan)
		}
		for _, body := range br.bodies {
			if strings.Contains(body, pan) {
				br.t.Errorf("a response contains the card number %s:\n%s", pan, body)
				break
			}
		}
	}
}

// Do sends a request and reads the answer.
func (br *Browser) Do(req *http.Request) Page {
	br.t.Helper()
	resp, err := br.client.Do(req)
	if err != nil {
		br.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		br.t.Fatal(err)
	}
	br.mu.Lock()
	br.bodies = append(br.bodies, string(b))
	br.mu.Unlock()
	return Page{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// Get loads a page as a browser opening it does.
func (br *Browser) Get(path string) Page {
	br.t.Helper()
	req, err := http.NewRequest(http.MethodGet, br.e.HTTP.URL+path, nil)
	if err != nil {
		br.t.Fatal(err)
	}
	req.Header.Set("Sec-Fetch-Site", "none")
	return br.Do(req)
}

// Post submits a form from a page of the same origin.
func (br *Browser) Post(path string, form url.Values) Page {
	br.t.Helper()
	return br.PostFrom(path, form, "same-origin", br.e.HTTP.URL)
}

// PostFrom submits a form as a page of origin would, with the Sec-Fetch-Site header fetchSite ("" sends none).
func (br *Browser) PostFrom(path string, form url.Values, fetchSite, origin string) Page {
	br.t.Helper()
	req, err := http.NewRequest(http.MethodPost, br.e.HTTP.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		br.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", origin)
	req.Header.Set("Sec-Fetch-Site", fetchSite)
	return br.Do(req)
}

// API records an API response body for the scan too.
func (br *Browser) API(r kassatest.Request) kassatest.Response {
	br.t.Helper()
	resp := br.e.Do(r)
	br.mu.Lock()
	br.bodies = append(br.bodies, string(resp.Body))
	br.mu.Unlock()
	return resp
}

// NewSession creates a checkout session ("cs") or payment link ("pl") of 125.00 USD and returns its id.
func NewSession(t *testing.T, e *kassatest.Env, kind, order string, key ...string) string {
	t.Helper()
	path := "/api/v1/checkout-sessions"
	if kind == "pl" {
		path = "/api/v1/payment-links"
	}
	body := fmt.Sprintf(`{"external_order_id":%q,"amount":12500,"currency":"USD","description":"Order %s",`+
		`"customer_email":"buyer@example.com","success_url":%q,"cancel_url":%q}`, order, order, SuccessURL, CancelURL)
	r := kassatest.Request{Method: "POST", Path: path, Body: body, Headers: map[string]string{"Idempotency-Key": "key-" + order}}
	if len(key) > 0 {
		r.Key = key[0]
	}
	resp := e.Do(r)
	if resp.Status != http.StatusCreated {
		t.Fatalf("create %s: %d %s", kind, resp.Status, resp.Body)
	}
	return resp.JSON(t)["id"].(string)
}

// Card is a filled-in card form.
func Card(number string) url.Values {
	return url.Values{"number": {number}, "exp": {"12 / 34"}, "cvv": {"123"}, "name": {"Jane Doe"}, "email": {"jane@example.com"}}
}

// WantStatus stops the test unless the page answered status.
func WantStatus(t *testing.T, what string, p Page, status int) {
	t.Helper()
	if p.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, p.Status, status, p.Body)
	}
}

// WantContains fails the test for each of subs the page lacks.
func WantContains(t *testing.T, what string, p Page, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(p.Body, s) {
			t.Errorf("%s: the page lacks %q\n%s", what, s, p.Body)
		}
	}
}

var (
	scriptTag   = regexp.MustCompile(`(?i)<script[^>]*>`)
	inlineStyle = regexp.MustCompile(`(?i)<style|\sstyle=`)
	inlineEvent = regexp.MustCompile(`(?i)\son[a-z]+=`)
)

// WantNoInlineCode checks what the CSP would block anyway: script without src, style elements and attributes,
// event handler attributes.
func WantNoInlineCode(t *testing.T, p Page) {
	t.Helper()
	for _, tag := range scriptTag.FindAllString(p.Body, -1) {
		if !strings.Contains(tag, " src=") {
			t.Errorf("inline script: %s", tag)
		}
	}
	if inlineStyle.MatchString(p.Body) || inlineEvent.MatchString(p.Body) {
		t.Errorf("inline style or event handler in:\n%s", p.Body)
	}
}

// DeliverAll makes every due delivery's attempt, as the workers would.
func DeliverAll(t *testing.T, e *kassatest.Env) {
	t.Helper()
	body := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries?status=pending&limit=100"}).JSON(t)
	for _, d := range body["data"].([]any) {
		if err := e.Gateway.AttemptDelivery(context.Background(), d.(map[string]any)["id"].(string)); err != nil {
			t.Fatal(err)
		}
	}
}

// WantAssetsServed checks that the stylesheet and script a page links to are served, cacheable by their versioned
// URL.
func WantAssetsServed(t *testing.T, br *Browser, p Page) {
	t.Helper()
	for _, tc := range []struct{ re, contentType string }{
		{`<link rel="stylesheet" href="([^"]+)">`, "text/css; charset=utf-8"},
		{`<script src="([^"]+)"`, "text/javascript; charset=utf-8"},
	} {
		m := regexp.MustCompile(tc.re).FindStringSubmatch(p.Body)
		if m == nil {
			t.Fatalf("no %s in the page", tc.re)
		}
		href := strings.ReplaceAll(m[1], "&amp;", "&")
		a := br.Get(href)
		if a.Status != http.StatusOK || a.Header.Get("Content-Type") != tc.contentType ||
			a.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(a.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("GET %s: %d %v", href, a.Status, a.Header)
		}
	}
}
