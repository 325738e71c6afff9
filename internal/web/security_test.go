package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webtest"
)

func TestCardNumbersNeverLeak(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		for i, pan := range webtest.PANs {
			id := webtest.NewSession(t, e, "cs", fmt.Sprint("ORDER-9-", i))
			p := br.Post("/checkout/"+id+"/pay", webtest.Card(pan))
			if p.Status >= 500 {
				t.Errorf("%s: %d", pan, p.Status)
			}
			// The pages that follow, whatever they are, and the session and events as the API shows them.
			br.Get("/checkout/" + id)
			br.API(kassatest.Request{Method: "GET", Path: "/api/v1/checkout-sessions/" + id})
		}
		br.API(kassatest.Request{Method: "GET", Path: "/api/v1/events?limit=100"})
		// A spaced number is not echoed either.
		id := webtest.NewSession(t, e, "cs", "ORDER-9-spaced")
		spaced := webtest.Card("4242 4242 4242 4241")
		p := br.Post("/checkout/"+id+"/pay", spaced)
		webtest.WantStatus(t, "spaced", p, http.StatusBadRequest)
		if strings.Contains(p.Body, "4242 4242 4242 4241") {
			t.Error("the spaced number comes back")
		}
		// scanForPANs runs at cleanup over every body and the log.
	})
}

func TestUnknownSessionIsAnHTMLNotFound(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, br := webtest.Setup(t, b, kassatest.Options{})
		for _, path := range []string{"/checkout/cs_00000000000000000000000000", "/checkout/nonsense", "/pay/pl_x"} {
			p := br.Get(path)
			webtest.WantStatus(t, path, p, http.StatusNotFound)
			wantHostedHeaders(t, path, p, "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
				"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
			webtest.WantContains(t, path, p, "<!doctype html>", "Page not found")
		}
		p := br.Post("/checkout/cs_00000000000000000000000000/pay", webtest.Card(sandbox.CardVisa))
		webtest.WantStatus(t, "pay unknown", p, http.StatusNotFound)
		webtest.WantContains(t, "pay unknown", p, "Page not found")
		webtest.WantStatus(t, "static unknown", br.Get("/static/nope.js"), http.StatusNotFound)
	})
}

func TestCrossSitePostIsRefused(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		id := webtest.NewSession(t, e, "cs", "ORDER-11")
		for _, path := range []string{"/checkout/" + id + "/pay", "/checkout/" + id + "/cancel"} {
			p := br.PostFrom(path, webtest.Card(sandbox.CardVisa), "cross-site", "https://evil.example")
			webtest.WantStatus(t, path, p, http.StatusForbidden)
			wantHostedHeaders(t, path, p, "")
			webtest.WantContains(t, path, p, "Request refused")
		}
		// Without Sec-Fetch-Site, an Origin of another host is refused too.
		req, _ := http.NewRequest(http.MethodPost, e.HTTP.URL+"/checkout/"+id+"/cancel", nil)
		req.Header.Set("Origin", "https://evil.example")
		webtest.WantStatus(t, "foreign Origin", br.Do(req), http.StatusForbidden)
		if s := sessionStatus(t, e, id); s["status"] != "created" {
			t.Errorf("a cross-site POST changed the session: %v", s["status"])
		}
	})
}

func TestFormBodyIsLimited(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		id := webtest.NewSession(t, e, "cs", "ORDER-12")
		form := webtest.Card(sandbox.CardVisa)
		form.Set("padding", strings.Repeat("x", 17<<10))
		webtest.WantStatus(t, "large form", br.Post("/checkout/"+id+"/pay", form), http.StatusRequestEntityTooLarge)
		if s := sessionStatus(t, e, id); s["status"] != "created" {
			t.Errorf("session status %v", s["status"])
		}
	})
}

func TestFrameAncestorsFollowAllowedOrigins(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		origins := []string{"https://shop.example", "https://www.shop.example"}
		if _, err := e.Gateway.UpdateMerchant(context.Background(), e.Merchant.Merchant.ID, gateway.MerchantPatch{CheckoutAllowedOrigins: &origins}); err != nil {
			t.Fatal(err)
		}
		id := webtest.NewSession(t, e, "cs", "ORDER-13")
		p := br.Get("/checkout/" + id)
		webtest.WantStatus(t, "GET", p, http.StatusOK)
		wantHostedHeaders(t, "GET", p, "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"form-action 'self' https://shop.example; frame-ancestors https://shop.example https://www.shop.example; base-uri 'none'")
		if p.Header.Get("X-Frame-Options") != "" {
			t.Errorf("X-Frame-Options = %q alongside allowed origins", p.Header.Get("X-Frame-Options"))
		}
	})
}

func TestLiveModePageHasNoTestTools(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{LiveMode: true})
		creds, err := e.Gateway.CreateMerchant(context.Background(), gateway.NewMerchant{Name: "Live Shop", Email: "live@shop.example", Live: true})
		if err != nil {
			t.Fatal(err)
		}
		var sk string
		for _, k := range creds.Keys {
			if strings.HasPrefix(k.Secret, "sk_live_") {
				sk = k.Secret
			}
		}
		id := webtest.NewSession(t, e, "cs", "LIVE-1", sk)
		p := br.Get("/checkout/" + id)
		webtest.WantStatus(t, "GET live", p, http.StatusOK)
		webtest.WantContains(t, "GET live", p, "Live Shop", "$125.00")
		for _, absent := range []string{"TEST MODE", `name="scenario"`, "4242 4242 4242 4242"} {
			if strings.Contains(p.Body, absent) {
				t.Errorf("the live page shows %q", absent)
			}
		}
		// No live provider is configured: the customer is told, nothing is charged, the session stays open.
		pay := br.Post("/checkout/"+id+"/pay", withScenario(webtest.Card(sandbox.CardVisa), "approve"))
		webtest.WantStatus(t, "pay live", pay, http.StatusUnprocessableEntity)
		webtest.WantContains(t, "pay live", pay, "Card payments are not available for Live Shop yet")
	})
}
