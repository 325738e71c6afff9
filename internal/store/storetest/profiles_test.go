package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/store"
)

func testPaymentProfiles(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	p := merchant.PaymentProfile{ID: id.New("prof_", Now), MerchantID: m.ID, Livemode: true, Connector: merchant.ConnectorStripe,
		Name: "Stripe US", Status: merchant.ProfileEnabled, Methods: []string{"card"}, Currencies: []string{"USD", "EUR"},
		APIBaseURL: "http://127.0.0.1:12111", CredentialsSealed: []byte{1, 0, 255}, CredentialsHint: "4242",
		CreatedAt: Now, UpdatedAt: Now}
	if err := s.InsertPaymentProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetPaymentProfile(ctx, m.ID, true, p.ID)
	if diff := cmp.Diff(p, got); err != nil || diff != "" {
		t.Errorf("GetPaymentProfile: %v (-want +got):\n%s", err, diff)
	}
	other := NewMerchant(t, s)
	for _, tc := range []struct {
		merchantID string
		livemode   bool
	}{{m.ID, false}, {other.ID, true}} {
		if _, err := s.GetPaymentProfile(ctx, tc.merchantID, tc.livemode, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another merchant's or mode's profile: %v", err)
		}
	}
	second := p
	second.ID, second.Name, second.CredentialsSealed = id.New("prof_", Now.Add(time.Second)), "Stripe EU", nil
	if err := s.InsertPaymentProfile(ctx, second); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListPaymentProfiles(ctx, m.ID, true)
	if err != nil || len(list) != 2 || list[0].ID != p.ID || list[1].ID != second.ID || list[1].CredentialsSealed != nil {
		t.Errorf("list, oldest first: %+v %v", list, err)
	}
	if l, err := s.ListPaymentProfiles(ctx, m.ID, false); err != nil || len(l) != 0 {
		t.Errorf("test mode: %+v %v", l, err)
	}
	p.Name, p.Status, p.Methods, p.Currencies, p.CredentialsHint, p.UpdatedAt = "Renamed", merchant.ProfileDisabled, []string{"card"}, nil, "9999", Now.Add(time.Minute)
	if err := s.UpdatePaymentProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, _ = s.GetPaymentProfile(ctx, m.ID, true, p.ID)
	if got.Name != "Renamed" || got.Status != merchant.ProfileDisabled || len(got.Currencies) != 0 || got.CredentialsHint != "9999" || !got.UpdatedAt.Equal(p.UpdatedAt) {
		t.Errorf("after update: %+v", got)
	}
	// A profile a transaction names is kept (the caller disables it); an unused one is deleted.
	pay := payment.Payment{ID: id.New("pay_", Now), MerchantID: m.ID, Livemode: true, Status: payment.StatusCaptured, Method: payment.MethodCard,
		CaptureMethod: payment.CaptureAutomatic, Amount: 100, Currency: "USD", Metadata: json.RawMessage(`{}`), SourceKind: "direct",
		Provider: "stripe", ProfileID: p.ID, CreatedAt: Now, UpdatedAt: Now}
	txn := payment.Transaction{ID: id.New("txn_", Now), PaymentID: pay.ID, MerchantID: m.ID, Livemode: true, Type: payment.TxnSale,
		Status: payment.TxnSucceeded, Amount: 100, Currency: "USD", Provider: "stripe", ProfileID: p.ID, ProviderTransactionID: "pi_1",
		ResponseCode: "00", CreatedAt: Now}
	err = s.InTx(ctx, func(tx store.Tx) error {
		if err := tx.InsertPayment(ctx, pay); err != nil {
			return err
		}
		return tx.InsertTransaction(ctx, txn)
	})
	if err != nil {
		t.Fatal(err)
	}
	if gp, err := s.GetPaymentByID(ctx, pay.ID); err != nil || gp.ProfileID != p.ID {
		t.Errorf("payment's profile: %q %v", gp.ProfileID, err)
	}
	if gt, err := s.GetTransaction(ctx, m.ID, true, txn.ID); err != nil || gt.ProfileID != p.ID {
		t.Errorf("transaction's profile: %q %v", gt.ProfileID, err)
	}
	if gp, err := s.GetPaymentProfileByID(ctx, p.ID); err != nil || gp.MerchantID != m.ID || gp.Name != "Renamed" {
		t.Errorf("GetPaymentProfileByID: %+v %v", gp, err)
	}
	if _, err := s.GetPaymentProfileByID(ctx, "prof_missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unknown profile by id: %v", err)
	}
	// A processor's asynchronous answer finds the payment by the processor's id, within the profile.
	pay.ProviderTransactionID = "pi_1"
	if err := s.UpdatePayment(ctx, pay); err != nil {
		t.Fatal(err)
	}
	if gp, err := s.GetPaymentByProviderTransactionID(ctx, p.ID, "pi_1"); err != nil || gp.ID != pay.ID {
		t.Errorf("by the processor's id: %+v %v", gp, err)
	}
	for _, k := range [][2]string{{second.ID, "pi_1"}, {p.ID, "pi_2"}, {p.ID, ""}} {
		if _, err := s.GetPaymentByProviderTransactionID(ctx, k[0], k[1]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%v: %v", k, err)
		}
	}
	// Each processor event is taken once per profile.
	for i, want := range []bool{true, false} {
		if got, err := s.InsertProviderEvent(ctx, p.ID, "evt_1", "payment_intent.succeeded", Now); err != nil || got != want {
			t.Errorf("event, time %d: %v %v, want %v", i+1, got, err, want)
		}
	}
	if got, err := s.InsertProviderEvent(ctx, second.ID, "evt_1", "payment_intent.succeeded", Now); err != nil || !got {
		t.Errorf("the same event id for another profile: %v %v", got, err)
	}
	if err := s.DeletePaymentProfile(ctx, p.ID); !errors.Is(err, store.ErrNotUpdated) {
		t.Errorf("deleting a used profile: %v", err)
	}
	if err := s.DeletePaymentProfile(ctx, second.ID); err != nil {
		t.Errorf("deleting an unused profile: %v", err)
	}
	if _, err := s.GetPaymentProfile(ctx, m.ID, true, second.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted profile: %v", err)
	}
}

func testRoutingRules(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	if r, err := s.GetRoutingRules(ctx, m.ID, true); err != nil || len(r.Rules) != 0 || !r.UpdatedAt.IsZero() {
		t.Errorf("never set: %+v %v", r, err)
	}
	want := store.RoutingRules{Rules: []provider.Rule{
		{Methods: []string{"card"}, Currencies: []string{"EUR"}, MinAmount: 1, MaxAmount: 5000, Brands: []string{"visa"}, BINPrefixes: []string{"4242"}, Profiles: []string{"prof_a", "prof_b"}},
		{Profiles: []string{"prof_c"}},
	}, UpdatedAt: Now}
	if err := s.PutRoutingRules(ctx, m.ID, true, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetRoutingRules(ctx, m.ID, true)
	if diff := cmp.Diff(want, got); err != nil || diff != "" {
		t.Errorf("GetRoutingRules: %v (-want +got):\n%s", err, diff)
	}
	if r, err := s.GetRoutingRules(ctx, m.ID, false); err != nil || len(r.Rules) != 0 {
		t.Errorf("the other mode: %+v %v", r, err)
	}
	// A PUT replaces the whole list.
	if err := s.PutRoutingRules(ctx, m.ID, true, store.RoutingRules{UpdatedAt: Now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if r, err := s.GetRoutingRules(ctx, m.ID, true); err != nil || len(r.Rules) != 0 || !r.UpdatedAt.Equal(Now.Add(time.Hour)) {
		t.Errorf("after clearing: %+v %v", r, err)
	}
}
