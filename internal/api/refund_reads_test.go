package api_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// paymentReads counts how the gateway reads payments: plain reads, and reads under the row lock.
type paymentReads struct {
	store.Store
	reads, locks *atomic.Int64
}

func (s paymentReads) GetPayment(ctx context.Context, merchantID string, livemode bool, id string) (payment.Payment, error) {
	s.reads.Add(1)
	return s.Store.GetPayment(ctx, merchantID, livemode, id)
}

func (s paymentReads) GetPaymentByID(ctx context.Context, id string) (payment.Payment, error) {
	s.reads.Add(1)
	return s.Store.GetPaymentByID(ctx, id)
}

func (s paymentReads) InTx(ctx context.Context, fn func(tx store.Tx) error) error {
	return s.Store.InTx(ctx, func(tx store.Tx) error { return fn(paymentReadsTx{tx, s.reads, s.locks}) })
}

type paymentReadsTx struct {
	store.Tx
	reads, locks *atomic.Int64
}

func (t paymentReadsTx) GetPayment(ctx context.Context, merchantID string, livemode bool, id string) (payment.Payment, error) {
	t.reads.Add(1)
	return t.Tx.GetPayment(ctx, merchantID, livemode, id)
}

func (t paymentReadsTx) GetPaymentByID(ctx context.Context, id string) (payment.Payment, error) {
	t.reads.Add(1)
	return t.Tx.GetPaymentByID(ctx, id)
}

func (t paymentReadsTx) LockPayment(ctx context.Context, id string) (payment.Payment, error) {
	t.locks.Add(1)
	return t.Tx.LockPayment(ctx, id)
}

// TestARefundReadsItsPaymentUnderTwoRowLocks: a refund reads its payment twice, under the row lock of each of its
// two transactions (§5), and never again around them: on both refund routes, the answer is built from what those
// transactions read. A session payment, likewise, only locks its payment to record the outcome.
func TestARefundReadsItsPaymentUnderTwoRowLocks(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		var reads, locks atomic.Int64
		e := kassatest.Setup(t, b, kassatest.Options{WrapStore: func(s store.Store) store.Store {
			return paymentReads{s, &reads, &locks}
		}})
		// Paying a session locks its payment once, to record the outcome, and reads it nowhere else.
		cs := createSession(t, e, "/api/v1/checkout-sessions", strings.Replace(sessionBody, "ORDER-5001", "READS-PAY", 1), "create-reads-pay").JSON(t)["id"].(string)
		reads.Store(0)
		locks.Store(0)
		res, err := e.Gateway.PaySession(context.Background(), cs, gateway.CardInput{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, CVV: "123"}, "", "", "")
		if err != nil || res.Session.Status != "paid" || res.Payment.Status != payment.StatusCaptured || res.RedirectURL == "" {
			t.Fatalf("pay: %v %+v", err, res)
		}
		if reads.Load() != 0 || locks.Load() != 1 {
			t.Errorf("pay: the payment was read %d times and locked %d times; want 0 reads and 1 row lock", reads.Load(), locks.Load())
		}
		for _, route := range []struct{ name, path, body string }{
			{"refunds", "/api/v1/refunds", `{"payment_id":"%s","amount":500}`},
			{"payment-refund", "/api/v1/payments/%s/refund", `{"amount":500,"reason":"damaged"}`},
		} {
			_, pay := paidSession(t, e, "READS-"+route.name)
			path, body := route.path, route.body
			if route.name == "refunds" {
				body = fmt.Sprintf(body, pay)
			} else {
				path = fmt.Sprintf(path, pay)
			}
			reads.Store(0)
			locks.Store(0)
			r := e.Do(kassatest.Request{Method: "POST", Path: path, Body: body, Headers: map[string]string{"Idempotency-Key": "reads-" + pay}})
			if r.Status != 201 || r.JSON(t)["status"] != "succeeded" || r.JSON(t)["payment_status"] != "partially_refunded" {
				t.Fatalf("%s: %d %s", route.name, r.Status, r.Body)
			}
			if reads.Load() != 0 || locks.Load() != 2 {
				t.Errorf("%s: the payment was read %d times and locked %d times; want 0 reads and 2 row locks", route.name, reads.Load(), locks.Load())
			}
		}
	})
}
