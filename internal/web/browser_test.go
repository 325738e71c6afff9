package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kassapay/kassa/clients/go/kassawebhook"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/webtest"
)

// The browser tests drive a real Chromium (Debian's chromium package, which .ci/run installs) through the hosted
// checkout page: the page, its stylesheet and checkout.js, the form posts, the 303 redirects and the page's CSP as a
// browser enforces them (form-action must let the browser follow the redirect to the merchant's site). They run on
// SQLite only: the backends are covered by the HTTP-level tests, and one browser is enough here.

// TestBrowserCheckout shares one browser among its subtests; each subtest gets its own tab and its own server.
func TestBrowserCheckout(t *testing.T) {
	t.Parallel()
	browserCtx := webtest.StartBrowser(t)

	t.Run("PayWith4242", func(t *testing.T) {
		t.Parallel()
		bt := webtest.NewChrome(t, browserCtx)
		rcv := kassatest.NewReceiver(t)
		s := bt.CreateSession("BROWSER-PAY", rcv.URL)
		if !strings.HasPrefix(s.WebhookSecret, "whsec_") {
			t.Fatalf("session create returned webhook_secret %q", s.WebhookSecret)
		}
		bt.Open(s)
		bt.TypeCard("4242 4242 4242 4242", "12 / 34", "123", "Jane Doe")
		if hint := bt.Text("#number-hint"); hint != "Visa" {
			t.Errorf("number hint after typing 4242…: %q, want %q (checkout.js brand detection)", hint, "Visa")
		}
		bt.PayAndLandOn(bt.SuccessURL(s.ID))
		if got := bt.ShopPage(); got != "Thank you" {
			t.Errorf("success page heading %q", got)
		}
		if st := sessionStatus(t, bt.Env, s.ID); st["status"] != "paid" {
			t.Errorf("session after paying in the browser: %v", st["status"])
		}

		// Deliver the webhook as the job would, then check what the merchant's receiver got.
		list := bt.Browser.API(kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries?event_type=payment.succeeded"})
		if list.Status != http.StatusOK {
			t.Fatalf("list deliveries: %d %s", list.Status, list.Body)
		}
		deliveries, _ := list.JSON(t)["data"].([]any)
		if len(deliveries) != 1 {
			t.Fatalf("%d payment.succeeded deliveries, want 1: %s", len(deliveries), list.Body)
		}
		deliveryID, _ := deliveries[0].(map[string]any)["id"].(string)
		if err := bt.Env.Gateway.AttemptDelivery(context.Background(), deliveryID); err != nil {
			t.Fatalf("AttemptDelivery(%s): %v", deliveryID, err)
		}
		var got []kassawebhook.Event
		for _, req := range rcv.Requests() {
			if err := kassawebhook.Verify(s.WebhookSecret, req.Header.Get(kassawebhook.HeaderSignature), req.Body, bt.Env.Clock.Now()); err != nil {
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
		bt := webtest.NewChrome(t, browserCtx)
		s := bt.CreateSession("BROWSER-DECLINE", "")
		bt.Open(s)
		bt.TypeCard("4000 0000 0000 0002", "12 / 34", "123", "Jane Doe")
		status := bt.Pay()
		if status != http.StatusPaymentRequired {
			t.Errorf("declined payment answered %d, want 402", status)
		}
		if loc := bt.Location(); loc != bt.CheckoutURL(s)+"/pay" {
			t.Errorf("after a decline the browser is at %s, want the page again at %s/pay", loc, bt.CheckoutURL(s))
		}
		alert := bt.Text("#alert")
		t.Logf("decline message: %q", alert)
		for _, want := range []string{"Your card was declined.", "Try another card", "4 attempts left"} {
			if !strings.Contains(alert, want) {
				t.Errorf("decline message %q lacks %q", alert, want)
			}
		}
		bt.KeepPageForScan()
		// "Try another card": the page keeps the name but not the card number, CVV or the old card's expiry.
		for field, want := range map[string]string{"number": "", "cvv": "", "exp": "", "name": "Jane Doe"} {
			if got := bt.Value("#" + field); got != want {
				t.Errorf("after the decline, %s = %q, want %q", field, got, want)
			}
		}
		bt.Do(
			chromedp.SendKeys(chromedp.ID("number"), "4242 4242 4242 4242"),
			chromedp.SendKeys(chromedp.ID("exp"), "12 / 34"),
			chromedp.SendKeys(chromedp.ID("cvv"), "123"),
		)
		bt.PayAndLandOn(bt.SuccessURL(s.ID))
		if st := sessionStatus(t, bt.Env, s.ID); st["status"] != "paid" || st["failed_attempts"] != float64(1) {
			t.Errorf("session: status %v, failed_attempts %v; want paid after 1 failed attempt", st["status"], st["failed_attempts"])
		}
	})

	t.Run("Cancel", func(t *testing.T) {
		t.Parallel()
		bt := webtest.NewChrome(t, browserCtx)
		s := bt.CreateSession("BROWSER-CANCEL", "")
		bt.Open(s)
		if status := bt.Click("button.cancel"); status != http.StatusOK {
			t.Errorf("the cancel page answered %d", status)
		}
		if loc, want := bt.Location(), bt.Shop.URL+"/cancel"; loc != want {
			t.Errorf("after Cancel the browser is at %s, want %s", loc, want)
		}
		if got := bt.ShopPage(); got != "Order canceled" {
			t.Errorf("cancel page heading %q", got)
		}
		if st := sessionStatus(t, bt.Env, s.ID); st["status"] != "canceled" {
			t.Errorf("session after Cancel: %v, want canceled", st["status"])
		}
	})

	t.Run("Screenshots", func(t *testing.T) {
		t.Parallel()
		bt := webtest.NewChrome(t, browserCtx)
		s := bt.CreateSession("BROWSER-SCREENSHOT", "")
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
			bt.Do(chromedp.EmulateViewport(vp.width, vp.height, opts...))
			bt.Open(s)
			scrollWidth := bt.EvalInt("document.documentElement.scrollWidth")
			if scrollWidth > vp.width {
				t.Errorf("at %d px wide the page scrolls sideways: scrollWidth %d", vp.width, scrollWidth)
			}
			shot, err := chromedp.Run(bt.Ctx, chromedp.FullScreenshot(100))
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
