package api_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// newOrder creates an order of amount INR and returns its id.
func newOrder(t *testing.T, e *kassatest.Env, amount int) string {
	t.Helper()
	r := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/orders", Body: fmt.Sprintf(`{"amount":%d,"receipt":"rcpt-1","notes":{"customer":"Asha"}}`, amount)})
	if r.Status != 201 {
		t.Fatalf("create order: %d %s", r.Status, r.Body)
	}
	return r.JSON(t)["id"].(string)
}

// payOrder posts a payment of an order with the merchant's secret key.
func payOrder(e *kassatest.Env, orderID, method string, extra string) kassatest.Response {
	return e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/payments",
		Body: `{"order_id":"` + orderID + `","method":"` + method + `",` + extra + `}`})
}

func cardJSON(number string, month, year int, cvv string) string {
	return fmt.Sprintf(`"card":{"number":%q,"exp_month":%d,"exp_year":%d,"cvv":%q,"name":"Asha Rao"}`, number, month, year, cvv)
}

// withLuhn appends the check digit that makes prefix Luhn-valid.
func withLuhn(prefix string) string {
	for d := '0'; d <= '9'; d++ {
		n := prefix + string(d)
		sum, double := 0, false
		for i := len(n) - 1; i >= 0; i-- {
			v := int(n[i] - '0')
			if double {
				if v *= 2; v > 9 {
					v -= 9
				}
			}
			sum, double = sum+v, !double
		}
		if sum%10 == 0 {
			return n
		}
	}
	panic("unreachable")
}

func eventsOf(t *testing.T, e *kassatest.Env, typ, objectID string) int {
	t.Helper()
	r := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/events?limit=100&type=" + typ + "&object_id=" + objectID})
	if r.Status != 200 {
		t.Fatalf("events: %d %s", r.Status, r.Body)
	}
	return len(r.JSON(t)["data"].([]any))
}

func TestOrders(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		r := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/orders", Body: `{"amount":50000,"receipt":"receipt_123","notes":{"customer_name":"Asha","_internal":1}}`})
		if r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		o := r.JSON(t)
		if !strings.HasPrefix(o["id"].(string), "order_") {
			t.Errorf("id %v", o["id"])
		}
		want := map[string]any{"object": "order", "amount": float64(50000), "currency": "INR", "receipt": "receipt_123",
			"status": "created", "payment_id": nil, "livemode": false, "notes": map[string]any{"customer_name": "Asha"}}
		for k, v := range want {
			if diff := cmp.Diff(v, o[k]); diff != "" {
				t.Errorf("%s (-want +got):\n%s", k, diff)
			}
		}
		id := o["id"].(string)
		if g := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/orders/" + id}); g.Status != 200 || g.JSON(t)["id"] != id {
			t.Errorf("get: %d %s", g.Status, g.Body)
		}
		e.Clock.Advance(time.Second) // ids sort by creation time
		second := newOrder(t, e, 100)
		l := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/orders?limit=1"}).JSON(t)
		if data := l["data"].([]any); len(data) != 1 || data[0].(map[string]any)["id"] != second || l["has_more"] != true {
			t.Errorf("list page 1: %v", l)
		}
		l = e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/orders?starting_after=" + second}).JSON(t)
		if data := l["data"].([]any); len(data) != 1 || data[0].(map[string]any)["id"] != id || l["has_more"] != false {
			t.Errorf("list page 2: %v", l)
		}
		// Another merchant sees nothing.
		_, otherSK, _ := e.NewMerchant("Other", "other@example.com")
		if g := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/orders/" + id, Key: otherSK}); g.Status != 404 {
			t.Errorf("other merchant: %d", g.Status)
		}

		for _, tc := range []struct{ body, code, param string }{
			{`{"amount":99}`, "invalid_amount", "amount"},
			{`{"amount":0}`, "invalid_amount", "amount"},
			{`{"amount":100,"currency":"inr"}`, "invalid_currency", "currency"},
			{`{"amount":100,"currency":"XYZ"}`, "invalid_currency", "currency"},
			{`{"amount":100,"notes":[1]}`, "parameter_invalid", "notes"},
			{`{"amount":100,"receipt":"` + strings.Repeat("r", 256) + `"}`, "parameter_invalid", "receipt"},
			{`{"amount":100,"colour":"red"}`, "parameter_unknown", "colour"},
			{`{"currency":"INR"}`, "parameter_missing", "amount"},
		} {
			r := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/orders", Body: tc.body})
			er := r.Error(t)
			if r.Status != 400 || er["code"] != tc.code || er["param"] != tc.param {
				t.Errorf("%s: %d %v, want 400 %s %s", tc.body, r.Status, er, tc.code, tc.param)
			}
		}
	})
}

// TestOrderPaymentValidation checks the reference document's input rules: every rejected payment answers 400 with
// its code and field, and writes nothing.
func TestOrderPaymentValidation(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		order := newOrder(t, e, 50000)
		year := kassatest.Start.Year()
		for _, tc := range []struct {
			name, method, extra, code, param string
		}{
			{"vpa with a space", "upi", `"vpa":"user @paytm"`, "invalid_vpa", "vpa"},
			{"vpa without handle", "upi", `"vpa":"@paytm"`, "invalid_vpa", "vpa"},
			{"vpa with two @", "upi", `"vpa":"user@@bank"`, "invalid_vpa", "vpa"},
			{"vpa with a dotted provider", "upi", `"vpa":"user@bank.com"`, "invalid_vpa", "vpa"},
			{"vpa without @", "upi", `"vpa":"userpaytm"`, "invalid_vpa", "vpa"},
			{"vpa missing", "upi", `"email":"a@b.example"`, "parameter_missing", "vpa"},
			{"card with upi", "upi", `"vpa":"user@paytm",` + cardJSON("4242424242424242", 12, year+1, "123"), "parameter_conflict", "card"},
			{"card missing", "card", `"email":"a@b.example"`, "parameter_missing", "card"},
			{"luhn", "card", cardJSON("1234567890123456", 12, year+1, "123"), "invalid_card", "card.number"},
			{"12 digits", "card", cardJSON(withLuhn("42424242424"), 12, year+1, "123"), "invalid_card", "card.number"},
			{"20 digits", "card", cardJSON(withLuhn("4242424242424242424"), 12, year+1, "123"), "invalid_card", "card.number"},
			{"letters", "card", cardJSON("4242x42424242424", 12, year+1, "123"), "invalid_card", "card.number"},
			{"month 0", "card", cardJSON("4242424242424242", 0, year+1, "123"), "expired_card", "card.exp_month"},
			{"month 13", "card", cardJSON("4242424242424242", 13, year+1, "123"), "expired_card", "card.exp_month"},
			{"last year", "card", cardJSON("4242424242424242", 12, year-1, "123"), "expired_card", "card.exp_year"},
			{"last month", "card", cardJSON("4242424242424242", int(kassatest.Start.Month())-1, year, "123"), "expired_card", "card.exp_year"},
			{"3-digit year", "card", cardJSON("4242424242424242", 12, 203, "123"), "expired_card", "card.exp_year"},
			{"short cvv", "card", cardJSON("4242424242424242", 12, year+1, "12"), "invalid_card", "card.cvv"},
			{"amex needs 4", "card", cardJSON("378282246310005", 12, year+1, "123"), "invalid_card", "card.cvv"},
			{"unknown method", "cash", `"vpa":"user@paytm"`, "parameter_invalid", "method"},
		} {
			r := payOrder(e, order, tc.method, tc.extra)
			er := r.Error(t)
			if r.Status != 400 || er["code"] != tc.code || er["param"] != tc.param {
				t.Errorf("%s: %d %v, want 400 %s %s", tc.name, r.Status, er, tc.code, tc.param)
			}
		}
		if r := payOrder(e, "order_missing", "upi", `"vpa":"success@kassa"`); r.Status != 404 || r.Error(t)["code"] != "resource_missing" {
			t.Errorf("unknown order: %d %s", r.Status, r.Body)
		}
		// Nothing was written: no payment, the order untouched.
		if l := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/payments"}).JSON(t); len(l["data"].([]any)) != 0 {
			t.Errorf("rejected payments left rows: %v", l["data"])
		}
		if o := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/orders/" + order}).JSON(t); o["status"] != "created" {
			t.Errorf("order after rejected payments: %v", o["status"])
		}

		// Accepted input: valid VPAs, numbers with spaces and dashes, 2- and 4-digit years, the current month, and
		// the network each number belongs to.
		for _, tc := range []struct {
			name, method, extra, brand string
		}{
			{"vpa paytm", "upi", `"vpa":"user@paytm"`, ""},
			{"vpa with dot", "upi", `"vpa":"john.doe@okhdfcbank"`, ""},
			{"vpa with underscore and dash", "upi", `"vpa":"user_1-2@phonepe"`, ""},
			{"visa with spaces", "card", cardJSON("4242 4242 4242 4242", 12, year%100+1, "123"), "visa"},
			{"mastercard with dashes", "card", cardJSON("5555-5555-5555-4444", int(kassatest.Start.Month()), year, "123"), "mastercard"},
			{"mastercard 2-series", "card", cardJSON(withLuhn("222300000000000"), 1, year+2, "123"), "mastercard"},
			{"amex", "card", cardJSON("378282246310005", 12, year+1, "1234"), "amex"},
			{"rupay", "card", cardJSON(withLuhn("607000000000000"), 12, year+1, "123"), "rupay"},
			{"discover", "card", cardJSON("6011111111111117", 12, year+1, "123"), "discover"},
			{"unknown network, 13 digits", "card", cardJSON(withLuhn("900000000000"), 12, year+1, "123"), "unknown"},
			{"19 digits", "card", cardJSON(withLuhn("424242424242424242"), 12, year+1, "123"), "visa"},
		} {
			o := newOrder(t, e, 1000)
			r := payOrder(e, o, tc.method, tc.extra)
			if r.Status != 201 || r.JSON(t)["status"] != "pending" {
				t.Errorf("%s: %d %s", tc.name, r.Status, r.Body)
				continue
			}
			if tc.brand != "" {
				if got := r.JSON(t)["card"].(map[string]any)["brand"]; got != tc.brand {
					t.Errorf("%s: brand %v, want %s", tc.name, got, tc.brand)
				}
			}
		}
	})
}

// TestOrderPaymentsAsync follows payments from 201 pending through their job to the final status, the order's status
// and exactly one event each.
func TestOrderPaymentsAsync(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		ctx := context.Background()
		year := kassatest.Start.Year() + 1
		for _, tc := range []struct {
			name, method, extra            string
			status, declineCode, orderWant string
			txns                           []string
		}{
			{"upi success", "upi", `"vpa":"success@kassa"`, "captured", "", "paid", []string{"sale:succeeded"}},
			{"upi failure", "upi", `"vpa":"failure@kassa"`, "failed", "upi_debit_failed", "attempted", []string{"sale:failed"}},
			{"upi expired", "upi", `"vpa":"expired@kassa"`, "failed", "upi_request_expired", "attempted", []string{"sale:failed"}},
			{"card approved", "card", cardJSON("4242424242424242", 12, year, "123"), "captured", "", "paid", []string{"authorize:succeeded", "capture:succeeded"}},
			{"card declined", "card", cardJSON("4000000000000002", 12, year, "123"), "failed", "do_not_honor", "attempted", []string{"authorize:failed"}},
			{"card insufficient funds", "card", cardJSON("4000000000009995", 12, year, "123"), "failed", "insufficient_funds", "attempted", []string{"authorize:failed"}},
		} {
			order := newOrder(t, e, 50000)
			r := payOrder(e, order, tc.method, tc.extra)
			if r.Status != 201 {
				t.Fatalf("%s: %d %s", tc.name, r.Status, r.Body)
			}
			p := r.JSON(t)
			id := p["id"].(string)
			if p["status"] != "pending" || p["amount"] != float64(50000) || p["currency"] != "INR" || p["source"].(map[string]any)["id"] != order {
				t.Errorf("%s: created %v", tc.name, p)
			}
			if o := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/orders/" + order}).JSON(t); o["status"] != "attempted" || o["payment_id"] != id {
				t.Errorf("%s: order while pending %v", tc.name, o)
			}
			if tc.method == "card" && tc.status == "failed" {
				// The request authorizes the card with its CVV: a decline is known, and recorded, before the job.
				if got := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/payments/" + id}).JSON(t); got["status"] != "failed" {
					t.Errorf("%s: declined card after the request: %v, want failed", tc.name, got["status"])
				}
			} else if again := payOrder(e, order, "upi", `"vpa":"success@kassa"`); again.Status != 409 || again.Error(t)["code"] != "payment_in_progress" {
				t.Errorf("%s: second attempt while pending: %d %s", tc.name, again.Status, again.Body)
			}
			// The worker's job runs (twice, concurrently: River delivers at least once).
			var wg sync.WaitGroup
			for range 2 {
				wg.Go(func() {
					if err := e.Gateway.ProcessOrderPayment(ctx, id); err != nil {
						t.Errorf("%s: process: %v", tc.name, err)
					}
				})
			}
			wg.Wait()
			got := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/payments/" + id}).JSON(t)
			if got["status"] != tc.status || (tc.declineCode != "" && got["decline_code"] != tc.declineCode) {
				t.Errorf("%s: payment %v %v, want %s %s", tc.name, got["status"], got["decline_code"], tc.status, tc.declineCode)
			}
			if tc.method == "upi" && got["vpa"] == nil {
				t.Errorf("%s: no vpa on the payment", tc.name)
			}
			if o := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/orders/" + order}).JSON(t); o["status"] != tc.orderWant {
				t.Errorf("%s: order %v, want %s", tc.name, o["status"], tc.orderWant)
			}
			var txns []string
			for _, x := range e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/transactions?payment_id=" + id}).JSON(t)["data"].([]any) {
				m := x.(map[string]any)
				txns = append(txns, m["type"].(string)+":"+m["status"].(string))
			}
			slices.Sort(txns) // one instant: ids do not order them
			if diff := cmp.Diff(tc.txns, txns); diff != "" {
				t.Errorf("%s: transactions (-want +got):\n%s", tc.name, diff)
			}
			succeeded, failed := eventsOf(t, e, "payment.succeeded", id), eventsOf(t, e, "payment.failed", id)
			if tc.status == "captured" && (succeeded != 1 || failed != 0) || tc.status == "failed" && (succeeded != 0 || failed != 1) {
				t.Errorf("%s: %d payment.succeeded, %d payment.failed", tc.name, succeeded, failed)
			}
			// The browser's status poll: no customer or card data.
			st := e.Do(kassatest.Request{Method: "GET", Path: "/api/public/payments/" + id + "/status", Key: e.PublishableKey})
			if st.Status != 200 || st.JSON(t)["status"] != tc.status || st.JSON(t)["order_id"] != order {
				t.Errorf("%s: status endpoint %d %s", tc.name, st.Status, st.Body)
			}
			for _, secret := range []string{"4242", "Asha", "@kassa"} {
				if strings.Contains(string(st.Body), secret) {
					t.Errorf("%s: status endpoint shows %q: %s", tc.name, secret, st.Body)
				}
			}
			if tc.status == "captured" {
				if r := payOrder(e, order, "upi", `"vpa":"success@kassa"`); r.Status != 409 || r.Error(t)["code"] != "order_already_paid" {
					t.Errorf("%s: paying a paid order: %d %s", tc.name, r.Status, r.Body)
				}
			} else if r := payOrder(e, order, "upi", `"vpa":"success@kassa"`); r.Status != 201 {
				t.Errorf("%s: retry after a failure: %d %s", tc.name, r.Status, r.Body)
			}
		}
		// Another merchant's publishable key does not see the payment.
		_, _, otherPK := e.NewMerchant("Other", "other@example.com")
		order := newOrder(t, e, 100)
		id := payOrder(e, order, "upi", `"vpa":"success@kassa"`).JSON(t)["id"].(string)
		if st := e.Do(kassatest.Request{Method: "GET", Path: "/api/public/payments/" + id + "/status", Key: otherPK}); st.Status != 404 {
			t.Errorf("other merchant's status poll: %d", st.Status)
		}
	})
}

// TestOrderPaymentJob checks that the job is committed with the payment, at the injected clock plus the delay, and
// that the same Idempotency-Key replays the payment instead of making another.
func TestOrderPaymentJob(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		order := newOrder(t, e, 2500)
		req := kassatest.Request{Method: "POST", Path: "/api/v1/payments", Body: `{"order_id":"` + order + `","method":"upi","vpa":"success@kassa"}`,
			Headers: map[string]string{"Idempotency-Key": "pay-order-0001"}}
		first := e.Do(req)
		again := e.Do(req)
		if first.Status != 201 || again.Status != 201 || again.Header.Get("Idempotent-Replayed") != "true" || first.JSON(t)["id"] != again.JSON(t)["id"] {
			t.Fatalf("idempotent create: %d %s / %d %s", first.Status, first.Body, again.Status, again.Body)
		}
		n := 0
		for _, st := range []store.JobState{store.JobAvailable, store.JobScheduled} {
			c, err := e.Store.Jobs().Count(context.Background(), "order_payment", st)
			if err != nil {
				t.Fatal(err)
			}
			n += c
		}
		if n != 1 {
			t.Errorf("%d order_payment jobs, want 1", n)
		}
	})
}

// TestOrderPaymentNoAnswer: a provider that never answers makes the job fail (River retries it) until the third
// unanswered call, which records a timeout failure.
func TestOrderPaymentNoAnswer(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		order := newOrder(t, e, 2500)
		r := payOrder(e, order, "card", cardJSON("4000000000000408", 12, kassatest.Start.Year()+1, "123"))
		if r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		id := r.JSON(t)["id"].(string)
		// Until the request's own call could have answered, the worker leaves the authorization to it.
		var notDue *gateway.NotDueError
		if err := e.Gateway.ProcessOrderPayment(context.Background(), id); !errors.As(err, &notDue) {
			t.Fatalf("worker before the request's call timed out: %v, want a NotDueError", err)
		}
		e.Clock.Advance(time.Minute)
		for i := range 2 {
			if err := e.Gateway.ProcessOrderPayment(context.Background(), id); err == nil {
				t.Fatalf("attempt %d: no error without a provider answer", i+1)
			}
		}
		if err := e.Gateway.ProcessOrderPayment(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		got := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/payments/" + id}).JSON(t)
		if got["status"] != "failed" || got["failure_code"] != provider.CodeTimeout {
			t.Errorf("after three unanswered calls: %v %v", got["status"], got["failure_code"])
		}
		if n := eventsOf(t, e, "payment.failed", id); n != 1 {
			t.Errorf("%d payment.failed", n)
		}
	})
}

// TestOrderRetriedWhileItsPaymentSettles races a customer's second payment of an order against the worker settling
// the first: the two lock the order and the payment, and must never deadlock or answer 5xx. The retry gets a 409
// (payment in progress, or already paid), and the order ends paid by exactly one payment.
func TestOrderRetriedWhileItsPaymentSettles(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		for round := range 25 {
			orderID := newOrder(t, e, 10_000)
			first := payOrder(e, orderID, "upi", `"vpa":"success@kassa"`)
			if first.Status != 201 {
				t.Fatalf("round %d: first payment: %d %s", round, first.Status, first.Body)
			}
			payID := first.JSON(t)["id"].(string)
			var wg sync.WaitGroup
			var settleErr error
			var retry kassatest.Response
			wg.Go(func() { settleErr = e.Gateway.ProcessOrderPayment(context.Background(), payID) })
			wg.Go(func() { retry = payOrder(e, orderID, "upi", `"vpa":"success@kassa"`) })
			wg.Wait()
			if settleErr != nil {
				t.Fatalf("round %d: settling: %v", round, settleErr)
			}
			if retry.Status != 409 {
				t.Fatalf("round %d: retry answered %d %s, want 409", round, retry.Status, retry.Body)
			}
			o := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/orders/" + orderID}).JSON(t)
			if o["status"] != "paid" {
				t.Fatalf("round %d: order %v", round, o["status"])
			}
			if n := eventsOf(t, e, "payment.succeeded", payID); n != 1 {
				t.Fatalf("round %d: %d payment.succeeded events", round, n)
			}
		}
	})
}

// TestOrderCardPaymentsAreScoredForFraud: the order front door scores cards like every other one; the sandbox fraud
// card is declined with 402 fraudulent, without a provider call or a job, and the order may be paid again.
func TestOrderCardPaymentsAreScoredForFraud(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		orderID := newOrder(t, e, 10_000)
		r := payOrder(e, orderID, "card", cardJSON("4000000000000259", 12, 2031, "123")+`,"client_ip":"203.0.113.9"`)
		if r.Status != 402 {
			t.Fatalf("fraud card: %d %s, want 402", r.Status, r.Body)
		}
		errBody := r.JSON(t)["error"].(map[string]any)
		if errBody["decline_code"] != "fraudulent" || errBody["type"] != "card_error" {
			t.Errorf("error %v", errBody)
		}
		payID, _ := errBody["payment_id"].(string)
		p := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/payments/" + payID}).JSON(t)
		if p["status"] != "failed" || p["fraud_decision"] != "decline" {
			t.Errorf("payment %v %v, want failed and decline", p["status"], p["fraud_decision"])
		}
		if n := eventsOf(t, e, "payment.failed", payID); n != 1 {
			t.Errorf("%d payment.failed events", n)
		}
		if n, err := e.Store.Jobs().Count(context.Background(), "order_payment", store.JobScheduled); err != nil || n != 0 {
			t.Errorf("%d order payment jobs scheduled (%v), want none", n, err)
		}
		if r := payOrder(e, orderID, "card", cardJSON("4000000000000259", 12, 2031, "123")+`,"client_ip":"not-an-ip"`); r.Status != 400 || !strings.Contains(string(r.Body), `"param":"client_ip"`) {
			t.Errorf("bad client_ip: %d %s", r.Status, r.Body)
		}
		if r := payOrder(e, orderID, "upi", `"vpa":"success@kassa"`); r.Status != 201 {
			t.Errorf("paying the order again: %d %s", r.Status, r.Body)
		}
	})
}

// noCaptureAnswer is the sandbox, except that captures never get an answer.
type noCaptureAnswer struct{ provider.Provider }

func (p noCaptureAnswer) Do(ctx context.Context, r provider.Request) (provider.Result, error) {
	if r.Operation == provider.OperationCapture {
		return provider.Result{}, provider.ErrTimeout
	}
	return p.Provider.Do(ctx, r)
}

// TestOrderCaptureWithoutAnswerReleasesTheHold: an order's card is authorized but its capture never answers; after
// the last attempt the payment fails (one payment.failed) and the authorization is voided, not left on the card.
func TestOrderCaptureWithoutAnswerReleasesTheHold(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{Provider: noCaptureAnswer{sandbox.New(sandbox.Options{})}})
		order := newOrder(t, e, 2500)
		r := payOrder(e, order, "card", cardJSON("4242424242424242", 12, kassatest.Start.Year()+1, "123"))
		if r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		id := r.JSON(t)["id"].(string)
		for i := range 2 {
			if err := e.Gateway.ProcessOrderPayment(context.Background(), id); err == nil {
				t.Fatalf("attempt %d: no error without a capture answer", i+1)
			}
		}
		if err := e.Gateway.ProcessOrderPayment(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		if got := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/payments/" + id}).JSON(t); got["status"] != "failed" {
			t.Errorf("payment %v, want failed", got["status"])
		}
		var txns []string
		for _, x := range e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/transactions?payment_id=" + id}).JSON(t)["data"].([]any) {
			m := x.(map[string]any)
			txns = append(txns, m["type"].(string)+":"+m["status"].(string))
		}
		slices.Sort(txns)
		if diff := cmp.Diff([]string{"authorize:succeeded", "capture:failed", "void:succeeded"}, txns); diff != "" {
			t.Errorf("transactions (-want +got):\n%s", diff)
		}
		if n := eventsOf(t, e, "payment.failed", id); n != 1 {
			t.Errorf("%d payment.failed events", n)
		}
	})
}

// TestOrderEmailVelocityIgnoresCase: an order payment's email counts toward the email rules whatever its case, as on
// the direct API.
func TestOrderEmailVelocityIgnoresCase(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		var last map[string]any
		for i, email := range []string{"Same@Example.com", "SAME@example.com", "same@EXAMPLE.com", "Same@Example.com"} {
			order := newOrder(t, e, 2500)
			r := payOrder(e, order, "card", cardJSON(withLuhn(fmt.Sprintf("42424242424200%d", i)), 12, kassatest.Start.Year()+1, "123")+`,"email":"`+email+`"`)
			if r.Status != 201 {
				t.Fatalf("payment %d: %d %s", i+1, r.Status, r.Body)
			}
			last = r.JSON(t)
		}
		var points float64
		for _, x := range last["fraud_reasons"].([]any) {
			if m := x.(map[string]any); m["rule"] == "email_velocity" {
				points = m["points"].(float64)
			}
		}
		if points != 20 {
			t.Errorf("fourth payment with one email in four spellings: reasons %v, want email_velocity with 20 points", last["fraud_reasons"])
		}
	})
}
