package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kassapay/kassa/clients/go/kassawebhook"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// The browser tests drive a real Chromium (Debian's chromium package, which .ci/run installs) through the hosted
// checkout page: the page, its stylesheet and checkout.js, the form posts, the 303 redirects and the page's CSP as a
// browser enforces them (form-action must let the browser follow the redirect to the merchant's site). They run on
// SQLite only: the backends are covered by the HTTP-level tests, and one browser is enough here.

// browserTimeout bounds each browser subtest; navigationTimeout bounds the wait for the page a click leads to (a
// form the browser refuses to submit, for example a required field left empty, never navigates).
const (
	browserTimeout    = 60 * time.Second
	navigationTimeout = 20 * time.Second
)

// TestBrowserCheckout shares one browser among its subtests; each subtest gets its own tab and its own server.
// startBrowser starts headless Debian Chromium for one test (skipping the test when it is not installed) and
// closes it when the test and its parallel subtests are done.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
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
	watchdog := time.AfterFunc(browserTimeout, cancelAlloc)
	err = chromedp.Do(browserCtx)
	watchdog.Stop()
	if err != nil {
		t.Fatalf("start %s: %v", chromium, err)
	}
	t.Logf("chromium started in %v", time.Since(start).Round(time.Millisecond))
	return browserCtx
}

func TestBrowserCheckout(t *testing.T) {
	t.Parallel()
	browserCtx := startBrowser(t)

	t.Run("PayWith4242", func(t *testing.T) {
		t.Parallel()
		bt := newBrowserTest(t, browserCtx)
		rcv := kassatest.NewReceiver(t)
		s := bt.createSession("BROWSER-PAY", rcv.URL)
		if !strings.HasPrefix(s.WebhookSecret, "whsec_") {
			t.Fatalf("session create returned webhook_secret %q", s.WebhookSecret)
		}
		bt.open(s)
		bt.typeCard("4242 4242 4242 4242", "12 / 34", "123", "Jane Doe")
		if hint := bt.text("#number-hint"); hint != "Visa" {
			t.Errorf("number hint after typing 4242…: %q, want %q (checkout.js brand detection)", hint, "Visa")
		}
		bt.payAndLandOn(bt.successURL(s.ID))
		if got := bt.shopPage(); got != "Thank you" {
			t.Errorf("success page heading %q", got)
		}
		if st := sessionStatus(t, bt.e, s.ID); st["status"] != "paid" {
			t.Errorf("session after paying in the browser: %v", st["status"])
		}

		// Deliver the webhook as the job would, then check what the merchant's receiver got.
		list := bt.br.api(kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries?event_type=payment.succeeded"})
		if list.Status != http.StatusOK {
			t.Fatalf("list deliveries: %d %s", list.Status, list.Body)
		}
		deliveries, _ := list.JSON(t)["data"].([]any)
		if len(deliveries) != 1 {
			t.Fatalf("%d payment.succeeded deliveries, want 1: %s", len(deliveries), list.Body)
		}
		deliveryID, _ := deliveries[0].(map[string]any)["id"].(string)
		if err := bt.e.Gateway.AttemptDelivery(context.Background(), deliveryID); err != nil {
			t.Fatalf("AttemptDelivery(%s): %v", deliveryID, err)
		}
		var got []kassawebhook.Event
		for _, req := range rcv.Requests() {
			if err := kassawebhook.Verify(s.WebhookSecret, req.Header.Get(kassawebhook.HeaderSignature), req.Body, bt.e.Clock.Now()); err != nil {
				t.Errorf("receiver got a delivery that does not verify: %v\n%s", err, req.Body)
				continue
			}
			ev, err := kassawebhook.ParseEvent(req.Body)
			if err != nil {
				t.Errorf("receiver got a verified body that is not an event: %v\n%s", err, req.Body)
				continue
			}
			got = append(got, ev)
		}
		if len(got) != 1 || got[0].Type != "payment.succeeded" {
			t.Fatalf("receiver got %d verified events %+v, want one payment.succeeded", len(got), got)
		}
		var data struct{ ID, Status string }
		if err := json.Unmarshal(got[0].Data, &data); err != nil || data.ID != s.ID || data.Status != "paid" {
			t.Errorf("payment.succeeded data: id %q status %q (%v), want %s paid", data.ID, data.Status, err, s.ID)
		}
	})

	t.Run("DeclineThenSuccess", func(t *testing.T) {
		t.Parallel()
		bt := newBrowserTest(t, browserCtx)
		s := bt.createSession("BROWSER-DECLINE", "")
		bt.open(s)
		bt.typeCard("4000 0000 0000 0002", "12 / 34", "123", "Jane Doe")
		status := bt.pay()
		if status != http.StatusPaymentRequired {
			t.Errorf("declined payment answered %d, want 402", status)
		}
		if loc := bt.location(); loc != bt.checkoutURL(s)+"/pay" {
			t.Errorf("after a decline the browser is at %s, want the page again at %s/pay", loc, bt.checkoutURL(s))
		}
		alert := bt.text("#alert")
		t.Logf("decline message: %q", alert)
		for _, want := range []string{"Your card was declined.", "Try another card", "4 attempts left"} {
			if !strings.Contains(alert, want) {
				t.Errorf("decline message %q lacks %q", alert, want)
			}
		}
		bt.keepPageForScan()
		// "Try another card": the page keeps the name but not the card number, CVV or the old card's expiry.
		for field, want := range map[string]string{"number": "", "cvv": "", "exp": "", "name": "Jane Doe"} {
			if got := bt.value("#" + field); got != want {
				t.Errorf("after the decline, %s = %q, want %q", field, got, want)
			}
		}
		bt.do(
			chromedp.SendKeys(chromedp.ID("number"), "4242 4242 4242 4242"),
			chromedp.SendKeys(chromedp.ID("exp"), "12 / 34"),
			chromedp.SendKeys(chromedp.ID("cvv"), "123"),
		)
		bt.payAndLandOn(bt.successURL(s.ID))
		if st := sessionStatus(t, bt.e, s.ID); st["status"] != "paid" || st["failed_attempts"] != float64(1) {
			t.Errorf("session: status %v, failed_attempts %v; want paid after 1 failed attempt", st["status"], st["failed_attempts"])
		}
	})

	t.Run("Cancel", func(t *testing.T) {
		t.Parallel()
		bt := newBrowserTest(t, browserCtx)
		s := bt.createSession("BROWSER-CANCEL", "")
		bt.open(s)
		if status := bt.click("button.cancel"); status != http.StatusOK {
			t.Errorf("the cancel page answered %d", status)
		}
		if loc, want := bt.location(), bt.shop.URL+"/cancel"; loc != want {
			t.Errorf("after Cancel the browser is at %s, want %s", loc, want)
		}
		if got := bt.shopPage(); got != "Order canceled" {
			t.Errorf("cancel page heading %q", got)
		}
		if st := sessionStatus(t, bt.e, s.ID); st["status"] != "canceled" {
			t.Errorf("session after Cancel: %v, want canceled", st["status"])
		}
	})

	t.Run("Screenshots", func(t *testing.T) {
		t.Parallel()
		bt := newBrowserTest(t, browserCtx)
		s := bt.createSession("BROWSER-SCREENSHOT", "")
		dir := filepath.Join(os.TempDir(), "kassa-screenshots")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, vp := range []struct{ width, height int64 }{{1280, 900}, {360, 740}} {
			var opts []chromedp.EmulateViewportOption
			if vp.width < 600 {
				// A phone: the page's meta viewport applies, as on a real device.
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
			}
			bt.do(chromedp.EmulateViewport(vp.width, vp.height, opts...))
			bt.open(s)
			scrollWidth := bt.evalInt("document.documentElement.scrollWidth")
			if scrollWidth > vp.width {
				t.Errorf("at %d px wide the page scrolls sideways: scrollWidth %d", vp.width, scrollWidth)
			}
			shot, err := chromedp.Run(bt.ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatalf("screenshot at %dx%d: %v", vp.width, vp.height, err)
			}
			cfg, err := png.DecodeConfig(bytes.NewReader(shot))
			if err != nil || len(shot) == 0 {
				t.Fatalf("screenshot at %dx%d is not a PNG (%d bytes): %v", vp.width, vp.height, len(shot), err)
			}
			if int64(cfg.Width) != vp.width || int64(cfg.Height) < vp.height {
				t.Errorf("screenshot at %dx%d is %dx%d", vp.width, vp.height, cfg.Width, cfg.Height)
			}
			path := filepath.Join(dir, fmt.Sprintf("checkout-%dx%d.png", vp.width, vp.height))
			if err := os.WriteFile(path, shot, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot %dx%d (page %dx%d, %d bytes): %s", vp.width, vp.height, cfg.Width, cfg.Height, len(shot), path)
		}
	})
}

// browserTest is one subtest's tab, Kassa server and merchant site.
type browserTest struct {
	t    *testing.T
	ctx  context.Context // the tab, with the subtest's timeout
	e    *kassatest.Env
	br   *browser // scans the log and the kept pages for card numbers when the subtest ends
	shop *httptest.Server
}

func newBrowserTest(t *testing.T, browserCtx context.Context) *browserTest {
	t.Helper()
	start := time.Now()
	t.Cleanup(func() { t.Logf("%s took %v", t.Name(), time.Since(start).Round(time.Millisecond)) })
	e, br := setup(t, storetest.Backends()[0], kassatest.Options{})
	tabCtx, cancelTab := chromedp.NewContext(browserCtx)
	ctx, cancel := context.WithTimeout(tabCtx, browserTimeout)
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
	return &browserTest{t: t, ctx: ctx, e: e, br: br, shop: shop}
}

// createdSession is what the session create answer tells the merchant.
type createdSession struct {
	ID            string `json:"id"`
	CheckoutURL   string `json:"checkout_url"`
	WebhookSecret string `json:"webhook_secret"`
}

// createSession creates a 125.00 USD session through the API, returning to the shop; webhookURL may be empty.
func (bt *browserTest) createSession(order, webhookURL string) createdSession {
	bt.t.Helper()
	body := map[string]any{
		"external_order_id": order, "amount": 12500, "currency": "USD", "description": "Order " + order,
		"success_url": bt.shop.URL + "/success?session={CHECKOUT_SESSION_ID}", "cancel_url": bt.shop.URL + "/cancel",
	}
	if webhookURL != "" {
		body["webhook_url"] = webhookURL
	}
	b, err := json.Marshal(body)
	if err != nil {
		bt.t.Fatal(err)
	}
	resp := bt.e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/checkout-sessions", Body: string(b),
		Headers: map[string]string{"Idempotency-Key": "browser-" + order}})
	if resp.Status != http.StatusCreated {
		bt.t.Fatalf("create session: %d %s", resp.Status, resp.Body)
	}
	var s createdSession
	if err := json.Unmarshal(resp.Body, &s); err != nil || s.ID == "" || s.CheckoutURL == "" {
		bt.t.Fatalf("create session: %v\n%s", err, resp.Body)
	}
	return s
}

func (bt *browserTest) successURL(id string) string { return bt.shop.URL + "/success?session=" + id }

func (bt *browserTest) checkoutURL(s createdSession) string {
	return bt.e.HTTP.URL + "/checkout/" + s.ID
}

// do runs actions in the tab and fails the test on an error.
func (bt *browserTest) do(steps ...chromedp.Action[chromedp.Void]) {
	bt.t.Helper()
	if err := chromedp.Do(bt.ctx, steps...); err != nil {
		bt.t.Fatal(err)
	}
}

// open loads the session's checkout_url and waits for the card form.
func (bt *browserTest) open(s createdSession) {
	bt.t.Helper()
	if s.CheckoutURL != bt.checkoutURL(s) {
		bt.t.Errorf("checkout_url %s, want %s", s.CheckoutURL, bt.checkoutURL(s))
	}
	resp, err := chromedp.RunResponse(bt.ctx, chromedp.Navigate(s.CheckoutURL))
	if err != nil {
		bt.t.Fatalf("open %s: %v", s.CheckoutURL, err)
	}
	if resp.Status != http.StatusOK {
		bt.t.Fatalf("open %s: status %d", s.CheckoutURL, resp.Status)
	}
	bt.do(chromedp.WaitVisible(chromedp.CSS("button.pay")))
}

func (bt *browserTest) typeCard(number, exp, cvv, name string) {
	bt.t.Helper()
	bt.do(
		chromedp.SendKeys(chromedp.ID("number"), number),
		chromedp.SendKeys(chromedp.ID("exp"), exp),
		chromedp.SendKeys(chromedp.ID("cvv"), cvv),
		chromedp.SendKeys(chromedp.ID("name"), name),
	)
}

// click clicks the element, waits for the page the click leads to, and returns that page's HTTP status (after
// redirects).
func (bt *browserTest) click(css string) int {
	bt.t.Helper()
	ctx, cancel := context.WithTimeout(bt.ctx, navigationTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(css)))
	if err != nil {
		invalid, _ := chromedp.Run(bt.ctx, chromedp.Evaluate[string](
			`Array.from(document.querySelectorAll("input:invalid")).map(e => e.id || e.name).join(", ")`))
		bt.t.Fatalf("click %s: %v (browser at %s; fields the browser finds invalid: %q)", css, err, bt.location(), invalid)
	}
	return int(resp.Status)
}

func (bt *browserTest) pay() int {
	bt.t.Helper()
	return bt.click("button.pay")
}

// payAndLandOn clicks Pay and checks that the browser followed the redirect to want.
func (bt *browserTest) payAndLandOn(want string) {
	bt.t.Helper()
	status := bt.pay()
	if loc := bt.location(); loc != want {
		bt.t.Fatalf("after Pay the browser is at %s (status %d), want %s\npage: %s", loc, status, want, bt.text("body"))
	}
	if status != http.StatusOK {
		bt.t.Errorf("the success page answered %d", status)
	}
}

func (bt *browserTest) location() string {
	bt.t.Helper()
	loc, err := chromedp.Run(bt.ctx, chromedp.Location())
	if err != nil {
		bt.t.Fatalf("location: %v", err)
	}
	return loc
}

func (bt *browserTest) text(css string) string {
	bt.t.Helper()
	s, err := chromedp.Run(bt.ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		bt.t.Fatalf("text of %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

func (bt *browserTest) value(css string) string {
	bt.t.Helper()
	s, err := chromedp.Run(bt.ctx, chromedp.Value(chromedp.CSS(css)))
	if err != nil {
		bt.t.Fatalf("value of %s: %v", css, err)
	}
	return s
}

func (bt *browserTest) evalInt(expr string) int64 {
	bt.t.Helper()
	n, err := chromedp.Run(bt.ctx, chromedp.Evaluate[int64](expr))
	if err != nil {
		bt.t.Fatalf("%s: %v", expr, err)
	}
	return n
}

// shopPage returns the heading of the merchant's page the browser is on.
func (bt *browserTest) shopPage() string {
	bt.t.Helper()
	return bt.text("#shop")
}

// keepPageForScan adds the current page's HTML to what the card-number scan reads when the subtest ends.
func (bt *browserTest) keepPageForScan() {
	bt.t.Helper()
	html, err := chromedp.Run(bt.ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		bt.t.Fatalf("page HTML: %v", err)
	}
	bt.br.mu.Lock()
	bt.br.bodies = append(bt.br.bodies, html)
	bt.br.mu.Unlock()
}
