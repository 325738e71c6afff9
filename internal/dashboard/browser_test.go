package dashboard_test

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
	"github.com/kassapay/kassa/internal/webtest"
)

// TestBrowserDashboard drives the dashboard in Chromium as a merchant would: sign in, find a payment, refund half
// of it, create a payment link and open it, create a webhook endpoint and send it a test delivery. Every page is
// also photographed at desktop and phone widths into a temporary folder (KASSA_SCREENSHOT_DIR when set; the
// paths are logged).
func TestBrowserDashboard(t *testing.T) {
	t.Parallel()
	browserCtx := webtest.StartBrowser(t)
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
		bt := webtest.NewChrome(t, ownCookies(t, browserCtx))
		rcv := kassatest.NewReceiver(t)
		s := bt.CreateSession("BROWSER-REFUND", rcv.URL)
		bt.Open(s)
		bt.TypeCard("4242 4242 4242 4242", "12 / 34", "123", "Jane Doe")
		bt.PayAndLandOn(bt.SuccessURL(s.ID))
		webtest.DeliverAll(t, bt.Env)

		dashSignIn(bt)
		shoot(bt, shots, "overview")
		bt.Navigate("/dashboard/payments")
		bt.Do(chromedp.SendKeys(chromedp.ID("f-order"), "BROWSER-REFUND"))
		bt.Click("form.filters button[type=submit]")
		shoot(bt, shots, "payments")
		bt.Click("table.list tbody a")
		if h := bt.Text("h1"); !strings.Contains(h, "$125.00") || !strings.Contains(h, "captured") {
			t.Fatalf("payment page heading %q", h)
		}
		shoot(bt, shots, "payment")
		bt.Do(chromedp.SendKeys(chromedp.ID("refund-amount"), "62.50"), chromedp.SendKeys(chromedp.ID("refund-reason"), "half"))
		bt.Click("#refund-button")
		if q := bt.Text("#confirm-question"); !strings.Contains(q, "Refund $62.50") {
			t.Fatalf("confirmation asks %q", q)
		}
		bt.Click("#confirm")
		if flash := bt.Text(".flash"); !strings.Contains(flash, "Refund requested") {
			t.Errorf("after the refund: flash %q", flash)
		}
		webtest.DeliverAll(t, bt.Env)
		bt.Navigate(strings.TrimPrefix(bt.Location(), bt.Env.HTTP.URL))
		refunds := bt.Text("#refunds")
		if !strings.Contains(refunds, "$62.50") || !strings.Contains(refunds, "succeeded") {
			t.Errorf("refunds table: %q", refunds)
		}
		if got := bt.Text("#refunded"); got != "$62.50" {
			t.Errorf("refunded: %q", got)
		}
		events := bt.Text("#events")
		i := strings.Index(events, "refund.succeeded")
		if i < 0 || !strings.Contains(events[i:], "delivered") {
			t.Errorf("the refund.succeeded event with a delivered delivery is not on the page:\n%s", events)
		}
		shoot(bt, shots, "payment-refunded")
		bt.Navigate("/dashboard/deliveries")
		shoot(bt, shots, "deliveries")
		bt.Click("#deliveries tbody a")
		shoot(bt, shots, "delivery")
	})

	t.Run("CreateAndOpenAPaymentLink", func(t *testing.T) {
		t.Parallel()
		bt := webtest.NewChrome(t, ownCookies(t, browserCtx))
		dashSignIn(bt)
		bt.Navigate("/dashboard/links")
		bt.Click("#new-link")
		shoot(bt, shots, "new-link")
		bt.Do(chromedp.SendKeys(chromedp.ID("l-amount"), "19.99"), chromedp.SendKeys(chromedp.ID("l-description"), "Gift card"),
			chromedp.SendKeys(chromedp.ID("l-email"), "buyer@example.com"), chromedp.SendKeys(chromedp.ID("l-return"), bt.Shop.URL+"/success"))
		bt.Click("#create-link")
		url := bt.Value("#session-url")
		if !strings.HasPrefix(url, bt.Env.HTTP.URL+"/pay/pl_") {
			t.Fatalf("the link page shows the URL %q", url)
		}
		if n := bt.EvalInt(`document.querySelector("img.qr").naturalWidth`); n == 0 {
			t.Error("the QR code image did not load")
		}
		shoot(bt, shots, "link")
		if status := bt.Click("#open-url"); status != http.StatusOK {
			t.Errorf("opening the link: %d", status)
		}
		if loc := bt.Location(); loc != url {
			t.Errorf("the link opened %s, want %s", loc, url)
		}
		if body := bt.Text("body"); !strings.Contains(body, "$19.99") || !strings.Contains(body, "Gift card") {
			t.Errorf("the payment page lacks the amount or description:\n%s", body)
		}
		bt.Navigate("/dashboard/links")
		shoot(bt, shots, "links")
	})

	t.Run("CreateAnEndpointAndSendATest", func(t *testing.T) {
		t.Parallel()
		bt := webtest.NewChrome(t, ownCookies(t, browserCtx))
		rcv := kassatest.NewReceiver(t)
		dashSignIn(bt)
		bt.Navigate("/dashboard/webhooks")
		bt.Do(chromedp.SendKeys(chromedp.ID("ep-url"), rcv.URL), chromedp.SendKeys(chromedp.ID("ep-desc"), "shop"))
		bt.Click("#create-endpoint")
		if secret := bt.Value("#new-secret"); !strings.HasPrefix(secret, "whsec_") {
			t.Fatalf("the new endpoint's secret is not shown: %q", secret)
		}
		shoot(bt, shots, "endpoint-created")
		bt.Click("#created-endpoint")
		bt.Click("#send-test")
		if flash := bt.Text(".flash"); !strings.Contains(flash, "Test delivery queued") {
			t.Errorf("after sending a test: %q", flash)
		}
		webtest.DeliverAll(t, bt.Env)
		bt.Navigate(strings.TrimPrefix(bt.Location(), bt.Env.HTTP.URL))
		if row := bt.Text("#deliveries tbody"); !strings.Contains(row, "test.ping") || !strings.Contains(row, "delivered") {
			t.Errorf("the endpoint's deliveries: %q", row)
		}
		if n := len(rcv.Requests()); n != 1 {
			t.Errorf("the receiver got %d requests, want 1", n)
		}
		shoot(bt, shots, "endpoint")
		bt.Navigate("/dashboard/developers")
		shoot(bt, shots, "developers")
		bt.Navigate("/dashboard/settings")
		shoot(bt, shots, "settings")
		bt.Navigate("/dashboard/login")
	})

	t.Run("KeyboardOnlySignIn", func(t *testing.T) {
		t.Parallel()
		bt := webtest.NewChrome(t, ownCookies(t, browserCtx))
		bt.Navigate("/dashboard/login")
		shoot(bt, shots, "login")
		// The email field has focus; Tab reaches the password, Enter submits.
		bt.Do(chromedp.KeyEvent(bt.Env.Merchant.DashboardEmail), chromedp.KeyEvent("\t"), chromedp.KeyEvent(bt.Env.Merchant.DashboardPassword))
		ctx, cancel := context.WithTimeout(bt.Ctx, webtest.NavigationTimeout)
		defer cancel()
		if _, err := chromedp.RunResponse(ctx, chromedp.KeyEvent("\r")); err != nil {
			t.Fatalf("submit with Enter: %v", err)
		}
		if loc := bt.Location(); loc != bt.Env.HTTP.URL+"/dashboard" {
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
func dashSignIn(bt *webtest.Chrome) {
	bt.T.Helper()
	bt.Navigate("/dashboard/login")
	bt.Do(chromedp.SendKeys(chromedp.ID("email"), bt.Env.Merchant.DashboardEmail),
		chromedp.SendKeys(chromedp.ID("password"), bt.Env.Merchant.DashboardPassword))
	bt.Click("#sign-in")
	if loc := bt.Location(); loc != bt.Env.HTTP.URL+"/dashboard" {
		bt.T.Fatalf("after signing in the browser is at %s: %s", loc, bt.Text("body"))
	}
}

// shoot photographs the current page at 1280 and 360 pixels wide and checks it does not scroll sideways.
func shoot(bt *webtest.Chrome, dir, name string) {
	bt.T.Helper()
	for _, vp := range []struct{ width, height int64 }{{1280, 900}, {360, 740}} {
		var opts []chromedp.EmulateViewportOption
		if vp.width < 600 {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
		}
		bt.Do(chromedp.EmulateViewport(vp.width, vp.height, opts...))
		if w := bt.EvalInt("document.documentElement.scrollWidth"); w > vp.width {
			bt.T.Errorf("%s at %d px wide scrolls sideways: scrollWidth %d", name, vp.width, w)
		}
		shot, err := chromedp.Run(bt.Ctx, chromedp.FullScreenshot(100))
		if err != nil {
			bt.T.Fatalf("screenshot of %s: %v", name, err)
		}
		if _, err := png.DecodeConfig(bytes.NewReader(shot)); err != nil {
			bt.T.Fatalf("screenshot of %s is not a PNG: %v", name, err)
		}
		path := filepath.Join(dir, fmt.Sprintf("dashboard-%s-%d.png", name, vp.width))
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			bt.T.Fatal(err)
		}
		bt.T.Logf("screenshot: %s", path)
	}
	bt.Do(chromedp.EmulateViewport(1280, 900))
}
