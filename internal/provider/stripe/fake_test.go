package stripe

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeStripe answers the endpoints the connector uses the way Stripe's API does, with response bodies shaped as in
// Stripe's API reference (objects, 402 card errors carrying the PaymentIntent, 400 invalid_request_error, 404
// resource_missing), and what stripe-mock cannot do: it remembers objects and idempotency keys (a repeated key
// replays the stored answer with Idempotent-Replayed: true; other parameters under a used key get 400
// idempotency_error) and declines Stripe's test cards. hook lets a test break one call.
type fakeStripe struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	next     int
	keys     map[string]storedAnswer
	pis      map[string]*fakePI
	pms      map[string]string // PaymentMethod id → card number
	refunds  map[string]map[string]any
	requests []fakeRequest
	// hook, when set, sees each request first; it returns true when it answered (or broke) the request itself.
	hook func(w http.ResponseWriter, r *http.Request, form url.Values) bool
}

type storedAnswer struct {
	params string
	status int
	body   []byte
}

// fakeRequest is one request as the fake received it.
type fakeRequest struct {
	Method, Path, Key string
	Form              url.Values
	Replayed          bool
}

type fakePI struct {
	id, status, captureMethod, currency, cancellationReason string
	amount, capturable, received, refunded                  int64
	metadata                                                map[string]string
	lastError                                               map[string]any
	charge                                                  map[string]any
}

// testCards are Stripe's test card numbers and what the fake answers for them at confirmation.
var testCards = map[string]struct{ code, decline string }{
	"4000000000000002": {"card_declined", "generic_decline"},
	"4000000000009995": {"card_declined", "insufficient_funds"},
	"4000000000009987": {"card_declined", "lost_card"},
	"4000000000000069": {"expired_card", ""},
	"4000000000000127": {"incorrect_cvc", ""},
	"4000000000000119": {"processing_error", ""},
	"4000002760003184": {"authentication_required", "authentication_required"},
}

const (
	cardVisa          = "4242424242424242"
	cardDecline       = "4000000000000002"
	cardBadNumber     = "4242424242424241" // fails Luhn: Stripe refuses it at PaymentMethod creation
	cardElevatedRisk  = "4000000000009235"
	cardHangs         = "4000000000000408" // not Stripe's: the fake never answers its confirmation
	fakeAuthorization = "A1B2C3"
)

func newFakeStripe(t *testing.T) *fakeStripe {
	f := &fakeStripe{t: t, keys: map[string]storedAnswer{}, pis: map[string]*fakePI{}, pms: map[string]string{},
		refunds: map[string]map[string]any{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// connector returns a connector pointed at the fake.
func (f *fakeStripe) connector(timeout time.Duration) *Stripe {
	return New(Options{SecretKey: testKey, APIBaseURL: f.srv.URL, Timeout: timeout})
}

const testKey = "sk_test_51KassaFakeSecretKeyForTests"

// setHook sets (or, with nil, clears) the hook.
func (f *fakeStripe) setHook(h func(w http.ResponseWriter, r *http.Request, form url.Values) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook = h
}

// calls returns the requests received whose "METHOD path" starts with prefix.
func (f *fakeStripe) calls(prefix string) []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeRequest
	for _, r := range f.requests {
		if strings.HasPrefix(r.Method+" "+r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeStripe) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	form := r.Form
	if r.Method == http.MethodPost {
		form = r.PostForm
	}
	key := r.Header.Get("Idempotency-Key")
	f.mu.Lock()
	f.requests = append(f.requests, fakeRequest{Method: r.Method, Path: r.URL.Path, Key: key, Form: form})
	hook := f.hook
	f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+testKey {
		writeJSON(w, http.StatusUnauthorized, stripeError("invalid_request_error", "", "", "", "Invalid API Key provided: "+
			strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")))
		return
	}
	if hook != nil && hook(w, r, form) {
		return
	}
	f.mu.Lock()
	hangs := strings.HasSuffix(r.URL.Path, "/confirm") && f.pms[form.Get("payment_method")] == cardHangs
	f.mu.Unlock()
	if hangs { // the connection stays open and silent until the client gives up
		<-r.Context().Done()
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	params := r.Method + " " + r.URL.Path + "?" + canonical(form)
	if r.Method == http.MethodPost && key != "" {
		if prev, ok := f.keys[key]; ok {
			if prev.params != params {
				writeJSON(w, http.StatusBadRequest, stripeError("idempotency_error", "", "", "",
					"Keys for idempotent requests can only be used with the same parameters they were first used with."))
				return
			}
			f.requests[len(f.requests)-1].Replayed = true
			w.Header().Set("Idempotent-Replayed", "true")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(prev.status)
			_, _ = w.Write(prev.body)
			return
		}
	}
	status, body := f.route(r, form)
	raw, err := json.Marshal(body)
	if err != nil {
		f.t.Errorf("fake stripe: %v", err)
	}
	if r.Method == http.MethodPost && key != "" && status < 500 {
		f.keys[key] = storedAnswer{params: params, status: status, body: raw}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", fmt.Sprintf("req_fake%d", len(f.requests)))
	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

func canonical(form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s&", k, strings.Join(form[k], ","))
	}
	return b.String()
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// route performs one call; the caller holds f.mu.
func (f *fakeStripe) route(r *http.Request, form url.Values) (int, any) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	expand := strings.Join(form["expand[0]"], ",") + strings.Join(form["expand[]"], ",")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/payment_intents":
		return f.createPI(form)
	case r.Method == http.MethodGet && len(parts) == 3 && parts[1] == "payment_intents":
		pi, ok := f.pis[parts[2]]
		if !ok {
			return missing("payment_intent", parts[2])
		}
		return http.StatusOK, pi.json(strings.Contains(expand, "latest_charge"))
	case r.Method == http.MethodPost && len(parts) == 4 && parts[1] == "payment_intents":
		pi, ok := f.pis[parts[2]]
		if !ok {
			return missing("payment_intent", parts[2])
		}
		switch parts[3] {
		case "confirm":
			return f.confirm(pi, form, strings.Contains(expand, "latest_charge"))
		case "capture":
			return f.capture(pi, form)
		case "cancel":
			return f.cancel(pi)
		}
	case r.Method == http.MethodPost && r.URL.Path == "/v1/payment_methods":
		return f.createPM(form)
	case r.Method == http.MethodPost && r.URL.Path == "/v1/refunds":
		return f.createRefund(form)
	case r.Method == http.MethodGet && len(parts) == 3 && parts[1] == "refunds":
		re, ok := f.refunds[parts[2]]
		if !ok {
			return missing("refund", parts[2])
		}
		return http.StatusOK, re
	}
	return http.StatusNotFound, stripeError("invalid_request_error", "", "", "",
		"Unrecognized request URL ("+r.Method+": "+r.URL.Path+").")
}

func (f *fakeStripe) id(prefix string) string {
	f.next++
	return fmt.Sprintf("%s3Qfake%08dKassa", prefix, f.next)
}

func (f *fakeStripe) createPI(form url.Values) (int, any) {
	amount, err := strconv.ParseInt(form.Get("amount"), 10, 64)
	if err != nil || amount < 50 {
		return http.StatusBadRequest, stripeError("invalid_request_error", "amount_too_small", "", "amount",
			"Amount must be at least $0.50 usd")
	}
	pi := &fakePI{id: f.id("pi_"), status: "requires_payment_method", amount: amount,
		currency: form.Get("currency"), captureMethod: form.Get("capture_method"), metadata: map[string]string{}}
	for k, v := range form {
		if m, ok := strings.CutPrefix(k, "metadata["); ok {
			pi.metadata[strings.TrimSuffix(m, "]")] = v[0]
		}
	}
	f.pis[pi.id] = pi
	return http.StatusOK, pi.json(false)
}

func (f *fakeStripe) createPM(form url.Values) (int, any) {
	number := form.Get("card[number]")
	if number == cardBadNumber {
		return http.StatusPaymentRequired, stripeError("card_error", "incorrect_number", "", "number",
			"Your card number is incorrect.")
	}
	id := f.id("pm_")
	f.pms[id] = number
	return http.StatusOK, map[string]any{"id": id, "object": "payment_method", "type": "card", "livemode": false,
		"card": map[string]any{"brand": "visa", "last4": number[len(number)-4:], "exp_month": atoi(form.Get("card[exp_month]")),
			"exp_year": atoi(form.Get("card[exp_year]")), "checks": map[string]any{"cvc_check": cvcCheck(form)}}}
}

func cvcCheck(form url.Values) any {
	if form.Get("card[cvc]") == "" {
		return nil
	}
	return "pass"
}

func (f *fakeStripe) confirm(pi *fakePI, form url.Values, expand bool) (int, any) {
	if pi.status != "requires_payment_method" && pi.status != "requires_confirmation" {
		return http.StatusBadRequest, unexpectedState(pi, "confirm")
	}
	number, ok := f.pms[form.Get("payment_method")]
	if !ok {
		return missing("payment_method", form.Get("payment_method"))
	}
	if c, ok := testCards[number]; ok {
		e := stripeError("card_error", c.code, c.decline, "", "Your card was declined.")
		lastErr := map[string]any{"type": "card_error", "code": c.code, "message": "Your card was declined."}
		if c.decline != "" {
			lastErr["decline_code"] = c.decline
		}
		pi.lastError = lastErr
		pi.status = "requires_payment_method"
		e["error"].(map[string]any)["payment_intent"] = pi.json(false)
		return http.StatusPaymentRequired, e
	}
	risk := "normal"
	if number == cardElevatedRisk {
		risk = "elevated"
	}
	pi.lastError = nil
	pi.charge = map[string]any{"id": "ch" + strings.TrimPrefix(pi.id, "pi"), "object": "charge", "amount": pi.amount,
		"paid": true, "status": "succeeded", "captured": pi.captureMethod != "manual",
		"outcome":                map[string]any{"network_status": "approved_by_network", "risk_level": risk, "type": "authorized"},
		"payment_method_details": map[string]any{"type": "card", "card": map[string]any{"authorization_code": fakeAuthorization, "brand": "visa", "last4": number[len(number)-4:]}}}
	if pi.captureMethod == "manual" {
		pi.status, pi.capturable = "requires_capture", pi.amount
	} else {
		pi.status, pi.received = "succeeded", pi.amount
	}
	return http.StatusOK, pi.json(expand)
}

func (f *fakeStripe) capture(pi *fakePI, form url.Values) (int, any) {
	if pi.status != "requires_capture" {
		return http.StatusBadRequest, unexpectedState(pi, "capture")
	}
	amount := pi.capturable
	if a := form.Get("amount_to_capture"); a != "" {
		amount, _ = strconv.ParseInt(a, 10, 64)
	}
	if amount > pi.capturable {
		return http.StatusBadRequest, stripeError("invalid_request_error", "amount_too_large", "", "amount_to_capture",
			"The amount to capture must be less than or equal to the amount capturable.")
	}
	pi.status, pi.received, pi.capturable = "succeeded", amount, 0
	return http.StatusOK, pi.json(false)
}

func (f *fakeStripe) cancel(pi *fakePI) (int, any) {
	switch pi.status {
	case "requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing":
		pi.status, pi.capturable, pi.cancellationReason = "canceled", 0, "requested_by_customer"
		return http.StatusOK, pi.json(false)
	}
	return http.StatusBadRequest, unexpectedState(pi, "cancel")
}

func (f *fakeStripe) createRefund(form url.Values) (int, any) {
	pi, ok := f.pis[form.Get("payment_intent")]
	if !ok {
		return missing("payment_intent", form.Get("payment_intent"))
	}
	if pi.status != "succeeded" {
		return http.StatusBadRequest, stripeError("invalid_request_error", "payment_intent_unexpected_state", "", "",
			"This PaymentIntent ("+pi.id+") does not have a successful charge to refund.")
	}
	amount := pi.received - pi.refunded
	if a := form.Get("amount"); a != "" {
		amount, _ = strconv.ParseInt(a, 10, 64)
	}
	if amount > pi.received-pi.refunded {
		return http.StatusBadRequest, stripeError("invalid_request_error", "amount_too_large", "", "amount",
			fmt.Sprintf("Refund amount (%d) is greater than unrefunded amount on charge (%d)", amount, pi.received-pi.refunded))
	}
	pi.refunded += amount
	re := map[string]any{"id": f.id("re_"), "object": "refund", "amount": amount, "currency": pi.currency,
		"payment_intent": pi.id, "status": "succeeded", "charge": pi.charge["id"]}
	f.refunds[re["id"].(string)] = re
	return http.StatusOK, re
}

func (pi *fakePI) json(expandCharge bool) map[string]any {
	m := map[string]any{"id": pi.id, "object": "payment_intent", "amount": pi.amount, "amount_capturable": pi.capturable,
		"amount_received": pi.received, "currency": pi.currency, "capture_method": pi.captureMethod, "status": pi.status,
		"metadata": pi.metadata, "livemode": false, "payment_method_types": []string{"card"}, "last_payment_error": nil,
		"latest_charge": nil, "cancellation_reason": nil}
	if pi.lastError != nil {
		m["last_payment_error"] = pi.lastError
	}
	if pi.cancellationReason != "" {
		m["cancellation_reason"] = pi.cancellationReason
	}
	if pi.charge != nil {
		m["latest_charge"] = pi.charge["id"]
		if expandCharge {
			m["latest_charge"] = pi.charge
		}
	}
	return m
}

func stripeError(typ, code, decline, param, msg string) map[string]any {
	e := map[string]any{"type": typ, "message": msg}
	if code != "" {
		e["code"] = code
		e["doc_url"] = "https://stripe.com/docs/error-codes/" + strings.ReplaceAll(code, "_", "-")
	}
	if decline != "" {
		e["decline_code"] = decline
	}
	if param != "" {
		e["param"] = param
	}
	return map[string]any{"error": e}
}

func missing(object, id string) (int, any) {
	return http.StatusNotFound, stripeError("invalid_request_error", "resource_missing", "", "id",
		fmt.Sprintf("No such %s: '%s'", object, id))
}

func unexpectedState(pi *fakePI, action string) map[string]any {
	e := stripeError("invalid_request_error", "payment_intent_unexpected_state", "", "",
		fmt.Sprintf("This PaymentIntent's %s could not be performed because it has a status of %s.", action, pi.status))
	e["error"].(map[string]any)["payment_intent"] = pi.json(false)
	return e
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
