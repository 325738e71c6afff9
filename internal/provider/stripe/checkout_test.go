package stripe

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/provider"
)

// Checkout Session bodies as Stripe answers GET /v1/checkout/sessions/{id}?expand[]=payment_intent.latest_charge.
const (
	sessionOpen = `{"id":"cs_test_open","object":"checkout.session","mode":"payment","status":"open",
"payment_status":"unpaid","amount_total":2500,"currency":"eur","payment_intent":null,
"url":"https://checkout.stripe.com/c/pay/cs_test_open"}`
	sessionRetrying = `{"id":"cs_test_retrying","object":"checkout.session","mode":"payment","status":"open",
"payment_status":"unpaid","payment_intent":{"id":"pi_3QfakeRetry","object":"payment_intent","status":"requires_payment_method",
"last_payment_error":{"type":"card_error","code":"card_declined","decline_code":"generic_decline"}}}`
	sessionPaid = `{"id":"cs_test_paid","object":"checkout.session","mode":"payment","status":"complete",
"payment_status":"paid","payment_intent":{"id":"pi_3QfakePaid","object":"payment_intent","status":"succeeded",
"amount":2500,"currency":"eur","latest_charge":{"id":"ch_3QfakePaid","object":"charge","status":"succeeded",
"outcome":{"risk_level":"normal","type":"authorized"},"payment_method_details":{"type":"card",
"card":{"authorization_code":"831000","brand":"visa","last4":"4242"}}}}}`
	sessionAuthorized = `{"id":"cs_test_auth","object":"checkout.session","mode":"payment","status":"complete",
"payment_status":"unpaid","payment_intent":{"id":"pi_3QfakeAuth","object":"payment_intent","status":"requires_capture",
"capture_method":"manual","latest_charge":{"id":"ch_3QfakeAuth","object":"charge","payment_method_details":{"type":"card",
"card":{"authorization_code":"123987"}}}}}`
	sessionExpired = `{"id":"cs_test_expired","object":"checkout.session","mode":"payment","status":"expired",
"payment_status":"unpaid","payment_intent":null}`
	sessionExpiredDeclined = `{"id":"cs_test_expdecl","object":"checkout.session","mode":"payment","status":"expired",
"payment_status":"unpaid","payment_intent":{"id":"pi_3QfakeExpDecl","object":"payment_intent",
"status":"requires_payment_method","last_payment_error":{"type":"card_error","code":"expired_card"}}}`
)

func TestCheckoutOutcome(t *testing.T) {
	t.Parallel()
	bodies := map[string]string{"cs_test_open": sessionOpen, "cs_test_retrying": sessionRetrying,
		"cs_test_paid": sessionPaid, "cs_test_auth": sessionAuthorized, "cs_test_expired": sessionExpired,
		"cs_test_expdecl": sessionExpiredDeclined}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Path[len("/v1/checkout/sessions/"):]
		if got := r.URL.Query()["expand[0]"]; len(got) != 1 || got[0] != "payment_intent.latest_charge" {
			t.Errorf("retrieve without the PaymentIntent expanded: %v", r.URL.Query())
		}
		switch body, ok := bodies[id]; {
		case id == "cs_test_broken":
			writeJSON(w, 502, stripeError("api_error", "", "", "", "Bad gateway"))
		case !ok:
			writeJSON(w, 404, stripeError("invalid_request_error", "resource_missing", "", "session", "No such checkout.session: '"+id+"'"))
		default:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(body))
		}
	}))
	t.Cleanup(srv.Close)
	p := New(Options{SecretKey: testKey, APIBaseURL: srv.URL, Timeout: time.Second})
	result := func(code, msg, id, auth string, poll time.Duration) provider.Result {
		r := provider.ResultFor(code)
		if msg != "" {
			r.ResponseMessage = msg
		}
		r.ProviderTransactionID, r.AuthCode, r.PollAfter = id, auth, poll
		return r
	}
	for _, tc := range []struct {
		session string
		want    provider.Result
		pi      string
	}{
		{"cs_test_open", result("09", "Waiting for the customer on Stripe's page", "cs_test_open", "", PollAfter), ""},
		{"cs_test_retrying", result("09", "Waiting for the customer on Stripe's page", "pi_3QfakeRetry", "", PollAfter), "pi_3QfakeRetry"},
		{"cs_test_paid", result("00", "", "pi_3QfakePaid", "831000", 0), "pi_3QfakePaid"},
		{"cs_test_auth", result("00", "", "pi_3QfakeAuth", "123987", 0), "pi_3QfakeAuth"},
		{"cs_test_expired", result("05", "Checkout Session expired", "", "", 0), ""},
		{"cs_test_expdecl", result("54", "Expired card (Stripe: expired_card)", "pi_3QfakeExpDecl", "", 0), "pi_3QfakeExpDecl"},
		{"cs_test_unknown", result("12", "Invalid transaction: No such checkout.session: 'cs_test_unknown'", "", "", 0), ""},
		{"not-a-session", result("12", "Invalid transaction: not a Stripe Checkout Session id", "", "", 0), ""},
	} {
		got, pi, err := p.CheckoutOutcome(context.Background(), tc.session)
		if err != nil {
			t.Errorf("%s: %v", tc.session, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" || pi != tc.pi {
			t.Errorf("%s: PaymentIntent %q, want %q; Result (-want +got):\n%s", tc.session, pi, tc.pi, diff)
		}
	}
	if res, _, err := p.CheckoutOutcome(context.Background(), "cs_test_broken"); !errors.Is(err, provider.ErrTimeout) {
		t.Errorf("a 502: want ErrTimeout, got %+v, %v", res, err)
	}
}

func TestCreateCheckoutSession(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var form url.Values
	var key string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		form, key = r.PostForm, r.Header.Get("Idempotency-Key")
		mu.Unlock()
		if r.PostForm.Get("success_url") == "not a url" {
			writeJSON(w, 400, stripeError("invalid_request_error", "url_invalid", "", "success_url", "Not a valid URL"))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"cs_test_new","object":"checkout.session","status":"open","payment_status":"unpaid",
"url":"https://checkout.stripe.com/c/pay/cs_test_new"}`))
	}))
	t.Cleanup(srv.Close)
	p := New(Options{SecretKey: testKey, APIBaseURL: srv.URL, Timeout: time.Second})
	req := HostedRequest{IdempotencyKey: "cs_kassa_1", Amount: 2500, Currency: "EUR", Description: "Order 42",
		SuccessURL: "https://pay.example/return/cs_kassa_1?s={CHECKOUT_SESSION_ID}", CancelURL: "https://pay.example/cancel", CaptureManual: true}
	got, err := p.CreateCheckoutSession(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if want := (HostedSession{ID: "cs_test_new", URL: "https://checkout.stripe.com/c/pay/cs_test_new"}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	mu.Lock()
	sent := map[string]string{}
	for k := range form {
		sent[k] = form.Get(k)
	}
	gotKey := key
	mu.Unlock()
	want := map[string]string{
		"mode": "payment", "success_url": req.SuccessURL, "cancel_url": req.CancelURL, "client_reference_id": "cs_kassa_1",
		"metadata[kassa_idempotency_key]": "cs_kassa_1", "line_items[0][quantity]": "1",
		"line_items[0][price_data][currency]": "eur", "line_items[0][price_data][unit_amount]": "2500",
		"line_items[0][price_data][product_data][name]": "Order 42", "payment_intent_data[capture_method]": "manual",
		"payment_intent_data[metadata][kassa_idempotency_key]": "cs_kassa_1",
	}
	if diff := cmp.Diff(want, sent); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	if gotKey != "cs_kassa_1:checkout" {
		t.Errorf("Idempotency-Key %q", gotKey)
	}
	for name, r := range map[string]HostedRequest{
		"no key":       {Amount: 100, Currency: "EUR", SuccessURL: "https://a", CancelURL: "https://b"},
		"zero amount":  {IdempotencyKey: "k", Currency: "EUR", SuccessURL: "https://a", CancelURL: "https://b"},
		"bad currency": {IdempotencyKey: "k", Amount: 100, Currency: "eur", SuccessURL: "https://a", CancelURL: "https://b"},
		"no URLs":      {IdempotencyKey: "k", Amount: 100, Currency: "EUR"},
		"refused":      {IdempotencyKey: "k", Amount: 100, Currency: "EUR", SuccessURL: "not a url", CancelURL: "https://b"},
	} {
		if s, err := p.CreateCheckoutSession(context.Background(), r); !errors.Is(err, ErrHostedInvalid) {
			t.Errorf("%s: want ErrHostedInvalid, got %+v, %v", name, s, err)
		}
	}
}

// TestCheckoutSessionExpiry: the page's expires_at is the requested one clamped into Stripe's window (30 minutes to
// 24 hours) counted from OpenedAt, so a retry under the same key sends the same parameters; the e-mail is prefilled.
func TestCheckoutSessionExpiry(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var sent []url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		sent = append(sent, r.PostForm)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"cs_test_new","object":"checkout.session","status":"open","url":"https://checkout.stripe.com/c/pay/cs_test_new"}`))
	}))
	t.Cleanup(srv.Close)
	p := New(Options{SecretKey: testKey, APIBaseURL: srv.URL, Timeout: time.Second})
	opened := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		expires time.Time
		want    time.Time
	}{
		{opened.Add(time.Hour), opened.Add(time.Hour)},
		{opened.Add(5 * time.Minute), opened.Add(31 * time.Minute)},
		{opened.Add(24 * time.Hour), opened.Add(24*time.Hour - time.Minute)},
	} {
		mu.Lock()
		sent = nil
		mu.Unlock()
		for range 2 { // the same request twice: the same parameters
			if _, err := p.OpenPage(context.Background(), provider.PageRequest{IdempotencyKey: "cs_1@prof_1", Amount: 500, Currency: "USD",
				CustomerEmail: "jane@example.com", ReturnURL: "https://pay.example/r", CancelURL: "https://pay.example/b",
				OpenedAt: opened, ExpiresAt: tc.expires}); err != nil {
				t.Fatal(err)
			}
		}
		mu.Lock()
		for _, f := range sent {
			if got := f.Get("expires_at"); got != strconv.FormatInt(tc.want.Unix(), 10) || f.Get("customer_email") != "jane@example.com" {
				t.Errorf("expires %s: sent expires_at %s (want %d), customer_email %q", tc.expires, got, tc.want.Unix(), f.Get("customer_email"))
			}
		}
		mu.Unlock()
	}
}

// TestExpireCheckoutSession: closing an open page expires it and answers its outcome (nothing paid: declined); a page
// the customer paid cannot be expired (Stripe's 400) and answers the payment; a Stripe that does not answer leaves the
// outcome unknown, as does a page Stripe answers for but cannot close.
func TestExpireCheckoutSession(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var expired []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/v1/checkout/sessions/")
		if csID, ok := strings.CutSuffix(id, "/expire"); ok {
			mu.Lock()
			expired = append(expired, csID)
			mu.Unlock()
			switch csID {
			case "cs_test_paid":
				writeJSON(w, 400, stripeError("invalid_request_error", "", "", "", `Only Checkout Sessions with a status in ["open"] can be expired.`))
			case "cs_test_broken":
				writeJSON(w, 502, stripeError("api_error", "", "", "", "Bad gateway"))
			default:
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(sessionExpired))
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch id {
		case "cs_test_paid":
			_, _ = w.Write([]byte(sessionPaid))
		default:
			_, _ = w.Write([]byte(sessionExpired))
		}
	}))
	t.Cleanup(srv.Close)
	p := New(Options{SecretKey: testKey, APIBaseURL: srv.URL, Timeout: time.Second})
	if res, err := p.ClosePage(context.Background(), "cs_test_open"); err != nil || res.Status != provider.StatusDeclined {
		t.Errorf("an open page: %+v, %v; want declined", res, err)
	}
	if res, err := p.ClosePage(context.Background(), "cs_test_paid"); err != nil || res.Status != provider.StatusSucceeded || res.ProviderTransactionID != "pi_3QfakePaid" {
		t.Errorf("a paid page: %+v, %v; want succeeded with its PaymentIntent", res, err)
	}
	if res, err := p.ClosePage(context.Background(), "cs_test_broken"); !errors.Is(err, provider.ErrTimeout) {
		t.Errorf("a 502: want ErrTimeout, got %+v, %v", res, err)
	}
	if res, err := p.ClosePage(context.Background(), "pi_not_a_session"); err != nil || res.Status != provider.StatusFailed {
		t.Errorf("not a session id: %+v, %v", res, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"cs_test_open", "cs_test_paid", "cs_test_broken"}; !cmp.Equal(expired, want) {
		t.Errorf("expired %v, want %v", expired, want)
	}
}
