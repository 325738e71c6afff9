package web_test

import (
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/web"
	"github.com/kassapay/kassa/internal/webtest"
)

// releasedSDKv1 is the integrity of /js/v1/kassa.js as released. Merchants' pages carry it: if this test fails, the
// released file was changed; restore it and publish the change under a new path instead (see web.SDKPath).
const releasedSDKv1 = "sha384-N1CV8ide0A0GM5jMeVBwlWFXiPYxXbom1VG5G1mND/wv9Q9UuoCgKWpWW0V2m0Yw"

func TestReleasedSDKNeverChanges(t *testing.T) {
	t.Parallel()
	if web.SDKPath != "/js/v1/kassa.js" || web.SDKIntegrity() != releasedSDKv1 {
		t.Errorf("%s has integrity %s; the released v1 has %s", web.SDKPath, web.SDKIntegrity(), releasedSDKv1)
	}
}

// TestSDKIntegrityInREADME: the README's integrity value is the SHA-384 of the SDK the server serves, so the
// documented snippet loads.
func TestSDKIntegrityInREADME(t *testing.T) {
	t.Parallel()
	_, br := webtest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	p := br.Get(web.SDKPath)
	if p.Status != 200 || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("SDK: %d %s", p.Status, p.Header.Get("Content-Type"))
	}
	for k, v := range map[string]string{
		"Cache-Control": "public, max-age=31536000, immutable", "Access-Control-Allow-Origin": "*",
		"Cross-Origin-Resource-Policy": "cross-origin", "X-Content-Type-Options": "nosniff",
	} {
		if got := p.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	sum := sha512.Sum384([]byte(p.Body))
	served := "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
	if served != web.SDKIntegrity() {
		t.Errorf("SDKIntegrity %s, served file %s", web.SDKIntegrity(), served)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)/js/v1/kassa\.js"\s+integrity="([^"]+)"`).FindSubmatch(readme)
	if m == nil {
		t.Fatal("README has no <script src=…/js/v1/kassa.js integrity=…> snippet")
	}
	if string(m[1]) != served {
		t.Errorf("README integrity %s, served file %s: update the README", m[1], served)
	}
	example, err := os.ReadFile("../../examples/shop/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`sdkIntegrity = "([^"]+)"`).FindSubmatch(example); m == nil || string(m[1]) != served {
		t.Errorf("examples/shop pins %q, served file %s: update it", m, served)
	}
}

// TestEmbedPage checks who may open the embed page and the headers it is served with.
func TestEmbedPage(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		const shop = "https://shop.example"
		order := newOrderID(t, e, 49900)
		path := func(order, key, origin string) string {
			return "/embed/order/" + order + "?key=" + key + "&origin=" + origin
		}
		// No origin allowed yet: nobody may embed.
		if p := br.Get(path(order, e.PublishableKey, shop)); p.Status != 403 {
			t.Errorf("no allowed origins: %d", p.Status)
		}
		if r := e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Body: `{"checkout_allowed_origins":["` + shop + `","https://other.example"]}`}); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		p := br.Get(path(order, e.PublishableKey, shop))
		if p.Status != 200 {
			t.Fatalf("allowed origin: %d %s", p.Status, p.Body)
		}
		wantHostedHeaders(t, "embed page", p, "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"form-action 'self'; frame-ancestors "+shop+"; base-uri 'none'; connect-src 'self'")
		webtest.WantNoInlineCode(t, p)
		for _, want := range []string{`data-origin="` + shop + `"`, `data-order="` + order + `"`, "TEST MODE", "success@kassa", "/static/embed.js?v="} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("embed page lacks %q", want)
			}
		}
		_, otherSK, otherPK := e.NewMerchant("Other", "other@example.com")
		for _, tc := range []struct {
			name, path string
			status     int
		}{
			{"no key", path(order, "", shop), 401},
			{"secret key", path(order, e.SecretKey, shop), 401},
			{"unknown key", path(order, "pk_test_nope", shop), 401},
			{"origin not allowed", path(order, e.PublishableKey, "https://evil.example"), 403},
			{"origin with a path", path(order, e.PublishableKey, shop+"/x"), 403},
			{"no origin", "/embed/order/" + order + "?key=" + e.PublishableKey, 403},
			{"unknown order", path("order_missing", e.PublishableKey, shop), 404},
			{"another merchant's key", path(order, otherPK, shop), 403},
		} {
			p := br.Get(tc.path)
			if p.Status != tc.status {
				t.Errorf("%s: %d, want %d", tc.name, p.Status, tc.status)
			}
			if csp := p.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("%s: framable refusal: %q", tc.name, csp)
			}
			if strings.Contains(p.Body, "embed.js") {
				t.Errorf("%s: the refusal page loads the payment script", tc.name)
			}
		}
		// The other merchant, once it allows the shop, still cannot open this merchant's order.
		if r := e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Key: otherSK, Body: `{"checkout_allowed_origins":["` + shop + `"]}`}); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		if p := br.Get(path(order, otherPK, shop)); p.Status != 404 {
			t.Errorf("another merchant's order: %d", p.Status)
		}
		// The public order endpoint the page's script could use.
		r := e.Do(kassatest.Request{Method: "GET", Path: "/api/public/orders/" + order, Key: e.PublishableKey})
		if r.Status != 200 || r.JSON(t)["amount"] != float64(49900) || r.JSON(t)["merchant_name"] != "Acme Shop" {
			t.Errorf("public order: %d %s", r.Status, r.Body)
		}
		pay := e.Do(kassatest.Request{Method: "POST", Path: "/api/public/orders/" + order + "/payments", Key: e.PublishableKey,
			Body: `{"method":"upi","vpa":"success@kassa"}`})
		if pay.Status != 201 || pay.JSON(t)["object"] != "payment_status" || pay.JSON(t)["status"] != "pending" {
			t.Errorf("public pay: %d %s", pay.Status, pay.Body)
		}
	})
}

// TestEmbedSession: the embed page of a checkout session and its JSON card payment.
func TestEmbedSession(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		const shop = "https://shop.example"
		if r := e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Body: `{"checkout_allowed_origins":["` + shop + `"]}`}); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		cs := webtest.NewSession(t, e, "cs", "EMB-1")
		p := br.Get("/embed/session/" + cs + "?key=" + e.PublishableKey + "&origin=" + shop)
		if p.Status != 200 || !strings.Contains(p.Body, `data-session="`+cs+`"`) || strings.Contains(p.Body, `id="vpa"`) {
			t.Fatalf("session embed page: %d\n%s", p.Status, p.Body)
		}
		if got := p.Header.Get("Content-Security-Policy"); !strings.Contains(got, "frame-ancestors "+shop+";") {
			t.Errorf("CSP %q", got)
		}
		webtest.WantNoInlineCode(t, p)
		_, otherSK, otherPK := e.NewMerchant("Other", "other@example.com")
		e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Key: otherSK, Body: `{"checkout_allowed_origins":["` + shop + `"]}`})
		if p := br.Get("/embed/session/" + cs + "?key=" + otherPK + "&origin=" + shop); p.Status != 404 {
			t.Errorf("another merchant's session: %d", p.Status)
		}
		if p := br.Get("/embed/session/cs_missing?key=" + e.PublishableKey + "&origin=" + shop); p.Status != 404 {
			t.Errorf("unknown session: %d", p.Status)
		}
		pay := func(body, fetchSite string) (int, map[string]any) {
			t.Helper()
			req, err := http.NewRequest(http.MethodPost, e.HTTP.URL+"/embed/session/"+cs+"/pay", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Sec-Fetch-Site", fetchSite)
			resp := br.Do(req)
			var m map[string]any
			if err := json.Unmarshal([]byte(resp.Body), &m); err != nil {
				t.Fatalf("%d %s", resp.Status, resp.Body)
			}
			return resp.Status, m
		}
		exp := fmt.Sprintf("12/%d", kassatest.Start.Year()%100+2)
		if st, m := pay(`{"number":"4242424242424242","exp":"`+exp+`","cvv":"123"}`, "cross-site"); st != 403 {
			t.Errorf("cross-site POST: %d %v", st, m)
		}
		if st, m := pay(`{"number":"4242424242424242","colour":"red"}`, "same-origin"); st != 400 || m["error"].(map[string]any)["code"] != "invalid_json" {
			t.Errorf("unknown field: %d %v", st, m)
		}
		if st, m := pay(`{"number":"4242424242424241","exp":"`+exp+`","cvv":"123"}`, "same-origin"); st != 400 || m["error"].(map[string]any)["param"] != "card.number" {
			t.Errorf("bad number: %d %v", st, m)
		}
		if st, m := pay(`{"number":"4000 0000 0000 0002","exp":"`+exp+`","cvv":"123"}`, "same-origin"); st != 200 || m["status"] != "failed" || m["failure_code"] != "do_not_honor" {
			t.Errorf("declined: %d %v", st, m)
		}
		st, m := pay(`{"number":"4242 4242 4242 4242","exp":"`+exp+`","cvv":"123","name":"Asha Rao"}`, "same-origin")
		if st != 200 || m["status"] != "paid" || !strings.HasPrefix(fmt.Sprint(m["payment_id"]), "pay_") {
			t.Errorf("paid: %d %v", st, m)
		}
		if st, m := pay(`{"number":"4242 4242 4242 4242","exp":"`+exp+`","cvv":"123"}`, "same-origin"); st != 409 || m["error"].(map[string]any)["code"] != "session_already_paid" {
			t.Errorf("paying a paid session: %d %v", st, m)
		}
		// Opened again after payment, the page says so.
		if p := br.Get("/embed/session/" + cs + "?key=" + e.PublishableKey + "&origin=" + shop); p.Status != 200 || !strings.Contains(p.Body, `data-status="paid"`) {
			t.Errorf("paid session's embed page: %d", p.Status)
		}
	})
}

// payVisaInEmbed posts the approved Visa card to a session's embedded payment, as Kassa's own embed page does.
func payVisaInEmbed(t *testing.T, e *kassatest.Env, br *webtest.Browser, sessionID string) webtest.Page {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.HTTP.URL+"/embed/session/"+sessionID+"/pay",
		strings.NewReader(fmt.Sprintf(`{"number":"4242424242424242","exp":"12/%d","cvv":"123"}`, kassatest.Start.Year()%100+2)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return br.Do(req)
}

// TestEmbedSessionPayIsScoredOnTheShoppersAddress: a card payment made in the embed reaches the fraud rules with the
// shopper's IP address, as on the hosted page: a blocked address is declined as fraudulent.
func TestEmbedSessionPayIsScoredOnTheShoppersAddress(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		// The test server's client is the loopback address; block it.
		if r := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/blocklist", Body: `{"kind":"ip","value":"127.0.0.1"}`}); r.Status != 201 {
			t.Fatalf("block: %d %s", r.Status, r.Body)
		}
		cs := webtest.NewSession(t, e, "cs", "EMB-IP")
		resp := payVisaInEmbed(t, e, br, cs)
		var m map[string]any
		if err := json.Unmarshal([]byte(resp.Body), &m); err != nil || resp.Status != 200 || m["status"] != "failed" {
			t.Fatalf("pay from a blocked address: %d %s", resp.Status, resp.Body)
		}
		pay := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/payments/" + fmt.Sprint(m["payment_id"])})
		p := pay.JSON(t)
		if p["fraud_decision"] != "decline" || p["failure_code"] != "fraudulent" || !strings.Contains(string(pay.Body), "IP address") {
			t.Errorf("payment from a blocked address: %s", pay.Body)
		}
	})
}

// TestEmbedOfSuspendedMerchant: a suspended merchant's embedded checkout is refused with 403, the status of the
// forbidden kind, saying the shop cannot take payments; the embed used to answer 401 as if the publishable key
// were not valid. The embedded payment's JSON says 403 merchant_inactive too.
func TestEmbedOfSuspendedMerchant(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		cs := webtest.NewSession(t, e, "cs", "EMB-SUSPENDED")
		order := newOrderID(t, e, 1500)
		// The shop allowed its embed on its site; then an operator suspended it.
		origins, inactive := []string{"https://shop.example"}, merchant.StatusInactive
		patch := gateway.MerchantPatch{CheckoutAllowedOrigins: &origins, Status: &inactive}
		if _, err := e.Gateway.UpdateMerchant(context.Background(), e.Merchant.Merchant.ID, patch); err != nil {
			t.Fatal(err)
		}
		query := "?key=" + e.PublishableKey + "&origin=" + origins[0]
		for _, path := range []string{"/embed/session/" + cs + query, "/embed/order/" + order + query} {
			p := br.Get(path)
			webtest.WantStatus(t, path, p, http.StatusForbidden)
			webtest.WantContains(t, path, p, "This shop cannot take payments here right now.")
		}
		p := payVisaInEmbed(t, e, br, cs)
		if p.Status != http.StatusForbidden || !strings.Contains(p.Body, `"code":"merchant_inactive"`) {
			t.Errorf("embedded payment for a suspended merchant: %d %s", p.Status, p.Body)
		}
	})
}
