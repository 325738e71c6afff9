package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/refund"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/postgres"
	"github.com/kassapay/kassa/internal/webhook"
)

// assertLockWaits checks a LockX method with two transactions. The first locks the row and, once the second is
// waiting for the same lock, writes want into it and commits; the second must not get the row before that commit,
// and must then read want. lock locks the row and returns the value write sets; table is the row's table.
//
// On PostgreSQL the second transaction is seen waiting for the row lock (a tuple lock in pg_locks on the table of
// the test's schema). On SQLite every write transaction begins IMMEDIATE, so the second waits for the database's
// write lock before its first statement; the check there is that it reads the first's committed write.
func assertLockWaits[T comparable](t *testing.T, s store.Store, table string, lock func(context.Context, store.Tx) (T, error), write func(context.Context, store.Tx) error, want T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	locked, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.InTx(ctx, func(tx store.Tx) error {
			if _, err := lock(ctx, tx); err != nil {
				return err
			}
			close(locked)
			select {
			case <-release:
			case <-ctx.Done():
				return ctx.Err()
			}
			return write(ctx, tx)
		})
	}()
	select {
	case <-locked:
	case err := <-first:
		t.Fatalf("first transaction: %v", err)
	}
	type result struct {
		seen T
		err  error
	}
	second, secondDone := make(chan result, 1), make(chan struct{})
	go func() {
		defer close(secondDone)
		var r result
		r.err = s.InTx(ctx, func(tx store.Tx) error {
			var err error
			r.seen, err = lock(ctx, tx)
			return err
		})
		second <- r
	}()
	waitForLockWaiter(t, s, table, secondDone)
	select {
	case r := <-second:
		close(release)
		<-first
		t.Fatalf("the second transaction got the row (%v, %v) while the first held its lock", r.seen, r.err)
	default:
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("first transaction: %v", err)
	}
	r := <-second
	if r.err != nil {
		t.Fatalf("second transaction: %v", r.err)
	}
	if r.seen != want {
		t.Errorf("the second transaction read %v after the first committed %v", r.seen, want)
	}
}

// waitForLockWaiter returns once a transaction waits for a row lock on table (PostgreSQL), or after a moment in
// which a transaction that did not wait would have finished (SQLite), or as soon as done closes.
func waitForLockWaiter(t *testing.T, s store.Store, table string, done <-chan struct{}) {
	t.Helper()
	pg, ok := s.(*postgres.Store)
	if !ok {
		select {
		case <-time.After(100 * time.Millisecond):
		case <-done:
		}
		return
	}
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		err := pg.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
			WHERE l.locktype = 'tuple' AND c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`, table).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no transaction waited for a row lock on %s", table)
		}
		select {
		case <-time.After(5 * time.Millisecond):
		case <-done:
			return
		}
	}
}

// testLocksWait runs assertLockWaits for every LockX method: each guards a read-modify-write the gateway makes
// (a refund's reservation against a payment, a session's or intent's attempt count, an order's payment, a
// delivery's attempt, an endpoint's secret rotation, a merchant's settings), which a second transaction may start
// only on what the first committed.
func testLocksWait(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	t.Run("payment", func(t *testing.T) {
		p := NewPayment(t, s, m.ID, payment.StatusCaptured, 1000, "USD", Now, "", "a@example.com", "4242")
		assertLockWaits(t, s, "payments", func(ctx context.Context, tx store.Tx) (int64, error) {
			got, err := tx.LockPayment(ctx, p.ID)
			return got.RefundsPending, err
		}, func(ctx context.Context, tx store.Tx) error {
			cur := p
			cur.RefundsPending = 400
			return tx.UpdatePayment(ctx, cur)
		}, 400)
	})
	t.Run("refund", func(t *testing.T) {
		p := NewPayment(t, s, m.ID, payment.StatusCaptured, 1000, "USD", Now, "", "a@example.com", "4242")
		r := newRefund(p, 100, "lock-key", Now)
		if ok, err := s.InsertRefund(ctx, r); err != nil || !ok {
			t.Fatalf("InsertRefund = %v, %v", ok, err)
		}
		assertLockWaits(t, s, "refunds", func(ctx context.Context, tx store.Tx) (refund.Status, error) {
			got, err := tx.LockRefund(ctx, r.ID)
			return got.Status, err
		}, func(ctx context.Context, tx store.Tx) error {
			cur := r
			cur.Status = refund.StatusSucceeded
			return tx.UpdateRefund(ctx, cur)
		}, refund.StatusSucceeded)
	})
	t.Run("checkout session", func(t *testing.T) {
		cs := newSession(m.ID, checkout.KindSession, Now, "ORDER-L", "lock")
		if ok, err := s.InsertCheckoutSession(ctx, cs); err != nil || !ok {
			t.Fatalf("InsertCheckoutSession = %v, %v", ok, err)
		}
		assertLockWaits(t, s, "checkout_sessions", func(ctx context.Context, tx store.Tx) (int, error) {
			got, err := tx.LockCheckoutSession(ctx, cs.ID)
			return got.FailedAttempts, err
		}, func(ctx context.Context, tx store.Tx) error {
			cur := cs
			cur.Status, cur.FailedAttempts = checkout.StatusFailed, 1
			return tx.UpdateCheckoutSession(ctx, cur)
		}, 1)
	})
	t.Run("payment intent", func(t *testing.T) {
		pi := checkout.Intent{ID: id.New("pi_", Now), MerchantID: m.ID, Status: checkout.IntentCreated, Amount: 100, Currency: "USD",
			CaptureMethod: "automatic", Metadata: json.RawMessage(`{}`), ClientSecretHash: "h", ExpiresAt: Now.Add(time.Hour),
			CreatedAt: Now, UpdatedAt: Now}
		if err := s.InsertPaymentIntent(ctx, pi); err != nil {
			t.Fatal(err)
		}
		assertLockWaits(t, s, "payment_intents", func(ctx context.Context, tx store.Tx) (int, error) {
			got, err := tx.LockPaymentIntent(ctx, pi.ID)
			return got.FailedAttempts, err
		}, func(ctx context.Context, tx store.Tx) error {
			cur := pi
			cur.Status, cur.FailedAttempts = checkout.IntentFailed, 1
			return tx.UpdatePaymentIntent(ctx, cur)
		}, 1)
	})
	t.Run("order", func(t *testing.T) {
		o := checkout.Order{ID: id.New("order_", Now), MerchantID: m.ID, Amount: 50000, Currency: "INR", Notes: json.RawMessage(`{}`),
			Status: checkout.OrderCreated, CreatedAt: Now, UpdatedAt: Now}
		if err := s.InsertOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
		assertLockWaits(t, s, "orders", func(ctx context.Context, tx store.Tx) (string, error) {
			got, err := tx.LockOrder(ctx, o.ID)
			return got.PaymentID, err
		}, func(ctx context.Context, tx store.Tx) error {
			cur := o
			cur.Status, cur.PaymentID = checkout.OrderAttempted, "pay_first"
			return tx.UpdateOrder(ctx, cur)
		}, "pay_first")
	})
	ep := webhook.Endpoint{ID: id.New("we_", Now), MerchantID: m.ID, URL: "https://hooks.example/k", EnabledEvents: []string{"*"},
		APIVersion: "2026-11-01", Status: webhook.EndpointStatusEnabled, SecretSealed: []byte{1}, SecretHint: "abcd",
		Scope: webhook.ScopeMerchant, CreatedAt: Now, UpdatedAt: Now}
	if err := s.InsertWebhookEndpoint(ctx, ep); err != nil {
		t.Fatal(err)
	}
	t.Run("webhook endpoint", func(t *testing.T) {
		assertLockWaits(t, s, "webhook_endpoints", func(ctx context.Context, tx store.Tx) (string, error) {
			got, err := tx.LockWebhookEndpoint(ctx, ep.ID)
			return got.SecretHint, err
		}, func(ctx context.Context, tx store.Tx) error {
			cur := ep
			cur.SecretHint, cur.PreviousSecretSealed = "wxyz", ep.SecretSealed
			return tx.UpdateWebhookEndpoint(ctx, cur)
		}, "wxyz")
	})
	t.Run("webhook delivery", func(t *testing.T) {
		ev := webhook.Event{ID: id.New("evt_", Now), Type: webhook.EventTestPing, APIVersion: "2026-11-01", CreatedAt: Now,
			MerchantID: m.ID, ObjectID: ep.ID, Sequence: 1, Data: []byte(`{}`)}
		if err := s.InsertEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
		d := webhook.Delivery{ID: id.New("whd_", Now), MerchantID: m.ID, EventID: ev.ID, EndpointID: ep.ID, EventType: ev.Type,
			Status: webhook.DeliveryPending, NextAttemptAt: &Now, CreatedAt: Now, UpdatedAt: Now}
		if err := s.InsertWebhookDelivery(ctx, d); err != nil {
			t.Fatal(err)
		}
		assertLockWaits(t, s, "webhook_deliveries", func(ctx context.Context, tx store.Tx) (int, error) {
			got, err := tx.LockWebhookDelivery(ctx, d.ID)
			return got.Attempts, err
		}, func(ctx context.Context, tx store.Tx) error {
			cur := d
			cur.Status, cur.Attempts, cur.LastAttemptAt = webhook.DeliveryDelivered, 1, &Now
			return tx.UpdateWebhookDelivery(ctx, cur)
		}, 1)
	})
	t.Run("merchant", func(t *testing.T) {
		assertLockWaits(t, s, "merchants", func(ctx context.Context, tx store.Tx) (string, error) {
			got, err := tx.LockMerchant(ctx, m.ID)
			return got.Name, err
		}, func(ctx context.Context, tx store.Tx) error {
			cur := m
			cur.Name = "Renamed under lock"
			return tx.UpdateMerchant(ctx, cur)
		}, "Renamed under lock")
	})
}
