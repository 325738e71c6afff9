package gateway_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/ledger"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
)

func newSession(t *testing.T, e *kassatest.Env, auth gateway.Auth, order string) checkout.Session {
	t.Helper()
	cs, err := e.Gateway.CreateSession(context.Background(), auth, checkout.KindSession, gateway.SessionInput{
		ExternalOrderID: order, Amount: 12500, SuccessURL: "https://shop.example/ok/{CHECKOUT_SESSION_ID}",
		CancelURL: "https://shop.example/cancel",
	}, gateway.Idempotency{Key: "key-" + order, Hash: "h-" + order})
	if err != nil {
		t.Fatal(err)
	}
	return cs.Session
}

func card(number string) gateway.CardInput {
	cvv := "123"
	if strings.HasPrefix(number, "34") || strings.HasPrefix(number, "37") {
		cvv = "1234" // American Express codes have four digits
	}
	return gateway.CardInput{Number: number, ExpMonth: 12, ExpYear: 2030, CVV: cvv, Name: "Jane Doe"}
}

func authOf(t *testing.T, e *kassatest.Env) gateway.Auth {
	t.Helper()
	a, err := e.Gateway.Authenticate(context.Background(), e.SecretKey)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestSandboxCardsAndScenarios pays a session with every sandbox card and scenario and checks the outcome the
// merchant sees: session status, payment status and failure, the transaction's response code.
func TestSandboxCardsAndScenarios(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		a := authOf(t, e)
		ctx := context.Background()
		tests := []struct {
			number      string
			scenario    provider.Scenario
			wantSession checkout.Status
			wantCode    string // transaction response code
			wantDecline string
		}{
			{"4242424242424242", "", checkout.StatusPaid, "00", ""},
			{"5555 5555 5555 4444", "", checkout.StatusPaid, "00", ""},
			{"378282246310005", "", checkout.StatusPaid, "00", ""},
			{"6011-1111-1111-1117", "", checkout.StatusPaid, "00", ""},
			{"4000000000000002", "", checkout.StatusFailed, "05", "do_not_honor"},
			{"4000000000009995", "", checkout.StatusFailed, "51", "insufficient_funds"},
			{"4000000000000069", "", checkout.StatusFailed, "54", "expired_card"},
			{"4000000000000127", "", checkout.StatusFailed, "N7", "incorrect_cvc"},
			{"4000000000000119", "", checkout.StatusFailed, "96", "processing_error"},
			{"4242424242424242", provider.ScenarioDecline, checkout.StatusFailed, "05", "do_not_honor"},
			{"4242424242424242", provider.ScenarioInsufficientFunds, checkout.StatusFailed, "51", "insufficient_funds"},
			{"4242424242424242", provider.ScenarioExpiredCard, checkout.StatusFailed, "54", "expired_card"},
			{"4242424242424242", provider.ScenarioProviderError, checkout.StatusFailed, "96", "processing_error"},
			{"4000000000000002", provider.ScenarioApprove, checkout.StatusPaid, "00", ""},
		}
		for i, tt := range tests {
			s := newSession(t, e, a, "ORDER-"+string(rune('A'+i)))
			res, err := e.Gateway.PaySession(ctx, s.ID, card(tt.number), "", tt.scenario, "")
			if err != nil {
				t.Fatalf("%s/%s: %v", tt.number, tt.scenario, err)
			}
			txns, _, err := e.Gateway.ListTransactions(ctx, a, store.TransactionFilter{PaymentID: res.Payment.ID, Page: store.Page{Limit: 10}})
			if err != nil || len(txns) != 1 {
				t.Fatalf("%s: %d transactions, %v", tt.number, len(txns), err)
			}
			got := []string{string(res.Session.Status), txns[0].ResponseCode, res.Payment.DeclineCode}
			want := []string{string(tt.wantSession), tt.wantCode, tt.wantDecline}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s/%s (-want +got):\n%s", tt.number, tt.scenario, diff)
			}
			if tt.wantSession == checkout.StatusPaid {
				if res.Payment.Status != payment.StatusCaptured || res.Payment.Captured != 12500 || res.RedirectURL != "https://shop.example/ok/"+s.ID {
					t.Errorf("%s: payment %s captured %d redirect %q", tt.number, res.Payment.Status, res.Payment.Captured, res.RedirectURL)
				}
			} else if res.Session.FailedAttempts != 1 || res.Payment.Status != payment.StatusFailed {
				t.Errorf("%s: attempts %d, payment %s", tt.number, res.Session.FailedAttempts, res.Payment.Status)
			}
		}
		// Every capture is in the ledger, and the journal balances.
		bal, err := e.Gateway.LedgerBalances(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.LedgerBalance{
			{Account: ledger.MerchantPayable, Currency: "USD", Credits: 5 * 12500},
			{Account: ledger.ProviderClearing, Currency: "USD", Debits: 5 * 12500},
		}
		if diff := cmp.Diff(want, bal); diff != "" {
			t.Errorf("ledger (-want +got):\n%s", diff)
		}
		// The card numbers are nowhere in the database except inside sealed blobs.
		dump := storetest.Dump(t, e.Store)
		for _, pan := range []string{"4242424242424242", "5555555555554444", "378282246310005", "6011111111111117", "4000000000009995"} {
			if bytes.Contains(dump, []byte(pan)) {
				t.Errorf("the database holds %s in clear", pan)
			}
		}
		if strings.Contains(e.Log.String(), "4242424242424242") {
			t.Error("the log holds a card number")
		}
	})
}

func TestSessionLocksAfterFiveDeclines(t *testing.T) {
	t.Parallel()
	e := kassatest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	a := authOf(t, e)
	ctx := context.Background()
	s := newSession(t, e, a, "ORDER-LOCK")
	for i := range checkout.MaxFailedAttempts {
		res, err := e.Gateway.PaySession(ctx, s.ID, card("4000000000000002"), "", "", "")
		if err != nil || res.Session.FailedAttempts != i+1 {
			t.Fatalf("attempt %d: %v %+v", i+1, err, res.Session)
		}
	}
	_, err := e.Gateway.PaySession(ctx, s.ID, card("4242424242424242"), "", "", "")
	if ge, ok := gateway.AsError(err); !ok || ge.Code != "max_attempts_reached" || ge.Kind != gateway.KindGone {
		t.Errorf("sixth attempt: %v", err)
	}
}

func TestPaySessionRefusals(t *testing.T) {
	t.Parallel()
	e := kassatest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	a := authOf(t, e)
	ctx := context.Background()
	paid := newSession(t, e, a, "ORDER-PAID")
	if _, err := e.Gateway.PaySession(ctx, paid.ID, card("4242424242424242"), "", "", ""); err != nil {
		t.Fatal(err)
	}
	canceled := newSession(t, e, a, "ORDER-CANCELED")
	if _, err := e.Gateway.CancelSession(ctx, a, checkout.KindSession, canceled.ID); err != nil {
		t.Fatal(err)
	}
	fresh := newSession(t, e, a, "ORDER-FRESH")
	for name, tt := range map[string]struct {
		sessionID string
		card      gateway.CardInput
		wantCode  string
	}{
		"paid":         {paid.ID, card("4242424242424242"), "session_already_paid"},
		"canceled":     {canceled.ID, card("4242424242424242"), "session_canceled"},
		"bad number":   {fresh.ID, card("4242424242424241"), "invalid_card_number"},
		"expired card": {fresh.ID, gateway.CardInput{Number: "4242424242424242", ExpMonth: 1, ExpYear: 2020, CVV: "123"}, "expired_card"},
		"bad month":    {fresh.ID, gateway.CardInput{Number: "4242424242424242", ExpMonth: 13, ExpYear: 2030, CVV: "123"}, "invalid_expiry_month"},
		"short cvv":    {fresh.ID, gateway.CardInput{Number: "4242424242424242", ExpMonth: 1, ExpYear: 2030, CVV: "12"}, "invalid_cvc"},
		"unknown":      {"cs_0000000000000000000000", card("4242424242424242"), "resource_missing"},
	} {
		_, err := e.Gateway.PaySession(ctx, tt.sessionID, tt.card, "", "", "")
		ge, ok := gateway.AsError(err)
		if !ok || ge.Code != tt.wantCode {
			t.Errorf("%s: %v, want %s", name, err, tt.wantCode)
		}
		if ok && strings.Contains(ge.Message, "4242") {
			t.Errorf("%s: the error message shows card digits: %s", name, ge.Message)
		}
	}
	e.Clock.Advance(31 * time.Minute)
	if _, err := e.Gateway.PaySession(ctx, fresh.ID, card("4242424242424242"), "", "", ""); err == nil {
		t.Error("paid an expired session")
	} else if ge, _ := gateway.AsError(err); ge.Code != "session_expired" {
		t.Errorf("expired session: %v", err)
	}
}

// lossyProvider loses the answer of the first call it gets (the processor did the work; the network dropped the
// reply), as a crash between phases 2 and 3 of §5 would.
type lossyProvider struct {
	provider.Provider
	mu   sync.Mutex
	lost bool
}

func (p *lossyProvider) Do(ctx context.Context, r provider.Request) (provider.Result, error) {
	res, err := p.Provider.Do(ctx, r)
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.lost {
		p.lost = true
		return provider.Result{}, provider.ErrTimeout
	}
	return res, err
}

// TestRecoveryFinishesAnInterruptedPayment: a provider call whose answer is lost leaves the payment pending; the
// recovery job asks again with the same key and records the one charge.
func TestRecoveryFinishesAnInterruptedPayment(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		prov := &lossyProvider{Provider: sandbox.New(sandbox.Options{})}
		e := kassatest.Setup(t, b, kassatest.Options{Provider: prov})
		a := authOf(t, e)
		ctx := context.Background()
		s := newSession(t, e, a, "ORDER-LOST")
		res, err := e.Gateway.PaySession(ctx, s.ID, card("4242424242424242"), "", "", "")
		if err != nil || res.Payment.Status != payment.StatusPending || res.Session.Status != checkout.StatusPending {
			t.Fatalf("lost answer: %v, payment %s, session %s", err, res.Payment.Status, res.Session.Status)
		}
		if _, err := e.Gateway.PaySession(ctx, s.ID, card("4242424242424242"), "", "", ""); err == nil {
			t.Error("a second attempt while the first is pending was accepted")
		}
		if err := e.Gateway.RecoverPayment(ctx, res.Payment.ID); err != nil {
			t.Fatal(err)
		}
		p, err := e.Gateway.GetPayment(ctx, a, res.Payment.ID)
		if err != nil || p.Status != payment.StatusCaptured {
			t.Fatalf("after recovery: %s, %v", p.Status, err)
		}
		txns, _, _ := e.Gateway.ListTransactions(ctx, a, store.TransactionFilter{PaymentID: p.ID, Page: store.Page{Limit: 10}})
		if len(txns) != 1 {
			t.Errorf("%d transactions, want exactly one charge", len(txns))
		}
		// Recovery again is a no-op.
		if err := e.Gateway.RecoverPayment(ctx, p.ID); err != nil {
			t.Error(err)
		}
		if got, _ := e.Gateway.GetSession(ctx, a, checkout.KindSession, s.ID); got.Status != checkout.StatusPaid || got.PaymentID != p.ID {
			t.Errorf("session %s payment %s", got.Status, got.PaymentID)
		}
	})
}

// TestTimeoutCardEndsInATimeoutFailure: the sandbox's timeout card never answers; after three recovery attempts the
// payment fails with TIMEOUT and the customer may try again.
func TestTimeoutCardEndsInATimeoutFailure(t *testing.T) {
	t.Parallel()
	e := kassatest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	a := authOf(t, e)
	ctx := context.Background()
	s := newSession(t, e, a, "ORDER-TIMEOUT")
	res, err := e.Gateway.PaySession(ctx, s.ID, card(sandbox.CardTimeout), "", "", "")
	if err != nil || res.Payment.Status != payment.StatusPending {
		t.Fatalf("%v %s", err, res.Payment.Status)
	}
	for i := range 2 {
		if err := e.Gateway.RecoverPayment(ctx, res.Payment.ID); err == nil {
			t.Fatalf("recovery %d succeeded against a provider that never answers", i+1)
		}
	}
	if err := e.Gateway.RecoverPayment(ctx, res.Payment.ID); err != nil {
		t.Fatal(err)
	}
	p, _ := e.Gateway.GetPayment(ctx, a, res.Payment.ID)
	got, _ := e.Gateway.GetSession(ctx, a, checkout.KindSession, s.ID)
	if p.Status != payment.StatusFailed || p.FailureCode != "TIMEOUT" || got.Status != checkout.StatusFailed {
		t.Errorf("payment %s %s, session %s", p.Status, p.FailureCode, got.Status)
	}
	if _, err := e.Gateway.PaySession(ctx, s.ID, card("4242424242424242"), "", "", ""); err != nil {
		t.Errorf("retry after a timeout: %v", err)
	}
}

// TestConcurrentPaymentsOfOneSessionChargeOnce: many simultaneous submissions of one session make one charge.
func TestConcurrentPaymentsOfOneSessionChargeOnce(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		a := authOf(t, e)
		ctx := context.Background()
		s := newSession(t, e, a, "ORDER-RACE")
		var wg sync.WaitGroup
		errs := make([]error, 10)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = e.Gateway.PaySession(ctx, s.ID, card("4242424242424242"), "", "", "")
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if ge, isGE := gateway.AsError(err); !isGE || (ge.Code != "payment_in_progress" && ge.Code != "session_already_paid") {
				t.Errorf("unexpected: %v", err)
			}
		}
		pays, _, _ := e.Gateway.ListPayments(ctx, a, store.PaymentFilter{SourceID: s.ID, Page: store.Page{Limit: 100}})
		captured := 0
		for _, p := range pays {
			if p.Status == payment.StatusCaptured {
				captured++
			}
		}
		if ok != 1 || captured != 1 {
			t.Errorf("%d accepted submissions, %d captured payments; want 1 and 1", ok, captured)
		}
	})
}

func TestPaySessionRefusesBadCustomerInputAndInactiveMerchants(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		a := authOf(t, e)
		ctx := context.Background()
		s := newSession(t, e, a, "ORDER-INPUT")
		bad := card("4242424242424242")
		bad.Name = "Jane\x00Doe"
		if _, err := e.Gateway.PaySession(ctx, s.ID, bad, "", "", ""); err == nil {
			t.Error("a NUL in the cardholder name was accepted")
		} else if ge, _ := gateway.AsError(err); ge == nil || ge.Param != "card.name" {
			t.Errorf("NUL name: %v", err)
		}
		if _, err := e.Gateway.PaySession(ctx, s.ID, card("4242424242424242"), "not an email", "", ""); err == nil {
			t.Error("a bad email was accepted")
		}
		// A card error on a paid session reports the session's state, not the card.
		if _, err := e.Gateway.PaySession(ctx, s.ID, card("4242424242424242"), "", "", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Gateway.PaySession(ctx, s.ID, card("1234"), "", "", ""); err == nil {
			t.Error("paid twice")
		} else if ge, _ := gateway.AsError(err); ge == nil || ge.Code != "session_already_paid" {
			t.Errorf("bad card on a paid session: %v", err)
		}
		inactive := merchant.StatusInactive
		if _, err := e.Gateway.UpdateMerchant(ctx, a.Merchant.ID, gateway.MerchantPatch{Status: &inactive}); err != nil {
			t.Fatal(err)
		}
		s2 := newSession(t, e, a, "ORDER-INACTIVE")
		if _, err := e.Gateway.PaySession(ctx, s2.ID, card("4242424242424242"), "", "", ""); err == nil {
			t.Error("an inactive merchant took a payment")
		} else if ge, _ := gateway.AsError(err); ge == nil || ge.Code != "merchant_inactive" {
			t.Errorf("inactive merchant: %v", err)
		}
	})
}

// TestSessionWebhookURLReceivesOnlyItsSessions: an endpoint registered by one site's session webhook_url gets that
// session's events, not another site's; a merchant endpoint named by webhook_url gets the session's events even if it
// subscribes to other types; concurrent sessions with one new URL share one endpoint.
func TestSessionWebhookURLReceivesOnlyItsSessions(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		a := authOf(t, e)
		ctx := context.Background()
		create := func(order, hook string) checkout.Session {
			cs, err := e.Gateway.CreateSession(ctx, a, checkout.KindSession, gateway.SessionInput{
				ExternalOrderID: order, Amount: 500, SuccessURL: "https://shop.example/ok", CancelURL: "https://shop.example/no", WebhookURL: hook,
			}, gateway.Idempotency{Key: "k-" + order, Hash: "h-" + order})
			if err != nil {
				t.Fatal(err)
			}
			return cs.Session
		}
		var wg sync.WaitGroup
		sessions := make([]checkout.Session, 6)
		for i := range sessions {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sessions[i] = create(fmt.Sprintf("SITE-A-%d", i), "https://a.example/hooks")
			}()
		}
		wg.Wait()
		eps, _ := e.Gateway.ListEndpoints(ctx, a)
		if len(eps) != 1 {
			t.Fatalf("%d endpoints for one webhook_url", len(eps))
		}
		siteB := create("SITE-B-1", "https://b.example/hooks")
		if _, err := e.Gateway.PaySession(ctx, siteB.ID, card("4242424242424242"), "", "", ""); err != nil {
			t.Fatal(err)
		}
		ds, _, _ := e.Gateway.ListDeliveries(ctx, a, store.DeliveryFilter{EndpointID: sessions[0].WebhookEndpointID, EventType: "payment.succeeded", Page: store.Page{Limit: 10}})
		if len(ds) != 0 {
			t.Errorf("site A's endpoint got %d payment.succeeded of site B", len(ds))
		}
		ds, _, _ = e.Gateway.ListDeliveries(ctx, a, store.DeliveryFilter{EndpointID: siteB.WebhookEndpointID, EventType: "payment.succeeded", Page: store.Page{Limit: 10}})
		if len(ds) != 1 {
			t.Errorf("site B's endpoint got %d payment.succeeded of its session, want 1", len(ds))
		}
		// A merchant endpoint subscribed to refunds only, named by a session: it gets the session's payment events.
		u := "https://c.example/hooks"
		events := []string{"refund.succeeded"}
		ep, _, err := e.Gateway.CreateEndpoint(ctx, a, gateway.EndpointInput{URL: &u, EnabledEvents: &events})
		if err != nil {
			t.Fatal(err)
		}
		siteC := create("SITE-C-1", u)
		if siteC.WebhookEndpointID != ep.ID {
			t.Fatalf("webhook_url not matched to the existing endpoint")
		}
		if _, err := e.Gateway.PaySession(ctx, siteC.ID, card("4242424242424242"), "", "", ""); err != nil {
			t.Fatal(err)
		}
		ds, _, _ = e.Gateway.ListDeliveries(ctx, a, store.DeliveryFilter{EndpointID: ep.ID, EventType: "payment.succeeded", Page: store.Page{Limit: 10}})
		if len(ds) != 1 {
			t.Errorf("the named merchant endpoint got %d payment.succeeded, want 1", len(ds))
		}
	})
}

// TestRefundByOrderSkipsRefundedSessions: of an order's sessions, refunding by order id picks the most recent one
// that still has money to refund.
func TestRefundByOrderSkipsRefundedSessions(t *testing.T) {
	t.Parallel()
	e := kassatest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	a := authOf(t, e)
	ctx := context.Background()
	pay := func(key string) string {
		cs, err := e.Gateway.CreateSession(ctx, a, checkout.KindSession, gateway.SessionInput{
			ExternalOrderID: "ORDER-TWICE", Amount: 500, SuccessURL: "https://shop.example/ok", CancelURL: "https://shop.example/no",
		}, gateway.Idempotency{Key: key, Hash: key})
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.Gateway.PaySession(ctx, cs.ID, card("4242424242424242"), "", "", "")
		if err != nil {
			t.Fatal(err)
		}
		return res.Payment.ID
	}
	older, newer := pay("attempt-1"), pay("attempt-2")
	if _, _, err := e.Gateway.CreateRefund(ctx, a, gateway.RefundInput{PaymentID: newer}, gateway.Idempotency{Key: "refund-newer", Hash: "x"}); err != nil {
		t.Fatal(err)
	}
	r, _, err := e.Gateway.CreateRefund(ctx, a, gateway.RefundInput{ExternalOrderID: "ORDER-TWICE"}, gateway.Idempotency{Key: "refund-by-order", Hash: "y"})
	if err != nil || r.PaymentID != older {
		t.Errorf("refund by order: %v, payment %s, want the older %s", err, r.PaymentID, older)
	}
}

// refundRejecter is a provider whose refunds the processor rejects.
type refundRejecter struct{ provider.Provider }

func (p refundRejecter) Do(ctx context.Context, r provider.Request) (provider.Result, error) {
	if r.Operation == provider.OperationRefund {
		return provider.ResultFor(provider.CodeInvalidTransaction), nil
	}
	return p.Provider.Do(ctx, r)
}

// TestRejectedRefundLeavesThePaymentUnchanged: a refund the provider rejects is failed with refund.failed; the
// payment keeps its status and the amount is refundable again.
func TestRejectedRefundLeavesThePaymentUnchanged(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{Provider: refundRejecter{sandbox.New(sandbox.Options{})}})
		a := authOf(t, e)
		ctx := context.Background()
		s := newSession(t, e, a, "ORDER-REJECT")
		res, err := e.Gateway.PaySession(ctx, s.ID, card("4242424242424242"), "", "", "")
		if err != nil {
			t.Fatal(err)
		}
		amount := int64(1000)
		r, _, err := e.Gateway.CreateRefund(ctx, a, gateway.RefundInput{PaymentID: res.Payment.ID, Amount: &amount}, gateway.Idempotency{Key: "reject-1", Hash: "h"})
		if err != nil || r.Status != "failed" || r.FailureCode == "" {
			t.Fatalf("refund: %v %s %q", err, r.Status, r.FailureCode)
		}
		p, _ := e.Gateway.GetPayment(ctx, a, res.Payment.ID)
		if p.Status != payment.StatusCaptured || p.Refunded != 0 || p.Amounts().Refundable() != 12500 {
			t.Errorf("payment after a rejected refund: %s refunded %d refundable %d", p.Status, p.Refunded, p.Amounts().Refundable())
		}
		evs, _, _ := e.Gateway.ListEvents(ctx, a, store.EventFilter{Type: "refund.failed", Page: store.Page{Limit: 10}})
		if len(evs) != 1 {
			t.Errorf("%d refund.failed events", len(evs))
		}
		if got, _ := e.Gateway.GetSession(ctx, a, checkout.KindSession, s.ID); got.Status != checkout.StatusPaid {
			t.Errorf("session %s", got.Status)
		}
	})
}
