package webtest

// The browser tests drive a real Chromium (Debian's chromium package, which .ci/run installs) through Kassa's pages:
// the page, its stylesheet and scripts, the form posts, the 303 redirects and the page's CSP as a browser enforces
// them. They run on SQLite only: the backends are covered by the HTTP-level tests, and one browser is enough here.

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// BrowserTimeout bounds each browser subtest; NavigationTimeout bounds the wait for the page a click leads to (a
// form the browser refuses to submit, for example a required field left empty, never navigates).
const (
	BrowserTimeout    = 60 * time.Second
	NavigationTimeout = 20 * time.Second
)

// StartBrowser starts headless Debian Chromium for one test (skipping the test when it is not installed) and
// closes it when the test and its parallel subtests are done.
func StartBrowser(t *testing.T) context.Context {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no chromium binary on PATH (CI=true: .ci/run installs it): %v", err)
		}
		t.Skipf("skipping the browser tests: no chromium binary on PATH (apt-get install chromium): %v", err)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	// Start the browser now, so that a browser that does not start fails once, with its output, and the tests'
	// timings do not include the start. The first run's context is the browser's, so it cannot carry a timeout.
	start := time.Now()
	watchdog := time.AfterFunc(BrowserTimeout, cancelAlloc)
	err = chromedp.Do(browserCtx)
	watchdog.Stop()
	if err != nil {
		t.Fatalf("start %s: %v", chromium, err)
	}
	t.Logf("chromium started in %v", time.Since(start).Round(time.Millisecond))
	return browserCtx
}

// Chrome is one subtest's browser tab, Kassa server and merchant site.
type Chrome struct {
	T       *testing.T
	Ctx     context.Context // the tab, with the subtest's timeout
	Env     *kassatest.Env
	Browser *Browser // scans the log and the kept pages for card numbers when the subtest ends
	Shop    *httptest.Server
}

// NewChrome opens a tab of the browser StartBrowser started, with a Kassa server on SQLite and a merchant's site
// whose /success and /cancel pages show "Thank you" and "Order canceled".
func NewChrome(t *testing.T, browserCtx context.Context) *Chrome {
	t.Helper()
	start := time.Now()
	t.Cleanup(func() { t.Logf("%s took %v", t.Name(), time.Since(start).Round(time.Millisecond)) })
	e, br := Setup(t, storetest.Backends()[0], kassatest.Options{})
	tabCtx, cancelTab := chromedp.NewContext(browserCtx)
	ctx, cancel := context.WithTimeout(tabCtx, BrowserTimeout)
	t.Cleanup(func() {
		cancel()
		cancelTab()
	})
	// The merchant's site: the pages success_url and cancel_url lead to.
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		heading := map[string]string{"/success": "Thank you", "/cancel": "Order canceled"}[r.URL.Path]
		if heading == "" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html lang="en"><title>Shop</title><h1 id="shop">`+heading+`</h1></html>`) //nolint:errcheck
	}))
	t.Cleanup(shop.Close)
	return &Chrome{T: t, Ctx: ctx, Env: e, Browser: br, Shop: shop}
}

// CreatedSession is what the session create answer tells the merchant.
type CreatedSession struct {
	ID            string `json:"id"`
	CheckoutURL   string `json:"checkout_url"`
	WebhookSecret string `json:"webhook_secret"`
}

// CreateSession creates a 125.00 USD session through the API, returning to the shop; webhookURL may be empty.
func (bt *Chrome) CreateSession(order, webhookURL string) CreatedSession {
	bt.T.Helper()
	body := map[string]any{
		"external_order_id": order, "amount": 12500, "currency": "USD", "description": "Order " + order,
		"success_url": bt.Shop.URL + "/success?session={CHECKOUT_SESSION_ID}", "cancel_url": bt.Shop.URL + "/cancel",
	}
	if webhookURL != "" {
		body["webhook_url"] = webhookURL
	}
	b, err := json.Marshal(body)
	if err != nil {
		bt.T.Fatal(err)
	}
	resp := bt.Env.Do(kassatest.Request{Method: "POST", Path: "/api/v1/checkout-sessions", Body: string(b),
		Headers: map[string]string{"Idempotency-Key": "browser-" + order}})
	if resp.Status != http.StatusCreated {
		bt.T.Fatalf("create session: %d %s", resp.Status, resp.Body)
	}
	var s CreatedSession
	if err := json.Unmarshal(resp.Body, &s); err != nil || s.ID == "" || s.CheckoutURL == "" {
		bt.T.Fatalf("create session: %v\n%s", err, resp.Body)
	}
	return s
}

// SuccessURL is the merchant's success page of a session, as the browser lands on it.
func (bt *Chrome) SuccessURL(id string) string { return bt.Shop.URL + "/success?session=" + id }

// CheckoutURL is the hosted page of a session.
func (bt *Chrome) CheckoutURL(s CreatedSession) string {
	return bt.Env.HTTP.URL + "/checkout/" + s.ID
}

// Do runs actions in the tab and fails the test on an error.
func (bt *Chrome) Do(steps ...chromedp.Action[chromedp.Void]) {
	bt.T.Helper()
	if err := chromedp.Do(bt.Ctx, steps...); err != nil {
		bt.T.Fatal(err)
	}
}

// Open loads the session's checkout_url and waits for the card form.
func (bt *Chrome) Open(s CreatedSession) {
	bt.T.Helper()
	if s.CheckoutURL != bt.CheckoutURL(s) {
		bt.T.Errorf("checkout_url %s, want %s", s.CheckoutURL, bt.CheckoutURL(s))
	}
	resp, err := chromedp.RunResponse(bt.Ctx, chromedp.Navigate(s.CheckoutURL))
	if err != nil {
		bt.T.Fatalf("open %s: %v", s.CheckoutURL, err)
	}
	if resp.Status != http.StatusOK {
		bt.T.Fatalf("open %s: status %d", s.CheckoutURL, resp.Status)
	}
	bt.Do(chromedp.WaitVisible(chromedp.CSS("button.pay")))
}

// TypeCard fills in the card form.
func (bt *Chrome) TypeCard(number, exp, cvv, name string) {
	bt.T.Helper()
	bt.Do(
		chromedp.SendKeys(chromedp.ID("number"), number),
		chromedp.SendKeys(chromedp.ID("exp"), exp),
		chromedp.SendKeys(chromedp.ID("cvv"), cvv),
		chromedp.SendKeys(chromedp.ID("name"), name),
	)
}

// Click clicks the element, waits for the page the click leads to, and returns that page's HTTP status (after
// redirects).
func (bt *Chrome) Click(css string) int {
	bt.T.Helper()
	ctx, cancel := context.WithTimeout(bt.Ctx, NavigationTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(css)))
	if err != nil {
		invalid, _ := chromedp.Run(bt.Ctx, chromedp.Evaluate[string](
			`Array.from(document.querySelectorAll("input:invalid")).map(e => e.id || e.name).join(", ")`))
		bt.T.Fatalf("click %s: %v (browser at %s; fields the browser finds invalid: %q)", css, err, bt.Location(), invalid)
	}
	return int(resp.Status)
}

// Pay clicks Pay and returns the status of the page it leads to.
func (bt *Chrome) Pay() int {
	bt.T.Helper()
	return bt.Click("button.pay")
}

// PayAndLandOn clicks Pay and checks that the browser followed the redirect to want.
func (bt *Chrome) PayAndLandOn(want string) {
	bt.T.Helper()
	status := bt.Pay()
	if loc := bt.Location(); loc != want {
		bt.T.Fatalf("after Pay the browser is at %s (status %d), want %s\npage: %s", loc, status, want, bt.Text("body"))
	}
	if status != http.StatusOK {
		bt.T.Errorf("the success page answered %d", status)
	}
}

// Location is the URL the tab is at.
func (bt *Chrome) Location() string {
	bt.T.Helper()
	loc, err := chromedp.Run(bt.Ctx, chromedp.Location())
	if err != nil {
		bt.T.Fatalf("location: %v", err)
	}
	return loc
}

// Text is the trimmed text of the element.
func (bt *Chrome) Text(css string) string {
	bt.T.Helper()
	s, err := chromedp.Run(bt.Ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		bt.T.Fatalf("text of %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

// Value is the value of the form field.
func (bt *Chrome) Value(css string) string {
	bt.T.Helper()
	s, err := chromedp.Run(bt.Ctx, chromedp.Value(chromedp.CSS(css)))
	if err != nil {
		bt.T.Fatalf("value of %s: %v", css, err)
	}
	return s
}

// EvalInt evaluates a JavaScript expression of an integer.
func (bt *Chrome) EvalInt(expr string) int64 {
	bt.T.Helper()
	n, err := chromedp.Run(bt.Ctx, chromedp.Evaluate[int64](expr))
	if err != nil {
		bt.T.Fatalf("%s: %v", expr, err)
	}
	return n
}

// ShopPage returns the heading of the merchant's page the browser is on.
func (bt *Chrome) ShopPage() string {
	bt.T.Helper()
	return bt.Text("#shop")
}

// KeepPageForScan adds the current page's HTML to what the card-number scan reads when the subtest ends.
func (bt *Chrome) KeepPageForScan() {
	bt.T.Helper()
	html, err := chromedp.Run(bt.Ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		bt.T.Fatalf("page HTML: %v", err)
	}
	bt.Browser.mu.Lock()
	bt.Browser.bodies = append(bt.Browser.bodies, html)
	bt.Browser.mu.Unlock()
}

// Navigate opens a path of the server and waits for the page.
func (bt *Chrome) Navigate(path string) {
	bt.T.Helper()
	resp, err := chromedp.RunResponse(bt.Ctx, chromedp.Navigate(bt.Env.HTTP.URL+path))
	if err != nil {
		bt.T.Fatalf("open %s: %v", path, err)
	}
	if resp.Status != http.StatusOK {
		bt.T.Fatalf("open %s: status %d", path, resp.Status)
	}
}
