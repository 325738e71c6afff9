package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webtest"
)

// TestHostedPagesRefuseUnreadableURLs: on the checkout and payment-link pages, their QR codes, the sandbox
// provider's page and the embed, an id with NUL or invalid UTF-8 names nothing and answers 404 in the route's own
// format (PostgreSQL failed the embedded payment of such an id with a 500); such a query value is a 400. Query
// strings that are merely odd (a malformed escape, a semicolon) still open the page.
func TestHostedPagesRefuseUnreadableURLs(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		const shop = "https://shop.example"
		if r := e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Body: `{"checkout_allowed_origins":["` + shop + `"]}`}); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		embed := "?key=" + e.PublishableKey + "&origin=" + shop
		for _, bad := range []string{"%ff%fe", "cs_%00", "pl_%c0%af"} {
			for _, path := range []string{"/checkout/" + bad, "/pay/" + bad, "/sandbox/provider/" + bad, "/pay/" + bad + "/qr.svg",
				"/pay/" + bad + "/qr.png", "/embed/order/" + bad + embed, "/embed/session/" + bad + embed} {
				if p := br.Get(path); p.Status != http.StatusNotFound || !strings.Contains(p.Body, "<!doctype html>") {
					t.Errorf("GET %s: %d, want the 404 page\n%s", path, p.Status, p.Body)
				}
			}
			for _, path := range []string{"/checkout/" + bad + "/pay", "/checkout/" + bad + "/cancel", "/pay/" + bad + "/pay",
				"/pay/" + bad + "/cancel", "/sandbox/provider/" + bad + "/pay"} {
				if p := br.Post(path, webtest.Card("4242424242424242")); p.Status != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404\n%s", path, p.Status, p.Body)
				}
			}
			req, err := http.NewRequest(http.MethodPost, e.HTTP.URL+"/embed/session/"+bad+"/pay",
				strings.NewReader(`{"number":"4242424242424242","exp":"12/30","cvv":"123"}`))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			p := br.Do(req)
			var got struct {
				Error struct{ Code, Param string }
			}
			if err := json.Unmarshal([]byte(p.Body), &got); err != nil || p.Status != http.StatusNotFound || got.Error.Code != "resource_missing" || got.Error.Param != "id" {
				t.Errorf("embedded payment of %s: %d %s, want 404 resource_missing", bad, p.Status, p.Body)
			}
		}

		cs := webtest.NewSession(t, e, "cs", "UTF8-1")
		before := sessionStatus(t, e, cs)["status"]
		for _, path := range []string{"/checkout/" + cs + "?ref=%ff", "/checkout/" + cs + "?%00=1", "/embed/session/" + cs + embed + "&x=%ff%fe"} {
			if p := br.Get(path); p.Status != http.StatusBadRequest {
				t.Errorf("GET %s: %d, want 400\n%s", path, p.Status, p.Body)
			}
		}
		for _, path := range []string{"/checkout/" + cs + "?utm=a%zz", "/checkout/" + cs + "?utm=a;b", "/checkout/" + cs + "?ref=caf%C3%A9"} {
			webtest.WantStatus(t, "GET "+path, br.Get(path), http.StatusOK)
		}
		if p := br.Post("/checkout/"+cs+"/pay?ref=%ff", webtest.Card("4242424242424242")); p.Status != http.StatusBadRequest {
			t.Errorf("a payment with an unreadable query: %d, want 400", p.Status)
		}
		if st := sessionStatus(t, e, cs)["status"]; st != before {
			t.Errorf("the refused payment moved the session from %v to %v", before, st)
		}
	})
}
