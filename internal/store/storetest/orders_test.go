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

func testOrders(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	o := checkout.Order{ID: id.New("order_", Now), MerchantID: m.ID, Amount: 50000, Currency: "INR", Receipt: "r-1",
		Notes: json.RawMessage(`{"a":1}`), Status: checkout.OrderCreated, CreatedAt: Now, UpdatedAt: Now}
	if err := s.InsertOrder(ctx, o); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetOrder(ctx, m.ID, false, o.ID)
	if diff := cmp.Diff(o, got); err != nil || diff != "" {
		t.Errorf("GetOrder: %v (-want +got):\n%s", err, diff)
	}
	if _, err := s.GetOrder(ctx, m.ID, true, o.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other mode: %v", err)
	}
	// A payment of the order keeps the payer's VPA; the order moves on under its lock.
	p := payment.Payment{ID: id.New("pay_", Now), MerchantID: m.ID, Status: payment.StatusPending, Method: payment.MethodUPI,
		CaptureMethod: payment.CaptureAutomatic, Amount: o.Amount, Currency: o.Currency, Metadata: json.RawMessage(`{}`),
		SourceKind: "order", SourceID: o.ID, Provider: "sandbox", VPA: "asha@upi", CreatedAt: Now, UpdatedAt: Now}
	later := Now.Add(time.Minute)
	err = s.InTx(ctx, func(tx store.Tx) error {
		cur, err := tx.LockOrder(ctx, o.ID)
		if err != nil {
			return err
		}
		if err := tx.InsertPayment(ctx, p); err != nil {
			return err
		}
		cur.Status, cur.PaymentID, cur.UpdatedAt = checkout.OrderAttempted, p.ID, later
		return tx.UpdateOrder(ctx, cur)
	})
	if err != nil {
		t.Fatal(err)
	}
	if gp, err := s.GetPaymentByID(ctx, p.ID); err != nil || gp.VPA != "asha@upi" {
		t.Errorf("payment VPA: %q, %v", gp.VPA, err)
	}
	got, err = s.GetOrderByID(ctx, o.ID)
	if err != nil || got.Status != checkout.OrderAttempted || got.PaymentID != p.ID || !got.UpdatedAt.Equal(later) {
		t.Errorf("after update: %+v, %v", got, err)
	}
	second := o
	second.ID, second.CreatedAt, second.UpdatedAt = id.New("order_", Now.Add(time.Second)), Now.Add(time.Second), Now.Add(time.Second)
	if err := s.InsertOrder(ctx, second); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListOrders(ctx, store.OrderFilter{MerchantID: m.ID, Page: store.Page{Limit: 10}})
	if err != nil || len(list) != 2 || list[0].ID != second.ID {
		t.Errorf("list: %d, %v", len(list), err)
	}
	list, err = s.ListOrders(ctx, store.OrderFilter{MerchantID: m.ID, Status: "attempted", Page: store.Page{Limit: 10, StartingAfter: second.ID}})
	if err != nil || len(list) != 1 || list[0].ID != o.ID {
		t.Errorf("filtered list: %d, %v", len(list), err)
	}
	if err := s.UpdateOrder(ctx, checkout.Order{ID: "order_missing", Status: checkout.OrderPaid, UpdatedAt: Now}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update of a missing order: %v", err)
	}
}
