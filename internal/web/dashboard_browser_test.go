package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kassapay/kassa/internal/kassatest"
)

// TestBrowserDashboard drives the dashboard in Chromium as a merchant would: sign in, find a payment, refund half
// of it, create a payment link and open it, create a webhook endpoint and send it a test delivery. Every page is
// also photographed at desktop and phone widths into a temporary folder (KASSA_SCREENSHOT_DIR when set; the
// paths are logged).
func TestBrowserDashboard(t *testing.T) {
	t.Parallel()
	browserCtx := startBrowser(t)
	shots := os.Getenv("KASSA_SCREENSHOT_DIR")
	var err error
	if shots == "" {
		if shots, err = os.MkdirTemp("", "kassa-dashboard-screenshots-"); err != nil {
			t.Fatal(err)
		}
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("dashboard screenshots go to %s", shots)

	t.Run("RefundHalfOfACheckoutPayment", func(t *testing.T) {
		t.Parallel()
		bt := newBrowserTest(t, ownCookies(t, browserCtx))
		rcv := kassatest.NewReceiver(t)
		s := bt.createSession("BROWSER-REFUND", rcv.URL)
		bt.open(s)
		bt.typeCard("4242 4242 4242 4242", "12 / 34", "123", "Jane Doe")
		bt.payAndLandOn(bt.successURL(s.ID))
		deliverAll(t, bt.e)

		dashSignIn(bt)
		bt.shoot(shots, "overview")
		bt.navigate("/dashboard/payments")
		bt.do(chromedp.SendKeys(chromedp.ID("f-order"), "BROWSER-REFUND"))
		bt.click("form.filters button[type=submit]")
		bt.shoot(shots, "payments")
		bt.click("table.list tbody a")
		if h := bt.text("h1"); !strings.Contains(h, "$125.00") || !strings.Contains(h, "captured") {
			t.Fatalf("payment page heading %q", h)
		}
		bt.shoot(shots, "payment")
		bt.do(chromedp.SendKeys(chromedp.ID("refund-amount"), "62.50"), chromedp.SendKeys(chromedp.ID("refund-reason"), "half"))
		bt.click("#refund-button")
		if q := bt.text("#confirm-question"); !strings.Contains(q, "Refund $62.50") {
			t.Fatalf("confirmation asks %q", q)
		}
		bt.click("#confirm")
		if flash := bt.text(".flash"); !strings.Contains(flash, "Refund requested") {
			t.Errorf("after the refund: flash %q", flash)
		}
		deliverAll(t, bt.e)
		bt.navigate(strings.TrimPrefix(bt.location(), bt.e.HTTP.URL))
		refunds := bt.text("#refunds")
		if !strings.Contains(refunds, "$62.50") || !strings.Contains(refunds, "succeeded") {
			t.Errorf("refunds table: %q", refunds)
		}
		if got := bt.text("#refunded"); got != "$62.50" {
			t.Errorf("refunded: %q", got)
		}
		events := bt.text("#events")
		i := strings.Index(events, "refund.succeeded")
		if i < 0 || !strings.Contains(events[i:], "delivered") {
			t.Errorf("the refund.succeeded event with a delivered delivery is not on the page:\n%s", events)
		}
		bt.shoot(shots, "payment-refunded")
		bt.navigate("/dashboard/deliveries")
		bt.shoot(shots, "deliveries")
		bt.click("#deliveries tbody a")
		bt.shoot(shots, "delivery")
	})

	t.Run("CreateAndOpenAPaymentLink", func(t *testing.T) {
		t.Parallel()
		bt := newBrowserTest(t, ownCookies(t, browserCtx))
		dashSignIn(bt)
		bt.navigate("/dashboard/links")
		bt.click("#new-link")
		bt.shoot(shots, "new-link")
		bt.do(chromedp.SendKeys(chromedp.ID("l-amount"), "19.99"), chromedp.SendKeys(chromedp.ID("l-description"), "Gift card"),
			chromedp.SendKeys(chromedp.ID("l-email"), "buyer@example.com"), chromedp.SendKeys(chromedp.ID("l-return"), bt.shop.URL+"/success"))
		bt.click("#create-link")
		url := bt.value("#session-url")
		if !strings.HasPrefix(url, bt.e.HTTP.URL+"/pay/pl_") {
			t.Fatalf("the link page shows the URL %q", url)
		}
		if n := bt.evalInt(`document.querySelector("img.qr").naturalWidth`); n == 0 {
			t.Error("the QR code image did not load")
		}
		bt.shoot(shots, "link")
		if status := bt.click("#open-url"); status != http.StatusOK {
			t.Errorf("opening the link: %d", status)
		}
		if loc := bt.location(); loc != url {
			t.Errorf("the link opened %s, want %s", loc, url)
		}
		if body := bt.text("body"); !strings.Contains(body, "$19.99") || !strings.Contains(body, "Gift card") {
			t.Errorf("the payment page lacks the amount or description:\n%s", body)
		}
		bt.navigate("/dashboard/links")
		bt.shoot(shots, "links")
	})

	t.Run("CreateAnEndpointAndSendATest", func(t *testing.T) {
		t.Parallel()
		bt := newBrowserTest(t, ownCookies(t, browserCtx))
		rcv := kassatest.NewReceiver(t)
		dashSignIn(bt)
		bt.navigate("/dashboard/webhooks")
		bt.do(chromedp.SendKeys(chromedp.ID("ep-url"), rcv.URL), chromedp.SendKeys(chromedp.ID("ep-desc"), "shop"))
		bt.click("#create-endpoint")
		if secret := bt.value("#new-secret"); !strings.HasPrefix(secret, "whsec_") {
			t.Fatalf("the new endpoint's secret is not shown: %q", secret)
		}
		bt.shoot(shots, "endpoint-created")
		bt.click("#created-endpoint")
		bt.click("#send-test")
		if flash := bt.text(".flash"); !strings.Contains(flash, "Test delivery queued") {
			t.Errorf("after sending a test: %q", flash)
		}
		deliverAll(t, bt.e)
		bt.navigate(strings.TrimPrefix(bt.location(), bt.e.HTTP.URL))
		if row := bt.text("#deliveries tbody"); !strings.Contains(row, "test.ping") || !strings.Contains(row, "delivered") {
			t.Errorf("the endpoint's deliveries: %q", row)
		}
		if n := len(rcv.Requests()); n != 1 {
			t.Errorf("the receiver got %d requests, want 1", n)
		}
		bt.shoot(shots, "endpoint")
		bt.navigate("/dashboard/developers")
		bt.shoot(shots, "developers")
		bt.navigate("/dashboard/settings")
		bt.shoot(shots, "settings")
		bt.navigate("/dashboard/login")
	})

	t.Run("KeyboardOnlySignIn", func(t *testing.T) {
		t.Parallel()
		bt := newBrowserTest(t, ownCookies(t, browserCtx))
		bt.navigate("/dashboard/login")
		bt.shoot(shots, "login")
		// The email field has focus; Tab reaches the password, Enter submits.
		bt.do(chromedp.KeyEvent(bt.e.Merchant.DashboardEmail), chromedp.KeyEvent("\t"), chromedp.KeyEvent(bt.e.Merchant.DashboardPassword))
		ctx, cancel := context.WithTimeout(bt.ctx, navigationTimeout)
		defer cancel()
		if _, err := chromedp.RunResponse(ctx, chromedp.KeyEvent("\r")); err != nil {
			t.Fatalf("submit with Enter: %v", err)
		}
		if loc := bt.location(); loc != bt.e.HTTP.URL+"/dashboard" {
			t.Errorf("after a keyboard sign-in the browser is at %s", loc)
		}
	})
}

// ownCookies returns a browser context with its own cookie jar: the subtests' servers all run on 127.0.0.1, and
// cookies do not tell ports apart, so in one jar the subtests would sign each other out.
func ownCookies(t *testing.T, browserCtx context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	return ctx
}

// dashSignIn signs in through the login form.
func dashSignIn(bt *browserTest) {
	bt.t.Helper()
	bt.navigate("/dashboard/login")
	bt.do(chromedp.SendKeys(chromedp.ID("email"), bt.e.Merchant.DashboardEmail),
		chromedp.SendKeys(chromedp.ID("password"), bt.e.Merchant.DashboardPassword))
	bt.click("#sign-in")
	if loc := bt.location(); loc != bt.e.HTTP.URL+"/dashboard" {
		bt.t.Fatalf("after signing in the browser is at %s: %s", loc, bt.text("body"))
	}
}

// navigate opens a path of the server and waits for the page.
func (bt *browserTest) navigate(path string) {
	bt.t.Helper()
	resp, err := chromedp.RunResponse(bt.ctx, chromedp.Navigate(bt.e.HTTP.URL+path))
	if err != nil {
		bt.t.Fatalf("open %s: %v", path, err)
	}
	if resp.Status != http.StatusOK {
		bt.t.Fatalf("open %s: status %d", path, resp.Status)
	}
}

// shoot photographs the current page at 1280 and 360 pixels wide and checks it does not scroll sideways.
func (bt *browserTest) shoot(dir, name string) {
	bt.t.Helper()
	for _, vp := range []struct{ width, height int64 }{{1280, 900}, {360, 740}} {
		var opts []chromedp.EmulateViewportOption
		if vp.width < 600 {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
		}
		bt.do(chromedp.EmulateViewport(vp.width, vp.height, opts...))
		if w := bt.evalInt("document.documentElement.scrollWidth"); w > vp.width {
			bt.t.Errorf("%s at %d px wide scrolls sideways: scrollWidth %d", name, vp.width, w)
		}
		shot, err := chromedp.Run(bt.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			bt.t.Fatalf("screenshot of %s: %v", name, err)
		}
		if _, err := png.DecodeConfig(bytes.NewReader(shot)); err != nil {
			bt.t.Fatalf("screenshot of %s is not a PNG: %v", name, err)
		}
		path := filepath.Join(dir, fmt.Sprintf("dashboard-%s-%d.png", name, vp.width))
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			bt.t.Fatal(err)
		}
		bt.t.Logf("screenshot: %s", path)
	}
	bt.do(chromedp.EmulateViewport(1280, 900))
}
