package web_test

import (
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

// testPANs are every card number a test here submits; none may come back in a page or reach the log.
var testPANs = []string{
	sandbox.CardVisa, sandbox.CardMastercard, sandbox.CardAmex, sandbox.CardDiscover, sandbox.CardDecline,
	sandbox.CardInsufficientFunds, sandbox.CardExpired, sandbox.CardCVVMismatch, sandbox.CardProcessingError,
	sandbox.CardTimeout, sandbox.CardFraud, "4242424242424241",
}

const (
	successURL = "https://shop.example/orders/ok?s={CHECKOUT_SESSION_ID}"
	cancelURL  = "https://shop.example/orders/cancel"
	wantCSP    = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"form-action 'self' https://shop.example; frame-ancestors 'none'; base-uri 'none'"
)

// browser talks to the hosted pages as a same-origin browser would, never following redirects, and keeps every
// body it received for the card-number scan that runs when the test ends.
type browser struct {
	t      *testing.T
	e      *kassatest.Env
	client *http.Client
	mu     sync.Mutex
	bodies []string
}

// page is a response of a hosted page.
type page struct {
	Status int
	Header http.Header
	Body   string
}

func setup(t *testing.T, b storetest.Backend, opts kassatest.Options) (*kassatest.Env, *browser) {
	t.Helper()
	e := kassatest.Setup(t, b, opts)
	br := &browser{t: t, e: e, client: &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	t.Cleanup(br.scanForPANs)
	return e, br
}

// scanForPANs fails the test if a submitted card number appears in a page or the log. Test-mode pages list the
// sandbox cards in groups of four ("4242 4242 4242 4242"), as printed on cards; an echo of what was typed would
// be the digits as submitted.
func (br *browser) scanForPANs() {
	br.mu.Lock()
	defer br.mu.Unlock()
	log := br.e.Log.String()
	for _, pan := range testPANs {
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

func (br *browser) do(req *http.Request) page {
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
	return page{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

func (br *browser) get(path string) page {
	br.t.Helper()
	req, err := http.NewRequest(http.MethodGet, br.e.HTTP.URL+path, nil)
	if err != nil {
		br.t.Fatal(err)
	}
	req.Header.Set("Sec-Fetch-Site", "none")
	return br.do(req)
}

// post submits a form from a page of the same origin.
func (br *browser) post(path string, form url.Values) page {
	br.t.Helper()
	return br.postFrom(path, form, "same-origin", br.e.HTTP.URL)
}

func (br *browser) postFrom(path string, form url.Values, fetchSite, origin string) page {
	br.t.Helper()
	req, err := http.NewRequest(http.MethodPost, br.e.HTTP.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		br.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", origin)
	req.Header.Set("Sec-Fetch-Site", fetchSite)
	return br.do(req)
}

// api records an API response body for the scan too.
func (br *browser) api(r kassatest.Request) kassatest.Response {
	br.t.Helper()
	resp := br.e.Do(r)
	br.mu.Lock()
	br.bodies = append(br.bodies, string(resp.Body))
	br.mu.Unlock()
	return resp
}

// newSession creates a checkout session ("cs") or payment link ("pl") of 125.00 USD and returns its id.
func newSession(t *testing.T, e *kassatest.Env, kind, order string, key ...string) string {
	t.Helper()
	path := "/api/v1/checkout-sessions"
	if kind == "pl" {
		path = "/api/v1/payment-links"
	}
	body := fmt.Sprintf(`{"external_order_id":%q,"amount":12500,"currency":"USD","description":"Order %s",`+
		`"customer_email":"buyer@example.com","success_url":%q,"cancel_url":%q}`, order, order, successURL, cancelURL)
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

// card is a filled-in card form.
func card(number string) url.Values {
	return url.Values{"number": {number}, "exp": {"12 / 34"}, "cvv": {"123"}, "name": {"Jane Doe"}, "email": {"jane@example.com"}}
}

func withScenario(v url.Values, scenario string) url.Values {
	v.Set("scenario", scenario)
	return v
}

func sessionStatus(t *testing.T, e *kassatest.Env, id string) map[string]any {
	t.Helper()
	path := "/api/v1/checkout-sessions/" + id
	if strings.HasPrefix(id, "pl_") {
		path = "/api/v1/payment-links/" + id
	}
	resp := e.Do(kassatest.Request{Method: "GET", Path: path})
	if resp.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.Status, resp.Body)
	}
	return resp.JSON(t)
}

func eventCount(t *testing.T, br *browser, typ, objectID string) int {
	t.Helper()
	resp := br.api(kassatest.Request{Method: "GET", Path: "/api/v1/events?type=" + typ + "&object_id=" + objectID})
	if resp.Status != http.StatusOK {
		t.Fatalf("events: %d %s", resp.Status, resp.Body)
	}
	return len(resp.JSON(t)["data"].([]any))
}

func wantStatus(t *testing.T, what string, p page, status int) {
	t.Helper()
	if p.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, p.Status, status, p.Body)
	}
}

func wantContains(t *testing.T, what string, p page, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(p.Body, s) {
			t.Errorf("%s: the page lacks %q\n%s", what, s, p.Body)
		}
	}
}

// wantHostedHeaders checks DESIGN §9's headers; csp "" skips the exact policy.
func wantHostedHeaders(t *testing.T, what string, p page, csp string) {
	t.Helper()
	want := map[string]string{
		"Content-Type": "text/html; charset=utf-8", "Referrer-Policy": "no-referrer",
		"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
	}
	if csp != "" {
		want["Content-Security-Policy"] = csp
	}
	for k, v := range want {
		if got := p.Header.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
	if got := p.Header.Get("Content-Security-Policy"); !strings.HasPrefix(got, "default-src 'none'; script-src 'self'; style-src 'self';") {
		t.Errorf("%s: Content-Security-Policy = %q", what, got)
	}
}

var (
	scriptTag   = regexp.MustCompile(`(?i)<script[^>]*>`)
	inlineStyle = regexp.MustCompile(`(?i)<style|\sstyle=`)
	inlineEvent = regexp.MustCompile(`(?i)\son[a-z]+=`)
	inputTag    = regexp.MustCompile(`<input [^>]*>`)
	inputID     = regexp.MustCompile(`\sid="([^"]+)"`)
	numberInput = regexp.MustCompile(`<input id="number"[^>]*>`)
)

// wantNoInlineCode checks what the CSP would block anyway: script without src, style elements and attributes,
// event handler attributes.
func wantNoInlineCode(t *testing.T, p page) {
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
