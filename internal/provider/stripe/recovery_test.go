package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/provider/providertest"
)

func sale(number, cvv string) provider.Request {
	return provider.Request{Operation: provider.OperationSale, IdempotencyKey: providertest.NewKey(), Amount: 1000,
		Currency: "USD", Card: card(number, cvv)}
}

// withoutCVV is r as a recovery call sends it.
func withoutCVV(r provider.Request) provider.Request {
	c := *r.Card
	c.CVV = ""
	r.Card = &c
	return r
}

// hangUp answers nothing: it closes the connection after the request arrived, as a reset after sending does.
func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// performed counts the confirmations the fake performed (not replayed, not broken by a hook).
func performed(f *fakeStripe) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, pi := range f.pis {
		if pi.charge != nil || pi.lastError != nil {
			n++
		}
	}
	return n
}

func TestRecoveryAfterTheConfirmationsAnswerWasLost(t *testing.T) {
	t.Parallel()
	f := newFakeStripe(t)
	// A fresh connection per request: on a reused one, net/http itself retries a request that carries an
	// Idempotency-Key when the connection breaks, and Stripe's replay would answer it.
	p := New(Options{SecretKey: testKey, APIBaseURL: f.srv.URL,
		HTTPClient: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}})
	// The first confirmation reaches Stripe and is performed, then the connection breaks before the answer.
	f.setHook(func(w http.ResponseWriter, r *http.Request, form url.Values) bool {
		if !strings.HasSuffix(r.URL.Path, "/confirm") {
			return false
		}
		f.mu.Lock()
		f.hook = nil // serve read it under f.mu
		pi := f.pis[strings.Split(r.URL.Path, "/")[3]]
		status, body := f.confirm(pi, form, true)
		raw, _ := json.Marshal(body)
		f.keys[r.Header.Get("Idempotency-Key")] = storedAnswer{params: r.Method + " " + r.URL.Path + "?" + canonical(form),
			status: status, body: raw}
		f.mu.Unlock()
		hangUp(w)
		return true
	})
	r := sale(cardVisa, "123")
	if res, err := p.Do(context.Background(), r); !errors.Is(err, provider.ErrTimeout) {
		t.Fatalf("first attempt: want ErrTimeout, got %+v, %v", res, err)
	}
	got, err := p.Do(context.Background(), withoutCVV(r))
	if err != nil {
		t.Fatalf("recovery: %v", err)
	}
	var piID string
	f.mu.Lock()
	for id := range f.pis {
		piID = id
	}
	f.mu.Unlock()
	want := provider.Result{Status: provider.StatusSucceeded, ProviderTransactionID: piID,
		AuthCode: fakeAuthorization, ResponseCode: provider.CodeApproved, ResponseMessage: "Approved"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("recovery (-want +got):\n%s", diff)
	}
	if n := performed(f); n != 1 {
		t.Errorf("Stripe performed %d confirmations, want 1", n)
	}
	if n := len(f.calls("POST /v1/payment_methods")); n != 1 {
		t.Errorf("%d PaymentMethods created, want 1 (the recovery answers from the PaymentIntent)", n)
	}
	creates := f.calls("POST /v1/payment_intents")
	if last := creates[len(creates)-1]; last.Path != "/v1/payment_intents" || !last.Replayed {
		t.Errorf("the recovery's PaymentIntent creation was not a replay: %+v", last)
	}
}

func TestRecoveryBeforeTheConfirmationConfirmsOnceWithoutCVV(t *testing.T) {
	t.Parallel()
	f := newFakeStripe(t)
	p := f.connector(time.Second)
	// Stripe fails the first confirmation with a 500 before doing anything.
	f.setHook(func(w http.ResponseWriter, r *http.Request, form url.Values) bool {
		if !strings.HasSuffix(r.URL.Path, "/confirm") {
			return false
		}
		f.setHook(nil)
		writeJSON(w, http.StatusInternalServerError, stripeError("api_error", "", "", "", "An unknown error occurred"))
		return true
	})
	r := sale(cardVisa, "123")
	if res, err := p.Do(context.Background(), r); !errors.Is(err, provider.ErrTimeout) {
		t.Fatalf("first attempt: want ErrTimeout, got %+v, %v", res, err)
	}
	got, err := p.Do(context.Background(), withoutCVV(r))
	if err != nil || got.Status != provider.StatusSucceeded || got.AuthCode != fakeAuthorization {
		t.Fatalf("recovery: want succeeded, got %+v, %v", got, err)
	}
	pms := f.calls("POST /v1/payment_methods")
	if len(pms) != 2 {
		t.Fatalf("want a PaymentMethod per attempt, got %d", len(pms))
	}
	if !strings.HasSuffix(pms[1].Key, ":pm-nocvc") || pms[1].Form.Has("card[cvc]") {
		t.Errorf("the recovery's PaymentMethod: key %q, cvc sent %v; want :pm-nocvc without a CVC", pms[1].Key,
			pms[1].Form.Has("card[cvc]"))
	}
	if n := performed(f); n != 1 {
		t.Errorf("Stripe performed %d confirmations, want 1", n)
	}
	// A second recovery answers from the PaymentIntent, the same Result.
	again, err := p.Do(context.Background(), withoutCVV(r))
	if diff := cmp.Diff(got, again); err != nil || diff != "" {
		t.Errorf("second recovery: %v (-first +again):\n%s", err, diff)
	}
	if n := len(f.calls("POST /v1/payment_methods")); n != 2 {
		t.Errorf("the second recovery created a PaymentMethod")
	}
}

func TestRecoveryOfADeclineAnswersTheDecline(t *testing.T) {
	t.Parallel()
	f := newFakeStripe(t)
	p := f.connector(time.Second)
	r := sale("4000000000009995", "123")
	first, err := p.Do(context.Background(), r)
	if err != nil || first.ResponseCode != provider.CodeInsufficientFunds {
		t.Fatalf("first attempt: want 51, got %+v, %v", first, err)
	}
	got, err := p.Do(context.Background(), withoutCVV(r))
	if diff := cmp.Diff(first, got); err != nil || diff != "" {
		t.Errorf("recovery: %v (-first +recovery):\n%s", err, diff)
	}
	if n := len(f.calls("POST /v1/payment_methods")); n != 1 {
		t.Errorf("the recovery of a decline tried the card again (%d PaymentMethods)", n)
	}
}

func TestDeclines(t *testing.T) {
	t.Parallel()
	f := newFakeStripe(t)
	p := f.connector(time.Second)
	for _, tc := range []struct {
		number             string
		status             provider.Status
		code, decline, msg string
		transaction        bool
	}{
		{"4000000000000002", provider.StatusDeclined, "05", "do_not_honor", "Do not honor (Stripe: generic_decline)", true},
		{"4000000000009995", provider.StatusDeclined, "51", "insufficient_funds", "Insufficient funds (Stripe: insufficient_funds)", true},
		{"4000000000009987", provider.StatusDeclined, "05", "do_not_honor", "Do not honor (Stripe: lost_card)", true},
		{"4000000000000069", provider.StatusDeclined, "54", "expired_card", "Expired card (Stripe: expired_card)", true},
		{"4000000000000127", provider.StatusDeclined, "N7", "incorrect_cvc", "CVV mismatch (Stripe: incorrect_cvc)", true},
		{"4000000000000119", provider.StatusFailed, "96", "processing_error", "Processing error (Stripe: processing_error)", true},
		{"4000002760003184", provider.StatusDeclined, "05", "authentication_required", "Authentication required (3-D Secure); use the hosted page", true},
		{cardBadNumber, provider.StatusDeclined, "14", "incorrect_number", "Invalid card number (Stripe: incorrect_number)", true},
	} {
		got, err := p.Do(context.Background(), sale(tc.number, "123"))
		if err != nil {
			t.Errorf("%s: %v", tc.number, err)
			continue
		}
		want := provider.Result{Status: tc.status, ResponseCode: tc.code, DeclineCode: tc.decline, ResponseMessage: tc.msg}
		if !strings.HasPrefix(got.ProviderTransactionID, "pi_") {
			t.Errorf("%s: a decline without its PaymentIntent: %+v", tc.number, got)
		}
		got.ProviderTransactionID = ""
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.number, diff)
		}
	}
}

func TestFraudHintFromRadar(t *testing.T) {
	t.Parallel()
	p := newFakeStripe(t).connector(time.Second)
	got, err := p.Do(context.Background(), sale(cardElevatedRisk, "123"))
	if err != nil || got.Status != provider.StatusSucceeded || !got.FraudHint {
		t.Errorf("want succeeded with FraudHint, got %+v, %v", got, err)
	}
}

func TestUnknownOutcomes(t *testing.T) {
	t.Parallel()
	for name, hook := range map[string]func(w http.ResponseWriter){
		"500": func(w http.ResponseWriter) {
			writeJSON(w, 500, stripeError("api_error", "", "", "", "An unknown error occurred"))
		},
		"503 html": func(w http.ResponseWriter) { w.WriteHeader(503); _, _ = w.Write([]byte("<html>upstream</html>")) },
		"409 lock": func(w http.ResponseWriter) {
			writeJSON(w, 409, stripeError("invalid_request_error", "lock_timeout", "", "", "This object cannot be accessed right now because another API request or Stripe process is currently accessing it."))
		},
		"409 in use": func(w http.ResponseWriter) {
			writeJSON(w, 409, stripeError("idempotency_error", "idempotency_key_in_use", "", "", "There is currently another in-progress request using this Stripe-Idempotency-Key."))
		},
		"reset":     hangUp,
		"garbage":   func(w http.ResponseWriter) { w.WriteHeader(200); _, _ = w.Write([]byte(`{"id": "pi_`)) },
		"no answer": func(w http.ResponseWriter) { time.Sleep(400 * time.Millisecond) },
	} {
		for _, step := range []string{"/v1/payment_intents", "/v1/payment_methods", "/confirm"} {
			t.Run(name+" at "+step, func(t *testing.T) {
				t.Parallel()
				f := newFakeStripe(t)
				f.setHook(func(w http.ResponseWriter, r *http.Request, _ url.Values) bool {
					if !strings.HasSuffix(r.URL.Path, step) {
						return false
					}
					hook(w)
					return true
				})
				res, err := f.connector(200*time.Millisecond).Do(context.Background(), sale(cardVisa, "123"))
				if !errors.Is(err, provider.ErrTimeout) {
					t.Errorf("want ErrTimeout, got %+v, %v", res, err)
				}
				if err != nil && strings.Contains(err.Error(), cardVisa) {
					t.Errorf("error shows the card number: %v", err)
				}
			})
		}
	}
}

func TestTheCallersContextEndingIsItsError(t *testing.T) {
	t.Parallel()
	f := newFakeStripe(t)
	f.setHook(func(w http.ResponseWriter, r *http.Request, _ url.Values) bool {
		<-r.Context().Done()
		return true
	})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	res, err := f.connector(time.Minute).Do(ctx, sale(cardVisa, "123"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want the context's error, got %+v, %v", res, err)
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}

func TestStripeNotReached(t *testing.T) {
	t.Parallel()
	unavailable := provider.Result{Status: provider.StatusFailed, ResponseCode: provider.CodeProcessingError,
		DeclineCode: provider.DeclineProcessorUnavailable}
	refused := New(Options{SecretKey: testKey, APIBaseURL: closedPort(t)})
	noDNS := New(Options{SecretKey: testKey, APIBaseURL: "http://stripe.invalid"})
	f := newFakeStripe(t)
	f.setHook(func(w http.ResponseWriter, r *http.Request, _ url.Values) bool {
		writeJSON(w, http.StatusTooManyRequests, stripeError("invalid_request_error", "rate_limit", "", "", "Too many requests"))
		return true
	})
	limited := f.connector(time.Second)
	badKey := New(Options{SecretKey: "sk_test_51WrongKey", APIBaseURL: newFakeStripe(t).srv.URL})
	for name, p := range map[string]*Stripe{"refused": refused, "no DNS": noDNS, "429": limited, "401": badKey} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, op := range []provider.Operation{provider.OperationAuthorize, provider.OperationSale} {
				r := sale(cardVisa, "123")
				r.Operation = op
				got, err := p.Do(context.Background(), r)
				if err != nil {
					t.Fatalf("first attempt of a %s: want a definitive failure, got %v", op, err)
				}
				if got.ResponseMessage == "" || strings.Contains(got.ResponseMessage, testKey) ||
					strings.Contains(got.ResponseMessage, "sk_test_51WrongKey") {
					t.Errorf("message %q is empty or shows the key", got.ResponseMessage)
				}
				got.ResponseMessage = ""
				if diff := cmp.Diff(unavailable, got); diff != "" {
					t.Errorf("first attempt of a %s (-want +got):\n%s", op, diff)
				}
				// Without the CVV the call may be a recovery whose first attempt reached Stripe: unknown.
				if res, err := p.Do(context.Background(), withoutCVV(r)); !errors.Is(err, provider.ErrTimeout) {
					t.Errorf("call without CVV: want ErrTimeout, got %+v, %v", res, err)
				}
			}
			for _, op := range []provider.Operation{provider.OperationCapture, provider.OperationVoid, provider.OperationRefund} {
				r := provider.Request{Operation: op, IdempotencyKey: providertest.NewKey(), Amount: 1000, Currency: "USD",
					ProviderTransactionID: "pi_3QfakeUnreached"}
				if res, err := p.Do(context.Background(), r); !errors.Is(err, provider.ErrTimeout) {
					t.Errorf("%s: want ErrTimeout, got %+v, %v", op, res, err)
				}
			}
			if res, err := p.Lookup(context.Background(), "pi_3QfakeUnreached"); !errors.Is(err, provider.ErrTimeout) {
				t.Errorf("lookup: want ErrTimeout, got %+v, %v", res, err)
			}
		})
	}
}

func TestInvalidRequestsFailWithoutTransaction(t *testing.T) {
	t.Parallel()
	f := newFakeStripe(t)
	p := f.connector(time.Second)
	sold, err := p.Do(context.Background(), sale(cardVisa, "123"))
	if err != nil || sold.Status != provider.StatusSucceeded {
		t.Fatal(sold, err)
	}
	for name, tc := range map[string]struct {
		r    provider.Request
		code string
	}{
		"capture of an unknown PaymentIntent": {provider.Request{Operation: provider.OperationCapture, Amount: 100,
			ProviderTransactionID: "pi_3QfakeUnknown"}, provider.CodeInvalidTransaction},
		"refund of more than was paid": {provider.Request{Operation: provider.OperationRefund, Amount: 5000,
			ProviderTransactionID: sold.ProviderTransactionID}, provider.CodeInvalidAmount},
		"capture of a sale": {provider.Request{Operation: provider.OperationCapture, Amount: 100,
			ProviderTransactionID: sold.ProviderTransactionID}, provider.CodeInvalidTransaction},
		"void of a sale": {provider.Request{Operation: provider.OperationVoid,
			ProviderTransactionID: sold.ProviderTransactionID}, provider.CodeInvalidTransaction},
		"sale below Stripe's minimum": {provider.Request{Operation: provider.OperationSale, Amount: 10,
			Card: card(cardVisa, "123")}, provider.CodeInvalidAmount},
		"UPI": {provider.Request{Operation: provider.OperationSale, Amount: 100, VPA: "success@kassa"},
			provider.CodeInvalidTransaction},
	} {
		tc.r.IdempotencyKey, tc.r.Currency = providertest.NewKey(), "USD"
		got, err := p.Do(context.Background(), tc.r)
		if err != nil || got.Status != provider.StatusFailed || got.ResponseCode != tc.code || got.ProviderTransactionID != "" {
			t.Errorf("%s: want failed %s without a transaction, got %+v, %v", name, tc.code, got, err)
		}
	}
	if got, err := p.Lookup(context.Background(), "pi_3QfakeUnknown"); err != nil ||
		got.Status != provider.StatusFailed || got.ResponseCode != provider.CodeInvalidTransaction {
		t.Errorf("lookup of an unknown PaymentIntent: %+v, %v", got, err)
	}
}

func TestRefundsAndTheirLookup(t *testing.T) {
	t.Parallel()
	f := newFakeStripe(t)
	p := f.connector(time.Second)
	sold, err := p.Do(context.Background(), sale(cardVisa, "123"))
	if err != nil {
		t.Fatal(err)
	}
	r := provider.Request{Operation: provider.OperationRefund, IdempotencyKey: providertest.NewKey(), Amount: 400,
		Currency: "USD", ProviderTransactionID: sold.ProviderTransactionID}
	refund, err := p.Do(context.Background(), r)
	if err != nil || refund.Status != provider.StatusSucceeded || !strings.HasPrefix(refund.ProviderTransactionID, "re_") {
		t.Fatalf("refund: %+v, %v", refund, err)
	}
	if again, err := p.Do(context.Background(), r); err != nil || again != refund {
		t.Errorf("refund retried: %+v, %v; first %+v", again, err, refund)
	}
	if got, err := p.Lookup(context.Background(), refund.ProviderTransactionID); err != nil || got != refund {
		t.Errorf("lookup of the refund: %+v, %v", got, err)
	}
	f.mu.Lock()
	refunded := f.pis[sold.ProviderTransactionID].refunded
	f.mu.Unlock()
	if refunded != 400 {
		t.Errorf("refunded %d, want 400 once", refunded)
	}
}

func TestNoSecretInResultsOrErrors(t *testing.T) {
	t.Parallel()
	f := newFakeStripe(t)
	// Stripe's messages may echo parameters: this one echoes the card number and the key.
	f.setHook(func(w http.ResponseWriter, r *http.Request, form url.Values) bool {
		switch {
		case r.URL.Path == "/v1/payment_methods":
			writeJSON(w, 400, stripeError("invalid_request_error", "parameter_invalid_string", "", "card[number]",
				"Invalid card[number]: "+form.Get("card[number]")+" with key "+testKey))
		case strings.HasSuffix(r.URL.Path, "/capture"):
			writeJSON(w, 500, stripeError("api_error", "", "", "", "Failure for "+testKey))
		default:
			return false
		}
		return true
	})
	p := f.connector(time.Second)
	got, err := p.Do(context.Background(), sale(cardVisa, "123"))
	if err != nil || got.Status != provider.StatusFailed {
		t.Fatalf("want failed, got %+v, %v", got, err)
	}
	if strings.Contains(got.ResponseMessage, cardVisa) || strings.Contains(got.ResponseMessage, testKey) {
		t.Errorf("Result shows a secret: %q", got.ResponseMessage)
	}
	_, err = p.Do(context.Background(), provider.Request{Operation: provider.OperationCapture, IdempotencyKey: "k",
		Amount: 100, Currency: "USD", ProviderTransactionID: "pi_3Qfake"})
	if err == nil || strings.Contains(err.Error(), testKey) {
		t.Errorf("want an error without the key, got %v", err)
	}
}

func TestCardDataGoesOnlyIntoThePaymentMethod(t *testing.T) {
	t.Parallel()
	f := newFakeStripe(t)
	p := f.connector(time.Second)
	const cvv = "987"
	auth, err := p.Do(context.Background(), provider.Request{Operation: provider.OperationAuthorize,
		IdempotencyKey: providertest.NewKey(), Amount: 1000, Currency: "USD", Card: card(cardVisa, cvv)})
	if err != nil || auth.Status != provider.StatusSucceeded {
		t.Fatal(auth, err)
	}
	if _, err := p.Do(context.Background(), provider.Request{Operation: provider.OperationCapture,
		IdempotencyKey: providertest.NewKey(), Amount: 1000, Currency: "USD", ProviderTransactionID: auth.ProviderTransactionID}); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.requests {
		for k, vs := range r.Form {
			for _, v := range vs {
				isCard := r.Path == "/v1/payment_methods" && (k == "card[number]" || k == "card[cvc]")
				if !isCard && (strings.Contains(v, cardVisa) || v == cvv) {
					t.Errorf("%s %s sends card data in %s", r.Method, r.Path, k)
				}
			}
		}
		if strings.Contains(r.Path, cardVisa) || strings.Contains(r.Key, cardVisa) {
			t.Errorf("card number in %s %s (key %q)", r.Method, r.Path, r.Key)
		}
	}
}

func TestEachProfileUsesItsOwnKey(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Header.Get("Authorization")] = true
		mu.Unlock()
		writeJSON(w, 404, stripeError("invalid_request_error", "resource_missing", "", "id", "No such payment_intent"))
	}))
	t.Cleanup(srv.Close)
	a := New(Options{SecretKey: "sk_test_profileA", APIBaseURL: srv.URL})
	b := New(Options{SecretKey: "sk_test_profileB", APIBaseURL: srv.URL})
	for _, p := range []*Stripe{a, b, a} {
		if res, err := p.Lookup(context.Background(), "pi_3QfakeNone"); err != nil || res.Status != provider.StatusFailed {
			t.Fatalf("lookup: %+v, %v", res, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(map[string]bool{"Bearer sk_test_profileA": true, "Bearer sk_test_profileB": true}, seen); diff != "" {
		t.Errorf("Authorization headers (-want +got):\n%s", diff)
	}
	if a.Name() != "stripe" {
		t.Errorf("Name %q", a.Name())
	}
}
