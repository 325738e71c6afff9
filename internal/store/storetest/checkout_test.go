package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
)

func newSession(merchantID string, kind checkout.Kind, at time.Time, order, key string) checkout.Session {
	return checkout.Session{
		ID: id.New(kind.Prefix(), at), Kind: kind, MerchantID: merchantID, ExternalOrderID: order, Amount: 1500, Currency: "USD",
		Description: "Order", SuccessURL: "https://shop.example/ok", CancelURL: "https://shop.example/cancel",
		Customer: checkout.Customer{Email: "ada@example.com"}, Metadata: json.RawMessage(`{"cart":"c1"}`),
		Status: checkout.StatusCreated, IdempotencyKey: key, IdempotencyHash: "h-" + key,
		ExpiresAt: at.Add(30 * time.Minute), CreatedAt: at, UpdatedAt: at,
	}
}

func testCheckoutSessions(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	cs := newSession(m.ID, checkout.KindSession, Now, "ORDER-1", "k1")
	if ok, err := s.InsertCheckoutSession(ctx, cs); err != nil || !ok {
		t.Fatalf("insert = %v, %v", ok, err)
	}
	got, err := s.GetCheckoutSession(ctx, m.ID, false, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cs, got); diff != "" {
		t.Errorf("GetCheckoutSession (-want +got):\n%s", diff)
	}
	// The seeds' scope: same order and key → not inserted, found by the key; another key → a fresh session.
	if ok, _ := s.InsertCheckoutSession(ctx, newSession(m.ID, checkout.KindSession, Now, "ORDER-1", "k1")); ok {
		t.Error("a second session with the same order and key was inserted")
	}
	byKey, err := s.GetCheckoutSessionByIdempotencyKey(ctx, m.ID, false, checkout.KindSession, "ORDER-1", "k1")
	if err != nil || byKey.ID != cs.ID {
		t.Errorf("by key: %s, %v", byKey.ID, err)
	}
	second := newSession(m.ID, checkout.KindSession, Now.Add(time.Second), "ORDER-1", "k2")
	if ok, err := s.InsertCheckoutSession(ctx, second); err != nil || !ok {
		t.Fatalf("same order, new key = %v, %v", ok, err)
	}
	link := newSession(m.ID, checkout.KindLink, Now.Add(2*time.Second), "ORDER-1", "k1")
	link.ExpiresAt = Now.Add(30 * 24 * time.Hour)
	if ok, err := s.InsertCheckoutSession(ctx, link); err != nil || !ok {
		t.Fatalf("a link with a session's order and key = %v, %v", ok, err)
	}
	err = s.InTx(ctx, func(tx store.Tx) error {
		cur, err := tx.LockCheckoutSession(ctx, cs.ID)
		if err != nil {
			return err
		}
		cur.Status, cur.FailedAttempts, cur.PaymentID, cur.UpdatedAt = checkout.StatusFailed, 2, "pay_x", Now.Add(time.Minute)
		return tx.UpdateCheckoutSession(ctx, cur)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = s.GetCheckoutSession(ctx, m.ID, false, cs.ID)
	if got.Status != checkout.StatusFailed || got.FailedAttempts != 2 || got.PaymentID != "pay_x" {
		t.Errorf("after update: %+v", got)
	}
	// The hosted page reads a session by id alone: the id is the customer's capability.
	byID, err := s.GetCheckoutSessionByID(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, byID); diff != "" {
		t.Errorf("GetCheckoutSessionByID (-want +got):\n%s", diff)
	}
	if _, err := s.GetCheckoutSessionByID(ctx, "cs_missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetCheckoutSessionByID of a missing session: %v", err)
	}
	list := func(f store.SessionFilter) []string {
		f.MerchantID, f.Limit = m.ID, 10
		if f.Kind == "" {
			f.Kind = checkout.KindSession
		}
		rows, err := s.ListCheckoutSessions(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
		return ids
	}
	for name, tt := range map[string]struct {
		f    store.SessionFilter
		want []string
	}{
		"sessions":      {store.SessionFilter{}, []string{second.ID, cs.ID}},
		"links":         {store.SessionFilter{Kind: checkout.KindLink}, []string{link.ID}},
		"status":        {store.SessionFilter{Status: "failed"}, []string{cs.ID}},
		"order":         {store.SessionFilter{ExternalOrderID: "ORDER-2"}, nil},
		"created range": {store.SessionFilter{CreatedGTE: Now.Add(time.Second)}, []string{second.ID}},
		"ending_before": {store.SessionFilter{Page: store.Page{EndingBefore: cs.ID}}, []string{second.ID}},
	} {
		if diff := cmp.Diff(tt.want, list(tt.f)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	expired, err := s.ListExpiredCheckoutSessions(ctx, Now.Add(31*time.Minute), 10)
	if err != nil || len(expired) != 2 {
		t.Errorf("expired = %d, %v; want both sessions, not the 30-day link", len(expired), err)
	}
	if _, err := s.GetCheckoutSession(ctx, "mer_other", false, cs.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another merchant's session: %v", err)
	}
}

// testPaidSessionByOrder checks the lookup behind a refund by external_order_id: the merchant's session or link of
// that order whose payment is the most recent among the paid (or partly refunded) ones.
func testPaidSessionByOrder(t *testing.T, s store.Store) {
	ctx := context.Background()
	m, other := NewMerchant(t, s), NewMerchant(t, s)
	paid := func(merchantID string, kind checkout.Kind, order, key string, status checkout.Status, at time.Time) checkout.Session {
		t.Helper()
		cs := newSession(merchantID, kind, at, order, key)
		if ok, err := s.InsertCheckoutSession(ctx, cs); err != nil || !ok {
			t.Fatalf("InsertCheckoutSession = %v, %v", ok, err)
		}
		p := NewPayment(t, s, merchantID, payment.StatusCaptured, cs.Amount, cs.Currency, at, order, "ada@example.com", "4242")
		cs.Status, cs.PaymentID, cs.UpdatedAt = status, p.ID, at.Add(time.Minute)
		if err := s.UpdateCheckoutSession(ctx, cs); err != nil {
			t.Fatal(err)
		}
		return cs
	}
	paid(m.ID, checkout.KindSession, "ORDER-1", "k1", checkout.StatusPaid, Now)
	latest := paid(m.ID, checkout.KindLink, "ORDER-1", "k2", checkout.StatusPartiallyRefunded, Now.Add(time.Second))
	paid(m.ID, checkout.KindSession, "ORDER-1", "k3", checkout.StatusFailed, Now.Add(2*time.Second))
	paid(m.ID, checkout.KindSession, "ORDER-2", "k4", checkout.StatusRefunded, Now.Add(3*time.Second))
	paid(other.ID, checkout.KindSession, "ORDER-3", "k5", checkout.StatusPaid, Now.Add(4*time.Second))

	got, err := s.GetPaidSessionByOrder(ctx, m.ID, false, "ORDER-1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(latest, got); diff != "" {
		t.Errorf("GetPaidSessionByOrder (-want +got):\n%s", diff)
	}
	for name, tt := range map[string]struct {
		merchantID string
		livemode   bool
		order      string
	}{
		"an order refunded in full":    {m.ID, false, "ORDER-2"},
		"another merchant's order":     {m.ID, false, "ORDER-3"},
		"an order in the other mode":   {m.ID, true, "ORDER-1"},
		"an order never paid":          {m.ID, false, "ORDER-9"},
		"an order of another merchant": {other.ID, false, "ORDER-1"},
	} {
		if _, err := s.GetPaidSessionByOrder(ctx, tt.merchantID, tt.livemode, tt.order); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetPaidSessionByOrder of %s: %v, want ErrNotFound", name, err)
		}
	}
}
