package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
)

// cardPayment is a direct card payment of a merchant created at.
func cardPayment(merchantID string, at time.Time, status payment.Status, fp, ip, email string, amount int64) payment.Payment {
	return payment.Payment{
		ID: id.New("pay_", at), MerchantID: merchantID, Status: status, Method: payment.MethodCard,
		CaptureMethod: payment.CaptureManual, Amount: amount, Currency: "USD", CustomerEmail: email,
		Metadata: json.RawMessage(`{}`), SourceKind: "direct", Provider: "sandbox", CreatedAt: at, UpdatedAt: at,
		Direct: payment.Direct{CardFingerprint: fp, ClientIP: ip},
	}
}

// testCardPayments checks the direct card API's queries: the card columns, authorizations past their time, the
// fraud rules' signals and payment intents.
func testCardPayments(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	other := NewMerchant(t, s)
	insert := func(p payment.Payment) payment.Payment {
		t.Helper()
		if err := s.InTx(ctx, func(tx store.Tx) error {
			if err := tx.InsertPayment(ctx, p); err != nil {
				return err
			}
			return tx.UpdatePaymentCard(ctx, p)
		}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Attempts with one card, IP and email at 30 s, 30 min and 12 h ago; one of another merchant.
	insert(cardPayment(m.ID, Now.Add(-30*time.Second), payment.StatusFailed, "fp1", "192.0.2.1", "a@example.com", 100))
	insert(cardPayment(m.ID, Now.Add(-30*time.Minute), payment.StatusCaptured, "fp2", "192.0.2.1", "a@example.com", 300))
	insert(cardPayment(m.ID, Now.Add(-12*time.Hour), payment.StatusAuthorized, "fp1", "192.0.2.2", "b@example.com", 200))
	insert(cardPayment(m.ID, Now.Add(-48*time.Hour), payment.StatusFailed, "fp1", "192.0.2.1", "a@example.com", 100))
	insert(cardPayment(other.ID, Now.Add(-time.Second), payment.StatusFailed, "fp1", "192.0.2.1", "a@example.com", 100))
	k := store.AttemptKey{MerchantID: m.ID, MinuteAgo: Now.Add(-time.Minute), HourAgo: Now.Add(-time.Hour), DayAgo: Now.Add(-24 * time.Hour)}
	attempt := func(fp, ip, email string) store.Attempt {
		return store.Attempt{CardFingerprint: fp, ClientIP: ip, Email: email, BlockIP: ip, Currency: "USD"}
	}
	sig, err := s.CountAttemptSignals(ctx, k, attempt("fp1", "192.0.2.1", "a@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(store.AttemptSignals{Card: store.AttemptCounts{Minute: 1, Hour: 1, Day: 2}, IP: store.AttemptCounts{Minute: 1, Hour: 2, Day: 2},
		Email: store.AttemptCounts{Minute: 1, Hour: 2, Day: 2}, DistinctCardsFromIP: 2, RecentDeclines: 1}, sig); diff != "" {
		t.Errorf("signals of a known card (-want +got):\n%s", diff)
	}
	if sig, _ := s.CountAttemptSignals(ctx, k, attempt("fp9", "192.0.2.1", "")); sig.DistinctCardsFromIP != 3 || sig.Email != (store.AttemptCounts{}) || sig.RecentDeclines != 1 {
		t.Errorf("a new card from a known IP, no e-mail: %+v (want 3 distinct cards, no e-mail counts, the IP's decline)", sig)
	}
	if sig, _ := s.CountAttemptSignals(ctx, k, attempt("fp-none", "", "")); !cmp.Equal(sig, store.AttemptSignals{}, cmpopts.EquateEmpty()) {
		t.Errorf("an unknown card without IP or e-mail: %+v, want nothing counted", sig)
	}
	if sig, _ := s.CountAttemptSignals(ctx, k, attempt("", "", "a@example.com")); sig.RecentDeclines != 1 || sig.Email.Day != 2 {
		t.Errorf("declines by e-mail: %+v", sig)
	}
	// Counts stop at the count limit.
	capped := k
	capped.CountLimit = 1
	if sig, _ := s.CountAttemptSignals(ctx, capped, attempt("fp1", "192.0.2.1", "a@example.com")); sig.Card.Day != 1 || sig.IP.Hour != 1 || sig.Email.Day != 1 ||
		sig.DistinctCardsFromIP != 1 || sig.RecentDeclines != 1 {
		t.Errorf("counts with limit 1: %+v, want each at most 1 (the distinct cards of the IP's latest attempt)", sig)
	}
	// The recent successful amounts in the attempt's currency, newest first, up to the limit.
	k.AmountsSince, k.AmountsLimit = Now.Add(-30*24*time.Hour), 10
	if sig, _ := s.CountAttemptSignals(ctx, k, attempt("", "", "")); !cmp.Equal([]int64{300, 200}, sig.RecentAmounts) {
		t.Errorf("recent amounts = %v, want [300 200]", sig.RecentAmounts)
	}
	k.AmountsLimit = 1
	if sig, _ := s.CountAttemptSignals(ctx, k, attempt("", "", "")); !cmp.Equal([]int64{300}, sig.RecentAmounts) {
		t.Errorf("recent amounts, limit 1 = %v, want [300]", sig.RecentAmounts)
	}
	k.AmountsLimit = 0

	// The card columns round-trip; authorizations past expires_at are listed.
	p := cardPayment(m.ID, Now, payment.StatusAuthorized, "fp3", "2001:db8::1", "c@example.com", 900)
	exp := Now.Add(7 * 24 * time.Hour)
	p.Fraud = payment.Fraud{Score: 55, Decision: "review", Reasons: []payment.FraudReason{{Rule: "card_velocity", Points: 30, Message: "many"}}}
	p.AuthCode, p.ResponseCode, p.ResponseMessage, p.LastTransactionID = "123456", "00", "Approved", "txn_x"
	p.AuthorizedAt, p.ExpiresAt = &Now, &exp
	p.Operation, p.OperationID, p.OperationAmount, p.OperationReason = payment.OperationCapture, "op_1", 500, "r"
	insert(p)
	got, err := s.GetPaymentByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p.Direct, got.Direct); diff != "" {
		t.Errorf("card columns (-want +got):\n%s", diff)
	}
	if due, _ := s.ListExpiredAuthorizations(ctx, exp.Add(-time.Second), 10); len(due) != 0 { // the one 12 h old has no expires_at
		t.Errorf("authorizations due before expiry: %d", len(due))
	}
	p.ExpiresAt = &Now
	if err := s.UpdatePaymentCard(ctx, p); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.ListExpiredAuthorizations(ctx, Now, 10); len(due) != 1 || due[0].ID != p.ID {
		t.Errorf("authorizations due: %v", due)
	}
	if stale, _ := s.ListStaleOperations(ctx, Now, 10); len(stale) != 1 || stale[0].ID != p.ID {
		t.Errorf("stale operations: %v", stale)
	}
	list, err := s.ListCardPayments(ctx, store.CardPaymentFilter{PaymentFilter: store.PaymentFilter{MerchantID: m.ID, Page: store.Page{Limit: 10}},
		CreatedGTE: Now.Add(-time.Hour), Offset: 1})
	if err != nil || len(list) != 2 {
		t.Errorf("created range with offset: %d %v", len(list), err)
	}

	// Payment intents.
	pi := checkout.Intent{ID: id.New("pi_", Now), MerchantID: m.ID, Status: checkout.IntentCreated, Amount: 100, Currency: "USD",
		CaptureMethod: "automatic", SuccessURL: "https://shop.example/ok", CancelURL: "https://shop.example/ok",
		Metadata: json.RawMessage(`{}`), ClientSecretHash: checkout.HashClientSecret("kcs_x"), ExpiresAt: Now.Add(time.Hour),
		CreatedAt: Now, UpdatedAt: Now}
	if err := s.InsertPaymentIntent(ctx, pi); err != nil {
		t.Fatal(err)
	}
	pi.Status, pi.FailedAttempts, pi.PaymentID, pi.FailureCode = checkout.IntentFailed, 2, "pay_x", "do_not_honor"
	if err := s.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.LockPaymentIntent(ctx, pi.ID); err != nil {
			return err
		}
		return tx.UpdatePaymentIntent(ctx, pi)
	}); err != nil {
		t.Fatal(err)
	}
	gotPI, err := s.GetPaymentIntent(ctx, m.ID, false, pi.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(pi, gotPI); diff != "" {
		t.Errorf("intent (-want +got):\n%s", diff)
	}
	if _, err := s.GetPaymentIntent(ctx, other.ID, false, pi.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another merchant's intent: %v", err)
	}
	// The hosted page reads an intent by id alone (the client secret is checked against its hash).
	gotPI, err = s.GetPaymentIntentByID(ctx, pi.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(pi, gotPI); diff != "" {
		t.Errorf("GetPaymentIntentByID (-want +got):\n%s", diff)
	}
	if _, err := s.GetPaymentIntentByID(ctx, "pi_missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetPaymentIntentByID of a missing intent: %v", err)
	}
	if due, _ := s.ListExpiredPaymentIntents(ctx, Now.Add(time.Hour), 10); len(due) != 1 {
		t.Errorf("expired intents: %d", len(due))
	}
	if l, _ := s.ListPaymentIntents(ctx, m.ID, false, "failed", store.Page{Limit: 10}); len(l) != 1 {
		t.Errorf("intents by status: %d", len(l))
	}
}
