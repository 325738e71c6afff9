package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/refund"
	"github.com/kassapay/kassa/internal/store"
)

// newRefund is a pending refund of p created at with an idempotency key.
func newRefund(p payment.Payment, amount int64, key string, at time.Time) refund.Refund {
	return refund.Refund{
		ID: id.New("ref_", at), PaymentID: p.ID, MerchantID: p.MerchantID, Livemode: p.Livemode, Amount: amount,
		Currency: p.Currency, Status: refund.StatusPending, Reason: "requested_by_customer",
		Metadata: json.RawMessage(`{"ticket":"T-1"}`), IdempotencyKey: key, IdempotencyHash: "hash-" + key,
		CreatedAt: at, UpdatedAt: at,
	}
}

// testRefunds checks the refund row: every field round-trips, reads are scoped to the merchant and mode, the
// idempotency key makes a second insert a no-op the gateway can see, UpdateRefund saves the outcome only, and the
// schema refuses a refund of nothing.
func testRefunds(t *testing.T, s store.Store) {
	ctx := context.Background()
	m, other := NewMerchant(t, s), NewMerchant(t, s)
	p := NewPayment(t, s, m.ID, payment.StatusCaptured, 5000, "USD", Now, "ORDER-1", "a@example.com", "4242")
	r := newRefund(p, 1500, "refund-key-1", Now)
	r.ProviderTransactionID, r.FailureCode, r.FailureMessage, r.RecoveryAttempts = "sbx_ref_0", "code", "message", 1
	var inserted bool
	if err := s.InTx(ctx, func(tx store.Tx) (err error) {
		inserted, err = tx.InsertRefund(ctx, r)
		return err
	}); err != nil || !inserted {
		t.Fatalf("InsertRefund = %v, %v", inserted, err)
	}
	for name, get := range map[string]func() (refund.Refund, error){
		"GetRefund":                 func() (refund.Refund, error) { return s.GetRefund(ctx, m.ID, false, r.ID) },
		"GetRefundByID":             func() (refund.Refund, error) { return s.GetRefundByID(ctx, r.ID) },
		"GetRefundByIdempotencyKey": func() (refund.Refund, error) { return s.GetRefundByIdempotencyKey(ctx, m.ID, false, r.IdempotencyKey) },
	} {
		got, err := get()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(r, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	if _, err := s.GetRefund(ctx, other.ID, false, r.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another merchant's refund: %v, want ErrNotFound", err)
	}
	if _, err := s.GetRefund(ctx, m.ID, true, r.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a test refund read in live mode: %v, want ErrNotFound", err)
	}
	if _, err := s.GetRefundByIdempotencyKey(ctx, other.ID, false, r.IdempotencyKey); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another merchant's refund by key: %v, want ErrNotFound", err)
	}
	if _, err := s.GetRefundByID(ctx, "ref_missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetRefundByID of a missing refund: %v, want ErrNotFound", err)
	}

	// A second refund with the merchant's used key is not inserted, inside a transaction that goes on working (the
	// gateway answers idempotency_request_in_progress), and the first stays as it was.
	dup := newRefund(p, 900, r.IdempotencyKey, Now.Add(time.Second))
	err := s.InTx(ctx, func(tx store.Tx) error {
		ok, err := tx.InsertRefund(ctx, dup)
		if err != nil {
			return err
		}
		if ok {
			t.Error("a refund with a used idempotency key was inserted")
		}
		_, err = tx.LockPayment(ctx, p.ID)
		return err
	})
	if err != nil {
		t.Fatalf("transaction after a duplicate InsertRefund: %v", err)
	}
	if got, err := s.GetRefundByIdempotencyKey(ctx, m.ID, false, r.IdempotencyKey); err != nil || got.ID != r.ID || got.Amount != r.Amount {
		t.Errorf("refund by key after a duplicate = %s (%d), %v; want %s (%d)", got.ID, got.Amount, err, r.ID, r.Amount)
	}
	if _, err := s.GetRefundByID(ctx, dup.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the duplicate refund: %v, want ErrNotFound", err)
	}
	// The key belongs to one merchant and mode.
	liveP := p
	liveP.ID, liveP.Livemode = id.New("pay_", Now), true
	if err := s.InsertPayment(ctx, liveP); err != nil {
		t.Fatal(err)
	}
	liveRefund := newRefund(liveP, 100, r.IdempotencyKey, Now.Add(2*time.Second))
	if ok, err := s.InsertRefund(ctx, liveRefund); err != nil || !ok {
		t.Errorf("the same key in live mode = %v, %v; want inserted", ok, err)
	}
	otherP := NewPayment(t, s, other.ID, payment.StatusCaptured, 5000, "USD", Now, "", "a@example.com", "4242")
	if ok, err := s.InsertRefund(ctx, newRefund(otherP, 100, r.IdempotencyKey, Now.Add(3*time.Second))); err != nil || !ok {
		t.Errorf("the same key of another merchant = %v, %v; want inserted", ok, err)
	}

	// UpdateRefund saves the outcome; the amount and the payment stay.
	u := r
	u.Status, u.ProviderTransactionID, u.FailureCode, u.FailureMessage = refund.StatusFailed, "sbx_ref_1", "insufficient_funds", "No money"
	u.RecoveryAttempts, u.UpdatedAt = 3, Now.Add(time.Minute)
	want := u
	u.Amount, u.PaymentID, u.Reason, u.IdempotencyKey = 1, otherP.ID, "changed", "changed-key"
	err = s.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.LockRefund(ctx, r.ID); err != nil {
			return err
		}
		return tx.UpdateRefund(ctx, u)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetRefundByID(ctx, r.ID); err != nil || !cmp.Equal(want, got) {
		t.Errorf("after UpdateRefund: %v (-want +got):\n%s", err, cmp.Diff(want, got))
	}
	if err := s.UpdateRefund(ctx, refund.Refund{ID: "ref_missing", Status: refund.StatusSucceeded, UpdatedAt: Now}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateRefund of a missing refund: %v, want ErrNotFound", err)
	}
	err = s.InTx(ctx, func(tx store.Tx) error {
		_, err := tx.LockRefund(ctx, "ref_missing")
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LockRefund of a missing refund: %v, want ErrNotFound", err)
	}

	for name, change := range map[string]func(*refund.Refund){
		"a zero amount":      func(r *refund.Refund) { r.Amount = 0 },
		"a negative amount":  func(r *refund.Refund) { r.Amount = -100 },
		"an unknown status":  func(r *refund.Refund) { r.Status = "reversed" },
		"an unknown payment": func(r *refund.Refund) { r.PaymentID = "pay_missing" },
	} {
		bad := newRefund(p, 100, "bad-"+name, Now)
		change(&bad)
		if ok, err := s.InsertRefund(ctx, bad); err == nil {
			t.Errorf("InsertRefund with %s = %v, nil; want an error", name, ok)
		}
	}
	bad := want
	bad.Status = "reversed"
	if err := s.UpdateRefund(ctx, bad); err == nil {
		t.Error("UpdateRefund to an unknown status succeeded")
	}
}

// testRefundLists checks ListRefunds (newest first, the cursor, the payment and status filters, one merchant and
// mode) and RefundStats (the dashboard's sums of succeeded refunds by currency over a created range).
func testRefundLists(t *testing.T, s store.Store) {
	ctx := context.Background()
	m, other := NewMerchant(t, s), NewMerchant(t, s)
	p := NewPayment(t, s, m.ID, payment.StatusCaptured, 5000, "USD", Now, "", "a@example.com", "4242")
	q := NewPayment(t, s, m.ID, payment.StatusCaptured, 5000, "USD", Now, "", "b@example.com", "4242")
	theirs := NewPayment(t, s, other.ID, payment.StatusCaptured, 5000, "USD", Now, "", "c@example.com", "4242")
	var rs []refund.Refund // oldest first
	for i, tt := range []struct {
		p      payment.Payment
		status refund.Status
	}{{p, refund.StatusSucceeded}, {q, refund.StatusFailed}, {p, refund.StatusPending}, {p, refund.StatusSucceeded}} {
		r := newRefund(tt.p, 100, id.New("key_", Now), Now.Add(time.Duration(i)*time.Second))
		r.Status = tt.status
		if ok, err := s.InsertRefund(ctx, r); err != nil || !ok {
			t.Fatalf("InsertRefund %d = %v, %v", i, ok, err)
		}
		rs = append(rs, r)
	}
	if ok, err := s.InsertRefund(ctx, newRefund(theirs, 100, "theirs", Now.Add(time.Hour))); err != nil || !ok {
		t.Fatalf("InsertRefund of another merchant = %v, %v", ok, err)
	}
	for name, tt := range map[string]struct {
		f    store.RefundFilter
		want []string
	}{
		"all, newest first":  {store.RefundFilter{}, []string{rs[3].ID, rs[2].ID, rs[1].ID, rs[0].ID}},
		"limit":              {store.RefundFilter{Page: store.Page{Limit: 1}}, []string{rs[3].ID}},
		"starting_after":     {store.RefundFilter{Page: store.Page{Limit: 2, StartingAfter: rs[3].ID}}, []string{rs[2].ID, rs[1].ID}},
		"payment":            {store.RefundFilter{PaymentID: p.ID}, []string{rs[3].ID, rs[2].ID, rs[0].ID}},
		"status":             {store.RefundFilter{Status: "succeeded"}, []string{rs[3].ID, rs[0].ID}},
		"payment and status": {store.RefundFilter{PaymentID: q.ID, Status: "succeeded"}, []string{}},
		"live mode":          {store.RefundFilter{Livemode: true}, []string{}},
	} {
		f := tt.f
		f.MerchantID = m.ID
		if f.Limit == 0 {
			f.Limit = 10
		}
		got, err := s.ListRefunds(ctx, f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ids := []string{}
		for _, r := range got {
			ids = append(ids, r.ID)
		}
		if diff := cmp.Diff(tt.want, ids); diff != "" {
			t.Errorf("ListRefunds %s (-want +got):\n%s", name, diff)
		}
	}

	// rs[0] and rs[3] succeeded (100 USD each, at Now and Now+3s); a succeeded EUR refund comes later.
	eur := NewPayment(t, s, m.ID, payment.StatusCaptured, 5000, "EUR", Now, "", "d@example.com", "4242")
	r := newRefund(eur, 250, "eur-key", Now.Add(10*time.Second))
	r.Status = refund.StatusSucceeded
	if ok, err := s.InsertRefund(ctx, r); err != nil || !ok {
		t.Fatalf("InsertRefund EUR = %v, %v", ok, err)
	}
	for name, tt := range map[string]struct {
		from, to time.Time
		want     []store.RefundStat
	}{
		"all":               {Now, Now.Add(time.Hour), []store.RefundStat{{Currency: "EUR", Count: 1, Amount: 250}, {Currency: "USD", Count: 2, Amount: 200}}},
		"to is exclusive":   {Now, Now.Add(3 * time.Second), []store.RefundStat{{Currency: "USD", Count: 1, Amount: 100}}},
		"from is inclusive": {Now.Add(3 * time.Second), Now.Add(4 * time.Second), []store.RefundStat{{Currency: "USD", Count: 1, Amount: 100}}},
		"empty range":       {Now.Add(4 * time.Second), Now.Add(5 * time.Second), []store.RefundStat{}},
	} {
		got, err := s.RefundStats(ctx, m.ID, false, tt.from, tt.to)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("RefundStats %s (-want +got):\n%s", name, diff)
		}
	}
	if got, _ := s.RefundStats(ctx, m.ID, true, Now, Now.Add(time.Hour)); len(got) != 0 {
		t.Errorf("RefundStats in live mode: %+v", got)
	}
}
