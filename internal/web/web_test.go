package web_test

import (
	"context"
	"fmt"
	stdpng "image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webtest"
	"rsc.io/qr"
)

func TestCheckoutPageShowsTheSessionInTestMode(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		id := webtest.NewSession(t, e, "cs", "ORDER-1")
		p := br.Get("/checkout/" + id)
		webtest.WantStatus(t, "GET", p, http.StatusOK)
		wantHostedHeaders(t, "GET", p, wantCSP)
		if p.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("X-Frame-Options = %q", p.Header.Get("X-Frame-Options"))
		}
		webtest.WantContains(t, "GET", p, "Acme Shop", "$125.00", "Order ORDER-1", "TEST MODE",
			`action="/checkout/`+id+`/pay"`, `action="/checkout/`+id+`/cancel"`, `value="buyer@example.com"`,
			"4242 4242 4242 4242", "4000 0000 0000 0002")
		for _, sc := range []string{"approve", "decline", "insufficient_funds", "expired_card", "provider_error", "timeout"} {
			webtest.WantContains(t, "GET", p, `name="scenario" value="`+sc+`"`)
		}
		if n := strings.Count(p.Body, `name="scenario"`); n != 7 {
			t.Errorf("%d scenario radios, want the six chips and the default", n)
		}
		webtest.WantContains(t, "GET", p, `name="scenario" value="" checked`)
		num := numberInput.FindString(p.Body)
		if !strings.Contains(num, `autocomplete="cc-number"`) || !strings.Contains(num, `inputmode="numeric"`) || strings.Contains(num, "value=") {
			t.Errorf("number input: %s", num)
		}
		webtest.WantNoInlineCode(t, p)
		// Every input has a label: by for=, or by an enclosing label (the chips).
		for _, tag := range inputTag.FindAllString(p.Body, -1) {
			m := inputID.FindStringSubmatch(tag)
			if m == nil {
				if !strings.Contains(tag, `type="radio"`) {
					t.Errorf("input without id or label: %s", tag)
				}
				continue
			}
			if !strings.Contains(p.Body, `<label for="`+m[1]+`">`) {
				t.Errorf("input %s has no label", m[1])
			}
		}
		webtest.WantAssetsServed(t, br, p)
	})
}

func TestPayWithApprovedCardRedirectsToSuccessURL(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		id := webtest.NewSession(t, e, "cs", "ORDER-2")
		p := br.Post("/checkout/"+id+"/pay", webtest.Card(sandbox.CardVisa))
		webtest.WantStatus(t, "pay", p, http.StatusSeeOther)
		if got, want := p.Header.Get("Location"), "https://shop.example/orders/ok?s="+id; got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
		if p.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("redirect Cache-Control = %q", p.Header.Get("Cache-Control"))
		}
		if s := sessionStatus(t, e, id); s["status"] != "paid" || s["payment_id"] == nil {
			t.Errorf("session after paying: %v", s)
		}
		if n := eventCount(t, br, "payment.succeeded", id); n != 1 {
			t.Errorf("%d payment.succeeded events, want 1", n)
		}
		after := br.Get("/checkout/" + id)
		webtest.WantStatus(t, "GET after paying", after, http.StatusOK)
		webtest.WantContains(t, "GET after paying", after, "Payment received", `href="https://shop.example/orders/ok?s=`+id+`"`)
		if strings.Contains(after.Body, `name="number"`) {
			t.Error("a paid session still shows the card form")
		}
		// Paying again is refused with the paid page.
		again := br.Post("/checkout/"+id+"/pay", webtest.Card(sandbox.CardVisa))
		webtest.WantStatus(t, "pay again", again, http.StatusConflict)
		webtest.WantContains(t, "pay again", again, "Payment received")
	})
}

func TestDeclineShowsMessageAndAllowsAnotherTry(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		id := webtest.NewSession(t, e, "cs", "ORDER-3")
		p := br.Post("/checkout/"+id+"/pay", webtest.Card(sandbox.CardDecline))
		webtest.WantStatus(t, "declined", p, http.StatusPaymentRequired)
		webtest.WantContains(t, "declined", p, `role="alert"`, "Your card was declined.", "Try another card", "4 attempts left",
			`value="Jane Doe"`, `value="jane@example.com"`)
		wantHostedHeaders(t, "declined", p, wantCSP)
		if num := numberInput.FindString(p.Body); strings.Contains(num, "value=") || !strings.Contains(num, "autofocus") {
			t.Errorf("number input after a decline: %s", num)
		}
		// A fresh load remembers the decline.
		webtest.WantContains(t, "reload", br.Get("/checkout/"+id), "Your last attempt did not go through", "4 attempts left")
		ok := br.Post("/checkout/"+id+"/pay", webtest.Card(sandbox.CardVisa))
		webtest.WantStatus(t, "second try", ok, http.StatusSeeOther)
		if s := sessionStatus(t, e, id); s["status"] != "paid" || s["failed_attempts"] != float64(1) {
			t.Errorf("session: status %v, failed_attempts %v", s["status"], s["failed_attempts"])
		}
	})
}

func TestScenarioChipsForceTheOutcome(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		// Six attempts in one minute with one card, email and IP, four of them declined, are what the fraud rules
		// decline; this test is about the chips, so the merchant turns declines by score off.
		if r := e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Body: `{"fraud":{"review_threshold":100,"decline_threshold":100}}`}); r.Status != http.StatusOK {
			t.Fatalf("fraud settings: %d %s", r.Status, r.Body)
		}
		for _, tc := range []struct {
			scenario, card string
			status         int
			want           string
		}{
			{"approve", sandbox.CardDecline, http.StatusSeeOther, ""},
			{"decline", sandbox.CardVisa, http.StatusPaymentRequired, "Your card was declined. Try another card."},
			{"insufficient_funds", sandbox.CardVisa, http.StatusPaymentRequired, "Your card was declined: insufficient funds. Try another card."},
			{"expired_card", sandbox.CardVisa, http.StatusPaymentRequired, "Your card was declined: the card has expired."},
			{"provider_error", sandbox.CardVisa, http.StatusPaymentRequired, "could not process the payment"},
			{"timeout", sandbox.CardVisa, http.StatusAccepted, "confirming your payment"},
		} {
			id := webtest.NewSession(t, e, "cs", "ORDER-4-"+tc.scenario)
			p := br.Post("/checkout/"+id+"/pay", withScenario(webtest.Card(tc.card), tc.scenario))
			webtest.WantStatus(t, tc.scenario, p, tc.status)
			webtest.WantContains(t, tc.scenario, p, tc.want)
			switch tc.status {
			case http.StatusPaymentRequired:
				webtest.WantContains(t, tc.scenario, p, "4 attempts left", `name="scenario" value="`+tc.scenario+`" checked`)
			case http.StatusAccepted:
				refresh := `<meta http-equiv="refresh" content="3; url=/checkout/` + id + `">`
				webtest.WantContains(t, tc.scenario, p, refresh)
				if strings.Contains(p.Body, `name="number"`) {
					t.Error("the pending page shows the card form")
				}
				// Until the provider answers, the page keeps confirming, and another payment or a cancel is refused.
				again := br.Get("/checkout/" + id)
				webtest.WantStatus(t, "pending GET", again, http.StatusOK)
				webtest.WantContains(t, "pending GET", again, refresh)
				webtest.WantStatus(t, "pending pay", br.Post("/checkout/"+id+"/pay", webtest.Card(sandbox.CardVisa)), http.StatusConflict)
				webtest.WantStatus(t, "pending cancel", br.Post("/checkout/"+id+"/cancel", nil), http.StatusConflict)
			}
		}
	})
}

func TestFiveDeclinesLockTheSession(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		id := webtest.NewSession(t, e, "cs", "ORDER-5")
		for i := 1; i <= 4; i++ {
			p := br.Post("/checkout/"+id+"/pay", webtest.Card(sandbox.CardInsufficientFunds))
			webtest.WantStatus(t, fmt.Sprint("decline ", i), p, http.StatusPaymentRequired)
			want := fmt.Sprintf("%d attempts left", 5-i)
			if i == 4 {
				want = "1 attempt left"
			}
			webtest.WantContains(t, fmt.Sprint("decline ", i), p, want)
		}
		fifth := br.Post("/checkout/"+id+"/pay", webtest.Card(sandbox.CardInsufficientFunds))
		webtest.WantStatus(t, "decline 5", fifth, http.StatusPaymentRequired)
		webtest.WantContains(t, "decline 5", fifth, "Too many declined attempts", "insufficient funds", `href="`+webtest.CancelURL+`"`)
		locked := br.Get("/checkout/" + id)
		webtest.WantStatus(t, "GET locked", locked, http.StatusOK)
		webtest.WantContains(t, "GET locked", locked, "Too many declined attempts")
		if strings.Contains(locked.Body, `name="number"`) {
			t.Error("a locked session still shows the card form")
		}
		sixth := br.Post("/checkout/"+id+"/pay", webtest.Card(sandbox.CardVisa))
		webtest.WantStatus(t, "pay locked", sixth, http.StatusGone)
		webtest.WantContains(t, "pay locked", sixth, "Too many declined attempts")
		if s := sessionStatus(t, e, id); s["status"] != "failed" || s["failed_attempts"] != float64(5) {
			t.Errorf("session: status %v, failed_attempts %v", s["status"], s["failed_attempts"])
		}
	})
}

func TestInvalidCardFieldsAreShownNextToTheField(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		id := webtest.NewSession(t, e, "cs", "ORDER-6")
		for _, tc := range []struct {
			name  string
			form  url.Values
			field string
			want  string
		}{
			{"bad check digit", webtest.Card("4242424242424241"), "number", "This card number is not valid."},
			{"expired", func() url.Values { v := webtest.Card(sandbox.CardVisa); v.Set("exp", "01/25"); return v }(), "exp", "This card has expired."},
			{"month 13", func() url.Values { v := webtest.Card(sandbox.CardVisa); v.Set("exp", "13/30"); return v }(), "exp", "Enter the expiry date as MM / YY"},
			{"unreadable expiry", func() url.Values { v := webtest.Card(sandbox.CardVisa); v.Set("exp", "soon"); return v }(), "exp", "Enter the expiry date as MM / YY"},
			{"short CVV", func() url.Values { v := webtest.Card(sandbox.CardVisa); v.Set("cvv", "12"); return v }(), "cvv", "Enter the 3-digit security code"},
			{"Amex CVV", func() url.Values { v := webtest.Card(sandbox.CardAmex); v.Set("cvv", "123"); return v }(), "cvv", "Enter the 4-digit security code"},
			{"email", func() url.Values { v := webtest.Card(sandbox.CardVisa); v.Set("email", "not an email"); return v }(), "email", "Enter an email address"},
			{"NUL in name", func() url.Values { v := webtest.Card(sandbox.CardVisa); v.Set("name", "Jane\x00Doe"); return v }(), "name", "Enter the name as it is printed"},
		} {
			p := br.Post("/checkout/"+id+"/pay", tc.form)
			webtest.WantStatus(t, tc.name, p, http.StatusBadRequest)
			wantHostedHeaders(t, tc.name, p, wantCSP)
			webtest.WantContains(t, tc.name, p, `<p class="error" id="`+tc.field+`-error">`+tc.want, `<li><a href="#`+tc.field+`">`)
			input := regexp.MustCompile(`<input id="` + tc.field + `"[^>]*>`).FindString(p.Body)
			if !strings.Contains(input, `aria-invalid="true"`) || !regexp.MustCompile(`aria-describedby="[^"]*`+tc.field+`-error"`).MatchString(input) ||
				!strings.Contains(input, "autofocus") {
				t.Errorf("%s: the %s input is not linked to its error: %s", tc.name, tc.field, input)
			}
			if num := numberInput.FindString(p.Body); strings.Contains(num, "value=") {
				t.Errorf("%s: the number comes back: %s", tc.name, num)
			}
			if strings.Contains(p.Body, `value="123"`) {
				t.Errorf("%s: the CVV comes back", tc.name)
			}
			if tc.field != "name" {
				webtest.WantContains(t, tc.name, p, `value="Jane Doe"`)
			}
		}
		// Invalid input costs no attempt.
		if s := sessionStatus(t, e, id); s["status"] != "created" || s["failed_attempts"] != float64(0) {
			t.Errorf("session: status %v, failed_attempts %v", s["status"], s["failed_attempts"])
		}
	})
}

func TestCancelRedirectsToCancelURL(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		id := webtest.NewSession(t, e, "cs", "ORDER-7")
		p := br.Post("/checkout/"+id+"/cancel", nil)
		webtest.WantStatus(t, "cancel", p, http.StatusSeeOther)
		if got := p.Header.Get("Location"); got != webtest.CancelURL {
			t.Errorf("Location = %q, want %q", got, webtest.CancelURL)
		}
		after := br.Get("/checkout/" + id)
		webtest.WantStatus(t, "GET canceled", after, http.StatusOK)
		webtest.WantContains(t, "GET canceled", after, "Payment canceled", "You were not charged")
		if n := eventCount(t, br, "payment.canceled", id); n != 1 {
			t.Errorf("%d payment.canceled events, want 1", n)
		}
		if s := sessionStatus(t, e, id); s["status"] != "canceled" {
			t.Errorf("session status %v", s["status"])
		}
		webtest.WantStatus(t, "pay canceled", br.Post("/checkout/"+id+"/pay", webtest.Card(sandbox.CardVisa)), http.StatusGone)
		again := br.Post("/checkout/"+id+"/cancel", nil)
		webtest.WantStatus(t, "cancel again", again, http.StatusConflict)
		webtest.WantContains(t, "cancel again", again, "Payment canceled")
	})
}

func TestExpiredSessionShowsExpiredPage(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		id := webtest.NewSession(t, e, "cs", "ORDER-8")
		e.Clock.Advance(31 * time.Minute)
		p := br.Get("/checkout/" + id)
		webtest.WantStatus(t, "GET expired", p, http.StatusOK)
		webtest.WantContains(t, "GET expired", p, "This payment page has expired", `href="`+webtest.CancelURL+`"`)
		if strings.Contains(p.Body, `name="number"`) {
			t.Error("an expired session still shows the card form")
		}
		if s := sessionStatus(t, e, id); s["status"] != "expired" {
			t.Errorf("session status %v", s["status"])
		}
		pay := br.Post("/checkout/"+id+"/pay", webtest.Card(sandbox.CardVisa))
		webtest.WantStatus(t, "pay expired", pay, http.StatusGone)
		webtest.WantContains(t, "pay expired", pay, "This payment page has expired")
	})
}

func TestExpiryWhileTheFormIsOpen(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		id := webtest.NewSession(t, e, "cs", "ORDER-8b")
		webtest.WantStatus(t, "GET", br.Get("/checkout/"+id), http.StatusOK)
		e.Clock.Advance(31 * time.Minute)
		// Cancel on an expired session: the gateway expires it and refuses; the page says it expired.
		p := br.Post("/checkout/"+id+"/cancel", nil)
		webtest.WantStatus(t, "cancel expired", p, http.StatusConflict)
		webtest.WantContains(t, "cancel expired", p, "This payment page has expired")
	})
}

func TestPaymentLinkPage(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		id := webtest.NewSession(t, e, "pl", "INVOICE-10")
		p := br.Get("/pay/" + id)
		webtest.WantStatus(t, "GET link", p, http.StatusOK)
		wantHostedHeaders(t, "GET link", p, wantCSP)
		webtest.WantContains(t, "GET link", p, "Acme Shop", "$125.00", "TEST MODE", `action="/pay/`+id+`/pay"`, `action="/pay/`+id+`/cancel"`)
		pay := br.Post("/pay/"+id+"/pay", webtest.Card(sandbox.CardMastercard))
		webtest.WantStatus(t, "pay link", pay, http.StatusSeeOther)
		if got, want := pay.Header.Get("Location"), "https://shop.example/orders/ok?s="+id; got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
		if s := sessionStatus(t, e, id); s["status"] != "paid" {
			t.Errorf("link status %v", s["status"])
		}
		webtest.WantContains(t, "GET paid link", br.Get("/pay/"+id), "Payment received")
		// Each kind lives at its own path.
		cs := webtest.NewSession(t, e, "cs", "ORDER-10")
		for _, path := range []string{"/checkout/" + id, "/pay/" + cs} {
			nf := br.Get(path)
			webtest.WantStatus(t, path, nf, http.StatusNotFound)
			webtest.WantContains(t, path, nf, "Page not found")
		}
		webtest.WantStatus(t, "pay cs at /pay", br.Post("/pay/"+cs+"/pay", webtest.Card(sandbox.CardVisa)), http.StatusNotFound)
		webtest.WantStatus(t, "cancel cs at /pay", br.Post("/pay/"+cs+"/cancel", nil), http.StatusNotFound)
		if s := sessionStatus(t, e, cs); s["status"] != "created" {
			t.Errorf("session touched through the wrong path: %v", s["status"])
		}
	})
}

func TestRefundedSessionShowsRefundedPage(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		id := webtest.NewSession(t, e, "cs", "ORDER-14")
		webtest.WantStatus(t, "pay", br.Post("/checkout/"+id+"/pay", webtest.Card(sandbox.CardVisa)), http.StatusSeeOther)
		paymentID := sessionStatus(t, e, id)["payment_id"].(string)
		refund := func(key, amount string) {
			t.Helper()
			resp := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/refunds", Headers: map[string]string{"Idempotency-Key": key},
				Body: `{"payment_id":"` + paymentID + `"` + amount + `}`})
			if resp.Status != http.StatusOK && resp.Status != http.StatusCreated {
				t.Fatalf("refund: %d %s", resp.Status, resp.Body)
			}
		}
		refund("refund-part-1", `,"amount":2500`)
		p := br.Get("/checkout/" + id)
		webtest.WantStatus(t, "partly refunded", p, http.StatusOK)
		webtest.WantContains(t, "partly refunded", p, "This payment was refunded", "refunded part of your payment of $125.00")
		refund("refund-rest-1", "")
		p = br.Get("/checkout/" + id)
		webtest.WantContains(t, "refunded", p, "This payment was refunded", "Acme Shop refunded your payment of $125.00.")
		if strings.Contains(p.Body, `name="number"`) {
			t.Error("a refunded session shows the card form")
		}
		webtest.WantStatus(t, "pay refunded", br.Post("/checkout/"+id+"/pay", webtest.Card(sandbox.CardVisa)), http.StatusConflict)
	})
}

func TestTimedOutPaymentIsDeclinedOnceRecoveryGivesUp(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		id := webtest.NewSession(t, e, "cs", "ORDER-15")
		webtest.WantStatus(t, "timeout", br.Post("/checkout/"+id+"/pay", webtest.Card(sandbox.CardTimeout)), http.StatusAccepted)
		payments := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/payments?source_id=" + id}).JSON(t)["data"].([]any)
		if len(payments) != 1 {
			t.Fatalf("%d payments of the session", len(payments))
		}
		paymentID := payments[0].(map[string]any)["id"].(string)
		for range 3 { // the recovery job's attempts; the last records the timeout
			_ = e.Gateway.RecoverPayment(context.Background(), paymentID)
		}
		p := br.Get("/checkout/" + id)
		webtest.WantStatus(t, "after recovery", p, http.StatusOK)
		webtest.WantContains(t, "after recovery", p, "Your last attempt did not go through.",
			"The card network did not answer in time, and you were not charged.", "4 attempts left", `name="number"`)
		if strings.Contains(p.Body, `http-equiv="refresh"`) {
			t.Error("the form refreshes itself")
		}
	})
}

// TestPaymentLinkQRCode: the payment-link page shows a QR code of the link's URL, served as SVG and PNG.
func TestPaymentLinkQRCode(t *testing.T) {
	t.Parallel()
	e, br := webtest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	id := webtest.NewSession(t, e, "pl", "QR-1")
	page := br.Get("/pay/" + id)
	webtest.WantContains(t, "link page", page, `src="/pay/`+id+`/qr.svg"`, "Pay on your phone")
	svg := br.Get("/pay/" + id + "/qr.svg")
	png := br.Get("/pay/" + id + "/qr.png")
	if svg.Status != 200 || svg.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(svg.Body, "<svg") {
		t.Errorf("svg: %d %s", svg.Status, svg.Header.Get("Content-Type"))
	}
	want, err := qr.Encode(e.HTTP.URL+"/pay/"+id, qr.M)
	if err != nil {
		t.Fatal(err)
	}
	if png.Status != 200 || png.Header.Get("Content-Type") != "image/png" || png.Body != string(want.PNG()) {
		t.Errorf("png: %d %s, or not the code of the link's URL", png.Status, png.Header.Get("Content-Type"))
	}
	if _, err := stdpng.Decode(strings.NewReader(png.Body)); err != nil {
		t.Errorf("png does not decode: %v", err)
	}
	// Sessions have no QR code, and unknown links are 404.
	cs := webtest.NewSession(t, e, "cs", "QR-2")
	if p := br.Get("/checkout/" + cs); strings.Contains(p.Body, "qr.svg") {
		t.Error("a checkout session page shows a QR code")
	}
	webtest.WantStatus(t, "unknown link", br.Get("/pay/pl_0000000000000000000000/qr.png"), 404)
}

// TestSandboxProviderHostedPage: with the merchant's sandbox_provider_page setting, a session carries a
// provider_checkout_url; its hosted page sends the customer there, and paying there lands on success_url.
func TestSandboxProviderHostedPage(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		if r := e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Body: `{"sandbox_provider_page":true}`}); r.Status != 200 || r.JSON(t)["sandbox_provider_page"] != true {
			t.Fatalf("enable: %d %s", r.Status, r.Body)
		}
		id := webtest.NewSession(t, e, "cs", "PROVIDER-1")
		s := sessionStatus(t, e, id)
		providerURL, _ := s["provider_checkout_url"].(string)
		if providerURL != e.HTTP.URL+"/sandbox/provider/"+id {
			t.Fatalf("provider_checkout_url = %v", s["provider_checkout_url"])
		}
		first := br.Get("/checkout/" + id)
		if first.Status != http.StatusSeeOther || first.Header.Get("Location") != providerURL {
			t.Fatalf("hosted page: %d Location %q", first.Status, first.Header.Get("Location"))
		}
		page := br.Get("/sandbox/provider/" + id)
		webtest.WantStatus(t, "provider page", page, http.StatusOK)
		webtest.WantContains(t, "provider page", page, "Sandbox provider", `action="/sandbox/provider/`+id+`/pay"`, "$125.00")
		paid := br.Post("/sandbox/provider/"+id+"/pay", webtest.Card("4242424242424242"))
		webtest.WantStatus(t, "pay on the provider page", paid, http.StatusSeeOther)
		if paid.Header.Get("Location") != strings.ReplaceAll(webtest.SuccessURL, "{CHECKOUT_SESSION_ID}", id) {
			t.Errorf("redirect to %q", paid.Header.Get("Location"))
		}
		if got := sessionStatus(t, e, id)["status"]; got != "paid" {
			t.Errorf("session %v", got)
		}
		// Sessions of merchants without the setting have no provider page.
		e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Body: `{"sandbox_provider_page":false}`})
		plain := webtest.NewSession(t, e, "cs", "PROVIDER-2")
		if sessionStatus(t, e, plain)["provider_checkout_url"] != nil {
			t.Error("provider_checkout_url without the setting")
		}
		webtest.WantStatus(t, "no provider page", br.Get("/sandbox/provider/"+plain), http.StatusNotFound)
		webtest.WantStatus(t, "hosted page", br.Get("/checkout/"+plain), http.StatusOK)
	})
}
