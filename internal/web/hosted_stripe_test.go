package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	stripewebhook "github.com/stripe/stripe-go/v84/webhook"

	"github.com/kassapay/kassa/clients/go/kassawebhook"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/provider/stripe/stripemock"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webtest"
)

// stripePages puts Stripe Checkout's side in front of a real stripe-mock: stripe-mock validates every request
// against Stripe's OpenAPI description (this forwards each to it first and passes its refusals on), but it keeps no
// state and no customer ever pays on its pages. So this remembers the Checkout Sessions created (one per
// Idempotency-Key, as Stripe does, with the metadata sent), lets the test play the customer who pays on the page
// (pay), and answers retrieve and expire from that state in the shape of Stripe's API reference. Everything else
// (refunds) is stripe-mock's answer.
type stripePages struct {
	t     *testing.T
	mock  *httputil.ReverseProxy
	srv   *httptest.Server
	mu    sync.Mutex
	byKey map[string]*stripePage
	byID  map[string]*stripePage
	// creates are the create requests' forms; expires the ids of the sessions expired.
	creates []url.Values
	expires []string
	// failCreates answers that many creates with a 500 after stripe-mock accepted them (the page may or may not
	// exist: Kassa must ask again with the same key); refuseAmount is an amount Stripe refuses outright.
	failCreates  int
	refuseAmount int64
}

type stripePage struct {
	id, status string
	amount     int64
	currency   string
	metadata   map[string]string
	paid       bool
}

func newStripePages(t *testing.T, stripeMock string) *stripePages {
	t.Helper()
	target, err := url.Parse(stripeMock)
	if err != nil {
		t.Fatal(err)
	}
	sp := &stripePages{t: t, mock: httputil.NewSingleHostReverseProxy(target), byKey: map[string]*stripePage{}, byID: map[string]*stripePage{}}
	sp.srv = httptest.NewServer(http.HandlerFunc(sp.serve))
	t.Cleanup(sp.srv.Close)
	return sp
}

// URL is the API base URL a profile points at.
func (sp *stripePages) URL() string { return sp.srv.URL }

// pageOf is the id of the Stripe page a Kassa session's provider_checkout_url shows.
func (sp *stripePages) pageOf(session map[string]any) string {
	return strings.TrimPrefix(session["provider_checkout_url"].(string), sp.srv.URL+"/c/pay/")
}

// pay is the customer paying on the page of a session: it completes, with a succeeded PaymentIntent.
func (sp *stripePages) pay(csID string) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	p := sp.byID[csID]
	if p == nil || p.status != "open" {
		sp.t.Fatalf("pay on %s: no open page", csID)
	}
	p.status, p.paid = "complete", true
}

func (sp *stripePages) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	path := r.URL.Path
	switch {
	case r.Method == "POST" && path == "/v1/checkout/sessions":
		if !sp.validated(w, r, body) {
			return
		}
		sp.create(w, r.Header.Get("Idempotency-Key"), form)
	case r.Method == "GET" && strings.HasPrefix(path, "/v1/checkout/sessions/"):
		sp.mu.Lock()
		p := sp.byID[strings.TrimPrefix(path, "/v1/checkout/sessions/")]
		sp.mu.Unlock()
		if p == nil {
			stripeAnswer(w, 404, map[string]any{"error": map[string]any{"type": "invalid_request_error", "code": "resource_missing", "message": "No such checkout.session"}})
			return
		}
		sp.answer(w, 200, p, r.URL.Query().Get("expand[0]") == "payment_intent.latest_charge")
	case r.Method == "POST" && strings.HasSuffix(path, "/expire"):
		if !sp.validated(w, r, body) {
			return
		}
		csID := strings.TrimSuffix(strings.TrimPrefix(path, "/v1/checkout/sessions/"), "/expire")
		sp.mu.Lock()
		p := sp.byID[csID]
		sp.expires = append(sp.expires, csID)
		open := p != nil && p.status == "open"
		if open {
			p.status = "expired"
		}
		sp.mu.Unlock()
		if !open {
			stripeAnswer(w, 400, map[string]any{"error": map[string]any{"type": "invalid_request_error",
				"message": "Only Checkout Sessions with a status in [\"open\"] can be expired."}})
			return
		}
		sp.answer(w, 200, p, false)
	default:
		r.Body = io.NopCloser(bytes.NewReader(body))
		sp.mock.ServeHTTP(w, r)
	}
}

// validated sends the request to stripe-mock and answers with its refusal, if it refuses.
func (sp *stripePages) validated(w http.ResponseWriter, r *http.Request, body []byte) bool {
	req := httptest.NewRequest(r.Method, r.URL.String(), bytes.NewReader(body))
	req.Header = r.Header.Clone()
	rec := httptest.NewRecorder()
	sp.mock.ServeHTTP(rec, req)
	if rec.Code/100 != 2 {
		sp.t.Errorf("stripe-mock refused %s %s: %d %s", r.Method, r.URL.Path, rec.Code, rec.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return false
	}
	return true
}

func (sp *stripePages) create(w http.ResponseWriter, key string, form url.Values) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	sp.creates = append(sp.creates, form)
	amount, _ := strconv.ParseInt(form.Get("line_items[0][price_data][unit_amount]"), 10, 64)
	if amount == sp.refuseAmount {
		stripeAnswer(w, 400, map[string]any{"error": map[string]any{"type": "invalid_request_error", "param": "line_items[0][price_data][currency]",
			"message": "The currency is not supported for this account."}})
		return
	}
	p, replayed := sp.byKey[key]
	if !replayed {
		p = &stripePage{id: fmt.Sprintf("cs_test_kassa%02d", len(sp.byID)+1), status: "open", amount: amount,
			currency: form.Get("line_items[0][price_data][currency]"), metadata: map[string]string{}}
		for k, v := range form {
			if name, ok := strings.CutPrefix(k, "metadata["); ok {
				p.metadata[strings.TrimSuffix(name, "]")] = v[0]
			}
		}
		sp.byKey[key], sp.byID[p.id] = p, p
	}
	if sp.failCreates > 0 { // the page exists (or not), the answer is lost
		sp.failCreates--
		stripeAnswer(w, 500, map[string]any{"error": map[string]any{"type": "api_error", "message": "An unknown error occurred"}})
		return
	}
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	sp.answerLocked(w, 200, p, false)
}

func (sp *stripePages) answer(w http.ResponseWriter, status int, p *stripePage, expand bool) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	sp.answerLocked(w, status, p, expand)
}

// answerLocked writes a Checkout Session as Stripe shows it; expand shows its PaymentIntent and charge.
func (sp *stripePages) answerLocked(w http.ResponseWriter, status int, p *stripePage, expand bool) {
	cs := map[string]any{"id": p.id, "object": "checkout.session", "mode": "payment", "status": p.status,
		"payment_status": "unpaid", "amount_total": p.amount, "currency": p.currency, "metadata": p.metadata,
		"url": nil, "payment_intent": nil}
	if p.status == "open" {
		cs["url"] = sp.srv.URL + "/c/pay/" + p.id
	}
	if p.paid {
		cs["payment_status"] = "paid"
		cs["payment_intent"] = "pi_" + strings.TrimPrefix(p.id, "cs_")
		if expand {
			cs["payment_intent"] = sp.paymentIntent(p)
		}
	}
	stripeAnswer(w, status, cs)
}

// paymentIntent is a paid page's PaymentIntent, with its charge.
func (sp *stripePages) paymentIntent(p *stripePage) map[string]any {
	return map[string]any{"id": "pi_" + strings.TrimPrefix(p.id, "cs_"), "object": "payment_intent", "status": "succeeded",
		"amount": p.amount, "amount_received": p.amount, "currency": p.currency, "capture_method": "automatic_async",
		"metadata": p.metadata, "last_payment_error": nil,
		"latest_charge": map[string]any{"id": "ch_" + strings.TrimPrefix(p.id, "cs_"), "object": "charge", "status": "succeeded",
			"outcome":                map[string]any{"risk_level": "normal", "type": "authorized"},
			"payment_method_details": map[string]any{"type": "card", "card": map[string]any{"authorization_code": "831000", "brand": "visa", "last4": "4242"}}}}
}

// succeededEvent is Stripe's payment_intent.succeeded event for a paid page, signed with secret at the time given.
func (sp *stripePages) succeededEvent(csID, eventID, secret string, at time.Time) (body, signature string) {
	sp.mu.Lock()
	pi := sp.paymentIntent(sp.byID[csID])
	sp.mu.Unlock()
	b, err := json.Marshal(map[string]any{"id": eventID, "object": "event", "api_version": "2024-06-20", "created": at.Unix(),
		"livemode": false, "type": "payment_intent.succeeded", "data": map[string]any{"object": pi}})
	if err != nil {
		sp.t.Fatal(err)
	}
	signed := stripewebhook.GenerateTestSignedPayload(&stripewebhook.UnsignedPayload{Payload: b, Secret: secret, Timestamp: at})
	return string(b), signed.Header
}

func stripeAnswer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", "req_kassaPages")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// liveHostedMerchant is a live-mode merchant whose only profile is Stripe with hosted_page, pointed at pages.
type liveHostedMerchant struct {
	e         *kassatest.Env
	br        *webtest.Browser
	sk        string
	profileID string
	whsec     string // the merchant's Kassa endpoint secret
	receiver  *kassatest.Receiver
}

const stripeSigningSecret = "whsec_kassaHostedPages"

func newLiveHostedMerchant(t *testing.T, b storetest.Backend, pages *stripePages) liveHostedMerchant {
	t.Helper()
	receiver := kassatest.NewTLSReceiver(t)
	e, br := webtest.Setup(t, b, kassatest.Options{LiveMode: true, WebhookRootCAs: receiver.RootCAs()})
	live, err := e.Gateway.RollKey(context.Background(), e.Merchant.Merchant.ID, merchant.KeySecret, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	m := liveHostedMerchant{e: e, br: br, sk: live.Secret, receiver: receiver}
	ep := m.do("POST", "/api/v1/webhook-endpoints", `{"url":"`+receiver.URL+`"}`)
	if ep.Status != 201 {
		t.Fatalf("endpoint: %d %s", ep.Status, ep.Body)
	}
	m.whsec = ep.JSON(t)["secret"].(string)
	prof := m.do("POST", "/api/v1/payment-profiles", `{"connector":"stripe","name":"Stripe Checkout","methods":["card"],"hosted_page":true,`+
		`"credentials":{"secret_key":"sk_test_hostedPages","webhook_secret":"`+stripeSigningSecret+`"},"api_base_url":"`+pages.URL()+`"}`)
	if prof.Status != 201 || prof.JSON(t)["hosted_page"] != true {
		t.Fatalf("profile: %d %s", prof.Status, prof.Body)
	}
	m.profileID = prof.JSON(t)["id"].(string)
	return m
}

func (m liveHostedMerchant) do(method, path, body string) kassatest.Response {
	return m.doKey(method, path, body, fmt.Sprintf("hosted-%s-%d", path, time.Now().UnixNano()))
}

func (m liveHostedMerchant) doKey(method, path, body, key string) kassatest.Response {
	return m.e.Do(kassatest.Request{Method: method, Path: path, Body: body, Key: m.sk, Headers: map[string]string{"Idempotency-Key": key}})
}

// session creates a live checkout session of amount cents and returns it.
func (m liveHostedMerchant) session(t *testing.T, order string, amount int) map[string]any {
	t.Helper()
	r := m.doKey("POST", "/api/v1/checkout-sessions", fmt.Sprintf(`{"external_order_id":%q,"amount":%d,"currency":"USD",`+
		`"description":"Two mugs","customer_email":"jane@example.com",`+
		`"success_url":"https://shop.example/thanks","cancel_url":"https://shop.example/cart"}`, order, amount), "create-"+order)
	if r.Status != 201 {
		t.Fatalf("session %s: %d %s", order, r.Status, r.Body)
	}
	return r.JSON(t)
}

func (m liveHostedMerchant) payments(t *testing.T) []any {
	t.Helper()
	return m.do("GET", "/api/v1/payments?limit=100", "").JSON(t)["data"].([]any)
}

// postStripe posts a Stripe event to the profile's webhook route.
func (m liveHostedMerchant) postStripe(body, signature string) kassatest.Response {
	return m.e.Do(kassatest.Request{Method: "POST", Path: "/providers/" + m.profileID + "/webhooks", Body: body,
		Headers: map[string]string{"Stripe-Signature": signature}, NoKey: true})
}

// deliverStripe posts a Stripe event and stops the test unless Kassa took it.
func (m liveHostedMerchant) deliverStripe(t *testing.T, body, signature string) {
	t.Helper()
	if r := m.postStripe(body, signature); r.Status != 200 {
		t.Fatalf("Stripe event: %d %s", r.Status, r.Body)
	}
}

// TestLiveCheckoutOnStripesPage is processor-hosted page mode end to end (docs/architecture.md §14): with a Stripe
// profile that has hosted_page, a live session becomes a Stripe Checkout Session (created once, with Kassa's return
// URLs and the session's amount, description and e-mail); checkout_url redirects there; a return before the customer
// paid marks nothing and sends the customer back to Stripe's page; after paying, the return (confirmed with Stripe)
// records one captured payment on the profile, a repeated return and Stripe's own webhook change nothing; a half
// refund goes to Stripe; the merchant receives signed payment.succeeded and refund.succeeded.
func TestLiveCheckoutOnStripesPage(t *testing.T) {
	t.Parallel()
	stripeMock := stripemock.Start(t)
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		pages := newStripePages(t, stripeMock)
		m := newLiveHostedMerchant(t, b, pages)
		e, br := m.e, m.br
		cs := m.session(t, "HOSTED-1", 2000)
		sessionID := cs["id"].(string)
		providerURL, _ := cs["provider_checkout_url"].(string)
		if !strings.HasPrefix(providerURL, pages.URL()+"/c/pay/cs_test_") || cs["checkout_url"] != e.HTTP.URL+"/checkout/"+sessionID {
			t.Fatalf("session: provider_checkout_url %v, checkout_url %v", cs["provider_checkout_url"], cs["checkout_url"])
		}
		if again := m.session(t, "HOSTED-1", 2000); again["id"] != sessionID || again["provider_checkout_url"] != providerURL {
			t.Errorf("a replayed create: %v %v", again["id"], again["provider_checkout_url"])
		}
		if len(pages.creates) != 1 {
			t.Fatalf("Stripe Checkout Sessions created: %d, want 1", len(pages.creates))
		}
		sent := pages.creates[0]
		for k, want := range map[string]string{
			"mode": "payment", "success_url": e.HTTP.URL + "/checkout/" + sessionID + "/return",
			"cancel_url": e.HTTP.URL + "/checkout/" + sessionID + "/back", "customer_email": "jane@example.com",
			"line_items[0][price_data][unit_amount]": "2000", "line_items[0][price_data][currency]": "usd",
			"line_items[0][price_data][product_data][name]": "Two mugs",
			"metadata[kassa_idempotency_key]":               sessionID + "@" + m.profileID,
			"payment_intent_data[capture_method]":           "automatic",
		} {
			if got := sent.Get(k); got != want {
				t.Errorf("Stripe was sent %s=%q, want %q", k, got, want)
			}
		}
		if sent.Get("expires_at") == "" {
			t.Error("Stripe's page was not given the session's expiry")
		}
		csID := strings.TrimPrefix(providerURL, pages.URL()+"/c/pay/")

		wantRedirect(t, "the hosted page", br.Get("/checkout/"+sessionID), providerURL)
		exp := fmt.Sprintf("12/%d", kassatest.Start.Year()%100+2)
		card := url.Values{"number": {"4242 4242 4242 4242"}, "exp": {exp}, "cvv": {"123"}, "name": {"Jane Doe"}}
		wantRedirect(t, "a card posted to Kassa's form", br.Post("/checkout/"+sessionID+"/pay", card), providerURL)
		if r := payVisaInEmbed(t, e, br, sessionID); r.Status != 409 || !strings.Contains(r.Body, "provider_hosted_session") {
			t.Errorf("a card posted to the embed: %d %s", r.Status, r.Body)
		}
		// Coming back without having paid (a forged or early return) pays nothing.
		wantRedirect(t, "a return before paying", br.Get("/checkout/"+sessionID+"/return"), providerURL)
		wantRedirect(t, "leaving Stripe's page", br.Get("/checkout/"+sessionID+"/back"), "https://shop.example/cart")
		if s := m.do("GET", "/api/v1/checkout-sessions/"+sessionID, "").JSON(t); s["status"] != "created" || len(m.payments(t)) != 0 {
			t.Fatalf("before paying: session %v, %d payments", s["status"], len(m.payments(t)))
		}

		pages.pay(csID)
		for i := range 2 {
			ret := br.Get("/checkout/" + sessionID + "/return")
			if ret.Status != http.StatusSeeOther || !strings.HasPrefix(ret.Header.Get("Location"), "https://shop.example/thanks") {
				t.Fatalf("return %d after paying: %d %s", i+1, ret.Status, ret.Header.Get("Location"))
			}
		}
		body, sig := pages.succeededEvent(csID, "evt_kassaHosted1", stripeSigningSecret, e.Clock.Now())
		m.deliverStripe(t, body, sig)
		s := m.do("GET", "/api/v1/checkout-sessions/"+sessionID, "").JSON(t)
		payments := m.payments(t)
		if s["status"] != "paid" || len(payments) != 1 {
			t.Fatalf("after paying: session %v, %d payments", s["status"], len(payments))
		}
		p := payments[0].(map[string]any)
		wantPI := "pi_" + strings.TrimPrefix(csID, "cs_")
		if p["status"] != "captured" || p["provider"] != "stripe" || p["profile_id"] != m.profileID ||
			p["provider_transaction_id"] != wantPI || s["payment_id"] != p["id"] || p["amount"] != float64(2000) {
			t.Errorf("payment: %v %v %v %v", p["status"], p["provider"], p["profile_id"], p["provider_transaction_id"])
		}
		if txns := m.do("GET", "/api/v1/transactions?payment_id="+p["id"].(string), "").JSON(t)["data"].([]any); len(txns) != 1 ||
			txns[0].(map[string]any)["provider_transaction_id"] != wantPI {
			t.Errorf("transactions: %v", txns)
		}

		r := m.do("POST", "/api/v1/refunds", `{"payment_id":"`+p["id"].(string)+`","amount":1000,"reason":"one mug back"}`)
		if r.Status != 201 || r.JSON(t)["status"] != "succeeded" || r.JSON(t)["payment_status"] != "partially_refunded" {
			t.Fatalf("refund: %d %s", r.Status, r.Body)
		}
		for _, d := range m.do("GET", "/api/v1/webhook-deliveries?status=pending&limit=100", "").JSON(t)["data"].([]any) {
			if err := e.Gateway.AttemptDelivery(context.Background(), d.(map[string]any)["id"].(string)); err != nil {
				t.Fatal(err)
			}
		}
		got := map[string]int{}
		for _, req := range m.receiver.Requests() {
			if err := kassawebhook.Verify(m.whsec, req.Header.Get("Kassa-Signature"), req.Body, e.Clock.Now()); err != nil {
				t.Errorf("delivery does not verify: %v", err)
			}
			var ev struct {
				Type string `json:"type"`
			}
			_ = json.Unmarshal(req.Body, &ev)
			got[ev.Type]++
		}
		if got["payment.succeeded"] != 1 || got["refund.succeeded"] != 1 {
			t.Errorf("the endpoint received %v, want one payment.succeeded and one refund.succeeded", got)
		}
	})
}

// TestStripePageSettlesWithoutTheReturn: a customer who pays on Stripe's page and never comes back is paid by
// Stripe's signed webhook alone; a session that expires or is canceled closes its Stripe page first, and one whose
// customer paid just before that is paid instead of expired or canceled.
func TestStripePageSettlesWithoutTheReturn(t *testing.T) {
	t.Parallel()
	stripeMock := stripemock.Start(t)
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		pages := newStripePages(t, stripeMock)
		m := newLiveHostedMerchant(t, b, pages)
		e, ctx := m.e, context.Background()
		pageOf := pages.pageOf
		status := func(s map[string]any) any {
			return m.do("GET", "/api/v1/checkout-sessions/"+s["id"].(string), "").JSON(t)["status"]
		}

		byWebhook := m.session(t, "WEBHOOK-1", 1500)
		pages.pay(pageOf(byWebhook))
		body, sig := pages.succeededEvent(pageOf(byWebhook), "evt_kassaHosted2", stripeSigningSecret, e.Clock.Now())
		m.deliverStripe(t, body, sig)
		m.deliverStripe(t, body, sig) // Stripe redelivers
		if st := status(byWebhook); st != "paid" || len(m.payments(t)) != 1 {
			t.Fatalf("after Stripe's event: %v, %d payments", st, len(m.payments(t)))
		}

		canceled := m.session(t, "CANCEL-1", 1600)
		if r := m.do("POST", "/api/v1/checkout-sessions/"+canceled["id"].(string)+"/cancel", ""); r.Status != 200 || r.JSON(t)["status"] != "canceled" {
			t.Fatalf("cancel: %d %s", r.Status, r.Body)
		}
		paidFirst := m.session(t, "CANCEL-2", 1650)
		pages.pay(pageOf(paidFirst)) // the merchant cancels a session its customer has just paid on Stripe's page
		if r := m.do("POST", "/api/v1/checkout-sessions/"+paidFirst["id"].(string)+"/cancel", ""); r.Status != 409 || r.Error(t)["code"] != "session_not_open" {
			t.Errorf("cancel of a session paid on Stripe's page: %d %s", r.Status, r.Body)
		}
		if st := status(paidFirst); st != "paid" {
			t.Errorf("a session paid on Stripe's page, then canceled: %v, want paid", st)
		}
		abandoned := m.session(t, "EXPIRE-1", 1700)
		paidLate := m.session(t, "EXPIRE-2", 1800)
		pages.pay(pageOf(paidLate)) // paid, but neither the return nor the webhook has arrived
		e.Clock.Advance(31 * time.Minute)
		if _, err := e.Gateway.ExpireSessions(ctx); err != nil {
			t.Fatal(err)
		}
		for _, s := range []map[string]any{canceled, abandoned, paidLate} {
			if !slices.Contains(pages.expires, pageOf(s)) {
				t.Errorf("the Stripe page of %s was not closed", s["external_order_id"])
			}
		}
		if st := status(abandoned); st != "expired" {
			t.Errorf("abandoned session: %v, want expired", st)
		}
		if st := status(paidLate); st != "paid" {
			t.Errorf("a session paid on Stripe's page just before expiry: %v, want paid", st)
		}
		if n := len(m.payments(t)); n != 3 {
			t.Errorf("%d payments, want 3", n)
		}
	})
}

// TestStripePageOpening: while Stripe does not answer, the page is a 503 (never Kassa's card form); a page Stripe
// did not answer for is opened on the next page load with the same key (one Stripe page, not two); a page Stripe refuses sends the session back to Kassa's own page, where no card profile
// means payments_not_configured.
func TestStripePageOpening(t *testing.T) {
	t.Parallel()
	stripeMock := stripemock.Start(t)
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		pages := newStripePages(t, stripeMock)
		m := newLiveHostedMerchant(t, b, pages)
		pages.failCreates = 2
		s := m.session(t, "UNANSWERED-1", 2100)
		if p := m.br.Get("/checkout/" + s["id"].(string)); p.Status != http.StatusServiceUnavailable || strings.Contains(p.Body, `name="number"`) {
			t.Fatalf("the page while Stripe still does not answer: %d, want 503 without Kassa's card form\n%s", p.Status, p.Body)
		}
		if s["provider_checkout_url"] != nil {
			t.Fatalf("provider_checkout_url after an unanswered create: %v", s["provider_checkout_url"])
		}
		page := m.br.Get("/checkout/" + s["id"].(string))
		loc := page.Header.Get("Location")
		if page.Status != http.StatusSeeOther || !strings.HasPrefix(loc, pages.URL()+"/c/pay/") {
			t.Fatalf("the page load after an unanswered create: %d %s", page.Status, loc)
		}
		if keys := len(pages.byKey); keys != 1 || len(pages.creates) != 3 {
			t.Errorf("Stripe saw %d creates under %d keys, want 3 under 1", len(pages.creates), keys)
		}
		if got := m.do("GET", "/api/v1/checkout-sessions/"+s["id"].(string), "").JSON(t)["provider_checkout_url"]; got != loc {
			t.Errorf("provider_checkout_url %v, want %s", got, loc)
		}

		pages.refuseAmount = 2200
		refused := m.session(t, "REFUSED-1", 2200)
		if refused["provider_checkout_url"] != nil {
			t.Fatalf("provider_checkout_url of a refused page: %v", refused["provider_checkout_url"])
		}
		webtest.WantStatus(t, "Kassa's own page", m.br.Get("/checkout/"+refused["id"].(string)), http.StatusOK)
		if r := payVisaInEmbed(t, m.e, m.br, refused["id"].(string)); r.Status != 422 || !strings.Contains(r.Body, "payments_not_configured") {
			t.Errorf("a card on Kassa's page with only a hosted-page profile: %d %s", r.Status, r.Body)
		}
	})
}

// wantRedirect stops the test unless the page is a 303 to exactly to.
func wantRedirect(t *testing.T, what string, p webtest.Page, to string) {
	t.Helper()
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != to {
		t.Fatalf("%s: %d to %q, want 303 to %q\n%s", what, p.Status, p.Header.Get("Location"), to, p.Body)
	}
}

// TestStripePageStorm: the customer's returns (a double click, two tabs) and Stripe's events (distinct ids, as
// Stripe sends payment_intent.succeeded and its retries) arriving at once after one payment on Stripe's page record
// one payment and one payment.succeeded.
func TestStripePageStorm(t *testing.T) {
	t.Parallel()
	stripeMock := stripemock.Start(t)
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		pages := newStripePages(t, stripeMock)
		m := newLiveHostedMerchant(t, b, pages)
		s := m.session(t, "STORM-1", 2300)
		csID := pages.pageOf(s)
		pages.pay(csID)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(2)
			go func() {
				defer wg.Done()
				if ret := m.br.Get("/checkout/" + s["id"].(string) + "/return"); ret.Status != http.StatusSeeOther ||
					!strings.HasPrefix(ret.Header.Get("Location"), "https://shop.example/thanks") {
					t.Errorf("return: %d %s", ret.Status, ret.Header.Get("Location"))
				}
			}()
			go func() {
				defer wg.Done()
				body, sig := pages.succeededEvent(csID, fmt.Sprintf("evt_kassaStorm%d", i), stripeSigningSecret, m.e.Clock.Now())
				if r := m.postStripe(body, sig); r.Status != 200 {
					t.Errorf("Stripe event: %d %s", r.Status, r.Body)
				}
			}()
		}
		wg.Wait()
		if n := len(m.payments(t)); n != 1 {
			t.Errorf("%d payments after the storm, want 1", n)
		}
		if evs := m.do("GET", "/api/v1/events?type=payment.succeeded", "").JSON(t)["data"].([]any); len(evs) != 1 {
			t.Errorf("%d payment.succeeded events, want 1", len(evs))
		}
	})
}
