package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/vault"
)

// newSavedCard inserts a vaulted card of a merchant.
func newSavedCard(t testing.TB, s store.Queries, merchantID string, livemode bool, at time.Time) payment.SavedCard {
	t.Helper()
	c := payment.SavedCard{
		ID: id.New("pm_", at), MerchantID: merchantID, Livemode: livemode, CreatedAt: at,
		Sealed: vault.Sealed{
			Ciphertext: []byte{0x00, 0xff, 0x10, 0x80}, WrappedKey: []byte{0x01, 0x02, 0xfe}, KeyVersion: 3, Fingerprint: "fp-saved",
			Display: vault.Display{Brand: vault.BrandMastercard, First6: "555555", Last4: "4444", ExpMonth: 7, ExpYear: 2031},
		},
	}
	if err := s.InsertSavedCard(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// fullPayment is a live-mode card payment of a merchant with every field set, partly refunded with a refund in
// flight, paid with the saved card cardID.
func fullPayment(merchantID, cardID string, at time.Time) payment.Payment {
	authorized, expires, captured := at, at.Add(payment.AuthorizationLifetime), at.Add(time.Second)
	return payment.Payment{
		ID: id.New("pay_", at), MerchantID: merchantID, Livemode: true, Status: payment.StatusPartiallyRefunded,
		Method: payment.MethodCard, CaptureMethod: payment.CaptureManual, Amount: 12345, Currency: "EUR",
		Captured: 12000, Refunded: 1000, RefundsPending: 500, PaymentMethodID: cardID,
		Card:          payment.CardDisplay{Brand: "mastercard", First6: "555555", Last4: "4444", ExpMonth: 7, ExpYear: 2031},
		VPA:           "ada@upi",
		CustomerEmail: "ada@example.com", CustomerName: "Ada Lovelace", Description: "Two books",
		Metadata: json.RawMessage(`{"cart":"c1"}`), ExternalOrderID: "ORDER-9", ExternalInvoiceID: "INV-9",
		SourceKind: "checkout_session", SourceID: "cs_source", Provider: "sandbox", ProviderTransactionID: "sbx_txn_1",
		Scenario: "approve", FailureCode: "none_yet", FailureMessage: "kept verbatim", DeclineCode: "dc",
		RecoveryAttempts: 2, CreatedAt: at, UpdatedAt: at.Add(2 * time.Second),
		Direct: payment.Direct{
			CardFingerprint: "fp-saved", ClientIP: "198.51.100.7",
			Fraud:    payment.Fraud{Score: 35, Decision: "approve", Reasons: []payment.FraudReason{{Rule: "ip_velocity", Points: 35, Message: "3 cards"}}},
			AuthCode: "A1B2C3", ResponseCode: "00", ResponseMessage: "Approved", LastTransactionID: "txn_last",
			AuthorizedAt: &authorized, ExpiresAt: &expires, CapturedAt: &captured, VoidedAt: &captured, VoidReason: "kept",
			Operation: payment.OperationCapture, OperationID: "op_9", OperationAmount: 12000, OperationReason: "partial",
		},
	}
}

// testPayments checks the payment row: every field round-trips, reads are scoped to the merchant and mode,
// UpdatePayment saves the mutable fields only, and the CHECK constraints refuse money that does not add up.
func testPayments(t *testing.T, s store.Store) {
	ctx := context.Background()
	m, other := NewMerchant(t, s), NewMerchant(t, s)
	card := newSavedCard(t, s, m.ID, true, Now)
	gotCard, err := s.GetSavedCard(ctx, card.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(card, gotCard); diff != "" {
		t.Errorf("GetSavedCard (-want +got):\n%s", diff)
	}
	if _, err := s.GetSavedCard(ctx, "pm_missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetSavedCard of a missing card: %v, want ErrNotFound", err)
	}

	p := fullPayment(m.ID, card.ID, Now)
	if err := s.InTx(ctx, func(tx store.Tx) error {
		if err := tx.InsertPayment(ctx, p); err != nil {
			return err
		}
		return tx.UpdatePaymentCard(ctx, p)
	}); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetPayment(ctx, m.ID, true, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, got); diff != "" {
		t.Errorf("GetPayment (-want +got):\n%s", diff)
	}
	got, err = s.GetPaymentByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, got); diff != "" {
		t.Errorf("GetPaymentByID (-want +got):\n%s", diff)
	}
	if _, err := s.GetPayment(ctx, other.ID, true, p.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another merchant's payment: %v, want ErrNotFound", err)
	}
	if _, err := s.GetPayment(ctx, m.ID, false, p.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a live payment read in test mode: %v, want ErrNotFound", err)
	}
	if err := s.InsertPayment(ctx, p); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a second payment with the same id: %v, want ErrConflict", err)
	}

	// UpdatePayment saves status, amounts, provider transaction id, failure and recovery attempts; the amount asked
	// for, the customer and the card columns stay as inserted.
	u := p
	u.Status, u.Captured, u.Refunded, u.RefundsPending = payment.StatusRefunded, 12000, 12000, 0
	u.ProviderTransactionID, u.FailureCode, u.FailureMessage, u.DeclineCode = "sbx_txn_2", "", "", ""
	u.RecoveryAttempts, u.UpdatedAt = 0, Now.Add(time.Hour)
	want := u
	u.Amount, u.Currency, u.CustomerEmail, u.Description, u.MerchantID = 1, "USD", "eve@example.com", "changed", other.ID
	u.AuthCode, u.Operation = "CHANGED", payment.OperationNone
	if err := s.UpdatePayment(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err = s.GetPayment(ctx, m.ID, true, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after UpdatePayment (-want +got):\n%s", diff)
	}
	if err := s.UpdatePayment(ctx, payment.Payment{ID: "pay_missing", Status: payment.StatusFailed, UpdatedAt: Now}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdatePayment of a missing payment: %v, want ErrNotFound", err)
	}

	// The schema refuses amounts that do not add up, whatever the caller does (docs/architecture.md §4), and keeps the
	// row.
	for name, change := range map[string]func(*payment.Payment){
		"refunds past the capture":         func(p *payment.Payment) { p.Refunded, p.RefundsPending = 12000, 1 },
		"pending refunds past the capture": func(p *payment.Payment) { p.Refunded, p.RefundsPending = 0, 12001 },
		"capture past the amount":          func(p *payment.Payment) { p.Captured = p.Amount + 1 },
		"negative refund":                  func(p *payment.Payment) { p.Refunded = -1 },
		"negative pending refunds":         func(p *payment.Payment) { p.Refunded, p.RefundsPending = 12000, -1 },
		"unknown status":                   func(p *payment.Payment) { p.Status = "settled" },
	} {
		bad := want
		change(&bad)
		if err := s.UpdatePayment(ctx, bad); err == nil {
			t.Errorf("UpdatePayment with %s succeeded", name)
		}
	}
	if got, err := s.GetPaymentByID(ctx, p.ID); err != nil || !cmp.Equal(want, got) {
		t.Errorf("payment after refused updates (-want +got):\n%s", cmp.Diff(want, got))
	}
	for name, change := range map[string]func(*payment.Payment){
		"a zero amount":       func(p *payment.Payment) { p.Amount, p.Captured, p.Refunded, p.RefundsPending = 0, 0, 0, 0 },
		"an unknown method":   func(p *payment.Payment) { p.Method = "cheque" },
		"an unknown merchant": func(p *payment.Payment) { p.MerchantID = "mer_missing" },
		"an unknown card":     func(p *payment.Payment) { p.PaymentMethodID = "pm_missing" },
	} {
		bad := fullPayment(m.ID, card.ID, Now)
		change(&bad)
		if err := s.InsertPayment(ctx, bad); err == nil {
			t.Errorf("InsertPayment with %s succeeded", name)
		}
	}
}

// testPaymentLists checks ListPayments (newest first, cursor, status and source filters, one merchant and mode)
// and ListStalePendingPayments (the recovery sweep's card payments pending since before a time, oldest first).
func testPaymentLists(t *testing.T, s store.Store) {
	ctx := context.Background()
	m, other := NewMerchant(t, s), NewMerchant(t, s)
	insert := func(merchantID string, livemode bool, status payment.Status, method payment.Method, sourceID string, at time.Time) payment.Payment {
		t.Helper()
		p := cardPayment(merchantID, at, status, "fp", "192.0.2.1", "a@example.com", 1000)
		p.Livemode, p.Method, p.SourceKind, p.SourceID = livemode, method, "checkout_session", sourceID
		if status == payment.StatusCaptured {
			p.Captured = p.Amount
		}
		if err := s.InsertPayment(ctx, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p0 := insert(m.ID, false, payment.StatusPending, payment.MethodCard, "cs_a", Now)
	p1 := insert(m.ID, false, payment.StatusFailed, payment.MethodCard, "cs_a", Now.Add(time.Second))
	p2 := insert(m.ID, false, payment.StatusPending, payment.MethodUPI, "cs_b", Now.Add(2*time.Second))
	p3 := insert(m.ID, false, payment.StatusCaptured, payment.MethodCard, "cs_a", Now.Add(3*time.Second))
	p4 := insert(m.ID, false, payment.StatusPending, payment.MethodCard, "cs_b", Now.Add(4*time.Second))
	insert(m.ID, true, payment.StatusPending, payment.MethodCard, "cs_a", Now.Add(5*time.Second))
	insert(other.ID, false, payment.StatusPending, payment.MethodCard, "cs_a", Now.Add(6*time.Second))

	ids := func(ps []payment.Payment) []string {
		out := []string{}
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	for name, tt := range map[string]struct {
		f    store.PaymentFilter
		want []string
	}{
		"all, newest first": {store.PaymentFilter{}, []string{p4.ID, p3.ID, p2.ID, p1.ID, p0.ID}},
		"limit":             {store.PaymentFilter{Page: store.Page{Limit: 2}}, []string{p4.ID, p3.ID}},
		"starting_after":    {store.PaymentFilter{Page: store.Page{Limit: 2, StartingAfter: p3.ID}}, []string{p2.ID, p1.ID}},
		"last page":         {store.PaymentFilter{Page: store.Page{Limit: 2, StartingAfter: p1.ID}}, []string{p0.ID}},
		"status":            {store.PaymentFilter{Status: "pending"}, []string{p4.ID, p2.ID, p0.ID}},
		"source":            {store.PaymentFilter{SourceID: "cs_a"}, []string{p3.ID, p1.ID, p0.ID}},
		"status and source": {store.PaymentFilter{Status: "pending", SourceID: "cs_b"}, []string{p4.ID, p2.ID}},
		"no match":          {store.PaymentFilter{Status: "refunded"}, []string{}},
	} {
		f := tt.f
		f.MerchantID = m.ID
		if f.Limit == 0 {
			f.Limit = 10
		}
		got, err := s.ListPayments(ctx, f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
			t.Errorf("ListPayments %s (-want +got):\n%s", name, diff)
		}
	}
	if got, _ := s.ListPayments(ctx, store.PaymentFilter{MerchantID: m.ID, Livemode: true, Page: store.Page{Limit: 10}}); len(got) != 1 {
		t.Errorf("ListPayments in live mode: %d payments, want 1", len(got))
	}

	// The sweep sees card payments still pending at or before its cutoff, of every merchant and mode, oldest first;
	// UPI payments wait for the payer, not for a provider call, and are left alone.
	stale, err := s.ListStalePendingPayments(ctx, Now.Add(4*time.Second), 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{p0.ID, p4.ID}, ids(stale)); diff != "" {
		t.Errorf("ListStalePendingPayments (-want +got):\n%s", diff)
	}
	if stale, _ := s.ListStalePendingPayments(ctx, Now.Add(time.Hour), 1); len(stale) != 1 || stale[0].ID != p0.ID {
		t.Errorf("ListStalePendingPayments with limit 1 = %v, want the oldest", ids(stale))
	}
	// A payment that moved on leaves the sweep.
	p0.Status, p0.Captured, p0.UpdatedAt = payment.StatusCaptured, p0.Amount, Now.Add(time.Minute)
	if err := s.UpdatePayment(ctx, p0); err != nil {
		t.Fatal(err)
	}
	if stale, _ := s.ListStalePendingPayments(ctx, Now.Add(4*time.Second), 10); len(stale) != 1 || stale[0].ID != p4.ID {
		t.Errorf("ListStalePendingPayments after a capture = %v, want only %s", ids(stale), p4.ID)
	}
}

// testTransactions checks the append-only transaction rows: every field round-trips, reads are scoped, and both
// lists filter and page newest first.
func testTransactions(t *testing.T, s store.Store) {
	ctx := context.Background()
	m, other := NewMerchant(t, s), NewMerchant(t, s)
	p := NewPayment(t, s, m.ID, payment.StatusCaptured, 5000, "USD", Now, "", "a@example.com", "4242")
	q := NewPayment(t, s, m.ID, payment.StatusCaptured, 7000, "USD", Now, "", "b@example.com", "4242")
	var txns []payment.Transaction // oldest first
	for i, tt := range []struct {
		payment string
		typ     payment.TransactionType
		status  payment.TransactionStatus
	}{
		{p.ID, payment.TxnAuthorize, payment.TxnSucceeded},
		{p.ID, payment.TxnCapture, payment.TxnSucceeded},
		{q.ID, payment.TxnSale, payment.TxnSucceeded},
		{p.ID, payment.TxnRefund, payment.TxnFailed},
		{p.ID, payment.TxnRefund, payment.TxnSucceeded},
	} {
		at := Now.Add(time.Duration(i) * time.Second)
		txn := payment.Transaction{
			ID: id.New("txn_", at), PaymentID: tt.payment, MerchantID: m.ID, Type: tt.typ, Status: tt.status,
			Amount: int64(1000 + i), Currency: "USD", Provider: "sandbox", ProviderTransactionID: "sbx_" + string(tt.typ),
			AuthCode: "123456", ResponseCode: "00", ResponseMessage: "Approved", CreatedAt: at,
		}
		if tt.status == payment.TxnFailed {
			txn.ProviderTransactionID, txn.AuthCode, txn.ResponseCode, txn.ResponseMessage = "", "", "05", "Do not honor"
		}
		if err := s.InsertTransaction(ctx, txn); err != nil {
			t.Fatal(err)
		}
		txns = append(txns, txn)
	}
	got, err := s.GetTransaction(ctx, m.ID, false, txns[3].ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(txns[3], got); diff != "" {
		t.Errorf("GetTransaction (-want +got):\n%s", diff)
	}
	if _, err := s.GetTransaction(ctx, other.ID, false, txns[3].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another merchant's transaction: %v, want ErrNotFound", err)
	}
	if _, err := s.GetTransaction(ctx, m.ID, true, txns[3].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a test transaction read in live mode: %v, want ErrNotFound", err)
	}
	if err := s.InsertTransaction(ctx, txns[0]); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a second transaction with the same id: %v, want ErrConflict", err)
	}
	orphan := txns[0]
	orphan.ID, orphan.PaymentID = id.New("txn_", Now), "pay_missing"
	if err := s.InsertTransaction(ctx, orphan); err == nil {
		t.Error("a transaction of a missing payment was inserted")
	}
	theirs := txns[0]
	theirs.ID, theirs.MerchantID = id.New("txn_", Now.Add(time.Hour)), other.ID
	if err := s.InsertTransaction(ctx, theirs); err != nil {
		t.Fatal(err)
	}

	ids := func(ts []payment.Transaction) []string {
		out := []string{}
		for _, t := range ts {
			out = append(out, t.ID)
		}
		return out
	}
	for name, tt := range map[string]struct {
		f      store.TransactionFilter
		offset int
		want   []string
	}{
		"all, newest first":   {store.TransactionFilter{}, 0, []string{txns[4].ID, txns[3].ID, txns[2].ID, txns[1].ID, txns[0].ID}},
		"payment":             {store.TransactionFilter{PaymentID: q.ID}, 0, []string{txns[2].ID}},
		"type":                {store.TransactionFilter{Type: "refund"}, 0, []string{txns[4].ID, txns[3].ID}},
		"status":              {store.TransactionFilter{Status: "failed"}, 0, []string{txns[3].ID}},
		"type and status":     {store.TransactionFilter{Type: "refund", Status: "succeeded"}, 0, []string{txns[4].ID}},
		"created range":       {store.TransactionFilter{CreatedGTE: Now.Add(time.Second), CreatedLT: Now.Add(3 * time.Second)}, 0, []string{txns[2].ID, txns[1].ID}},
		"starting_after":      {store.TransactionFilter{Page: store.Page{Limit: 2, StartingAfter: txns[3].ID}}, 0, []string{txns[2].ID, txns[1].ID}},
		"offset":              {store.TransactionFilter{Page: store.Page{Limit: 2}}, 1, []string{txns[3].ID, txns[2].ID}},
		"offset past the end": {store.TransactionFilter{}, 5, []string{}},
	} {
		f := tt.f
		f.MerchantID = m.ID
		if f.Limit == 0 {
			f.Limit = 10
		}
		if tt.offset == 0 {
			got, err := s.ListTransactions(ctx, f)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
				t.Errorf("ListTransactions %s (-want +got):\n%s", name, diff)
			}
		}
		got, err := s.ListTransactionsOffset(ctx, f, tt.offset)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
			t.Errorf("ListTransactionsOffset %s (-want +got):\n%s", name, diff)
		}
	}
	// Document 002's "captured" status is a succeeded capture or sale: Type with AlsoType.
	got2, err := s.ListTransactionsOffset(ctx, store.TransactionFilter{MerchantID: m.ID, Type: "capture", AlsoType: "sale", Status: "succeeded", Page: store.Page{Limit: 10}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{txns[2].ID, txns[1].ID}, ids(got2)); diff != "" {
		t.Errorf("ListTransactionsOffset capture or sale (-want +got):\n%s", diff)
	}
}

// testRefundReservations runs the first phase of many concurrent refunds of one payment, each reserving part of
// the refundable balance under the payment's lock: exactly as many fit as the capture allows, and none is lost.
func testRefundReservations(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	p := NewPayment(t, s, m.ID, payment.StatusCaptured, 1000, "USD", Now, "", "a@example.com", "4242")
	errFull := errors.New("refundable balance exhausted")
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			errs <- s.InTx(ctx, func(tx store.Tx) error {
				cur, err := tx.LockPayment(ctx, p.ID)
				if err != nil {
					return err
				}
				if cur.Amounts().Refundable() < 300 {
					return errFull
				}
				cur.RefundsPending += 300
				return tx.UpdatePayment(ctx, cur)
			})
		})
	}
	wg.Wait()
	close(errs)
	reserved := 0
	for err := range errs {
		switch {
		case err == nil:
			reserved++
		case !errors.Is(err, errFull):
			t.Fatal(err)
		}
	}
	got, err := s.GetPaymentByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if reserved != 3 || got.RefundsPending != 900 {
		t.Errorf("%d reservations of 300 on a capture of 1000 left %d pending; want 3 and 900", reserved, got.RefundsPending)
	}
}
