package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/webhook"
)

// testHeldBackWrites: a write a transaction may send late (PostgreSQL holds inserts back until the next statement
// that needs an answer, or the commit) is seen by the transaction's next read, and when it fails it fails the
// whole transaction: nothing before or after it is kept.
func testHeldBackWrites(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	var p payment.Payment
	err := s.InTx(ctx, func(tx store.Tx) error {
		p = NewPayment(t, tx, m.ID, payment.StatusPending, 500, "USD", Now, "HB-1", "", "4242")
		got, err := tx.GetPayment(ctx, m.ID, false, p.ID)
		if err != nil {
			return err
		}
		if got.Amount != 500 {
			t.Errorf("payment read back in its transaction: amount %d, want 500", got.Amount)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("InTx: %v", err)
	}

	at := Now.Add(time.Minute)
	var kept payment.Payment
	err = s.InTx(ctx, func(tx store.Tx) error {
		kept = NewPayment(t, tx, m.ID, payment.StatusPending, 700, "USD", at, "HB-2", "", "4242")
		// an event of a merchant that does not exist breaks a foreign key: a failure only the server finds
		return tx.InsertEvent(ctx, webhook.Event{
			ID: id.New("evt_", at), Type: "payment.created", APIVersion: "2026-11-01", CreatedAt: at,
			MerchantID: "mer_missing", ObjectID: kept.ID, Data: []byte(`{}`),
		})
	})
	if err == nil {
		t.Fatal("InTx committed an event of a merchant that does not exist")
	}
	if _, err := s.GetPayment(ctx, m.ID, false, kept.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the payment written before the failed event: %v, want ErrNotFound (rolled back)", err)
	}
	if _, err := s.GetPayment(ctx, m.ID, false, p.ID); err != nil {
		t.Errorf("the committed payment: %v", err)
	}

	// An update of a payment that does not exist changes no row: the transaction fails, whenever the update is
	// sent, and the insert before it is gone.
	at = Now.Add(2 * time.Minute)
	var before payment.Payment
	err = s.InTx(ctx, func(tx store.Tx) error {
		before = NewPayment(t, tx, m.ID, payment.StatusPending, 900, "USD", at, "HB-3", "", "4242")
		ghost := before
		ghost.ID = id.New("pay_", at.Add(time.Second))
		ghost.Status = payment.StatusCaptured
		return tx.UpdatePayment(ctx, ghost)
	})
	if err == nil {
		t.Fatal("InTx committed an update of a payment that does not exist")
	}
	if _, err := s.GetPayment(ctx, m.ID, false, before.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the payment written before the lost update: %v, want ErrNotFound (rolled back)", err)
	}
}
