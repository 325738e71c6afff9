package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
)

// Now is a fixed instant at the precision stores keep.
var Now = time.Date(2026, 11, 22, 10, 30, 0, 123456000, time.UTC)

// NewMerchant inserts and returns an active merchant.
func NewMerchant(t testing.TB, s store.Store) merchant.Merchant {
	t.Helper()
	m := merchant.Merchant{
		ID: id.New("mer_", Now), Name: "Test Shop", Email: "owner@example.com", Status: merchant.StatusActive,
		CheckoutAllowedOrigins: []string{}, CreatedAt: Now, UpdatedAt: Now,
	}
	if err := s.InsertMerchant(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

// NewPayment inserts a card payment of a merchant (test mode) created at at.
func NewPayment(t testing.TB, s store.Queries, merchantID string, status payment.Status, amount int64, currency string, at time.Time, order, email, last4 string) payment.Payment {
	t.Helper()
	p := payment.Payment{
		ID: id.New("pay_", at), MerchantID: merchantID, Status: status, Method: payment.MethodCard,
		CaptureMethod: payment.CaptureAutomatic, Amount: amount, Currency: currency,
		Card:          payment.CardDisplay{Brand: "visa", First6: "424242", Last4: last4, ExpMonth: 12, ExpYear: 2034},
		CustomerEmail: email, Metadata: json.RawMessage(`{}`), ExternalOrderID: order, SourceKind: "direct",
		Provider: "sandbox", CreatedAt: at, UpdatedAt: at,
	}
	if status != payment.StatusFailed && status != payment.StatusPending {
		p.Captured = amount
	}
	if err := s.InsertPayment(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}
