package sandbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/provider/providertest"
)

func card(number string) *provider.Card {
	return &provider.Card{Number: number, ExpMonth: 12, ExpYear: 2030, CVV: "123", Name: "Test Customer"}
}

func TestConformance(t *testing.T) {
	t.Parallel()
	cards := providertest.CardSet{
		Currency:   "INR",
		Approve:    *card(CardVisa),
		Decline:    *card(CardDecline),
		Timeout:    *card(CardTimeout),
		UPISucceed: VPASuccess,
		UPIDecline: VPAFailure,
	}
	t.Run("instant", func(t *testing.T) {
		t.Parallel()
		providertest.Run(t, New(Options{UPIDelay: time.Millisecond}), cards)
	})
	t.Run("with latency", func(t *testing.T) {
		t.Parallel()
		providertest.Run(t, New(Options{Latency: time.Millisecond, UPIDelay: time.Millisecond}), cards)
	})
}

// want is the expected shape of a Result; ids and auth codes are checked for presence only.
type want struct {
	Status      provider.Status
	Code        string
	DeclineCode string
	HasID       bool
	HasAuthCode bool
	FraudHint   bool
	Timeout     bool
}

func shape(res provider.Result, err error) want {
	if errors.Is(err, provider.ErrTimeout) {
		return want{Timeout: true}
	}
	return want{Status: res.Status, Code: res.ResponseCode, DeclineCode: res.DeclineCode,
		HasID: res.ProviderTransactionID != "", HasAuthCode: res.AuthCode != "", FraudHint: res.FraudHint}
}

var (
	approved = want{Status: provider.StatusSucceeded, Code: "00", HasID: true, HasAuthCode: true}
	timedOut = want{Timeout: true}
)

func declined(code, decline string) want {
	return want{Status: provider.StatusDeclined, Code: code, DeclineCode: decline, HasID: true}
}

func failed(code, decline string) want {
	return want{Status: provider.StatusFailed, Code: code, DeclineCode: decline}
}

// TestCards is the card table of the package comment (docs/architecture.md §10).
func TestCards(t *testing.T) {
	t.Parallel()
	sb := New(Options{})
	for _, tc := range []struct {
		name   string
		number string
		want   want
	}{
		{"Visa", CardVisa, approved},
		{"Mastercard", CardMastercard, approved},
		{"Amex", CardAmex, approved},
		{"Discover", CardDiscover, approved},
		{"do not honor", CardDecline, declined("05", "do_not_honor")},
		{"insufficient funds", CardInsufficientFunds, declined("51", "insufficient_funds")},
		{"expired card", CardExpired, declined("54", "expired_card")},
		{"CVV mismatch", CardCVVMismatch, declined("N7", "incorrect_cvc")},
		{"processing error", CardProcessingError, failed("96", "processing_error")},
		{"fraud", CardFraud, want{Status: provider.StatusSucceeded, Code: "00", HasID: true, HasAuthCode: true,
			FraudHint: true}},
		{"timeout", CardTimeout, timedOut},
		{"other Luhn-valid", "4111111111111111", approved},
		{"other Luhn-valid, 19 digits", "6011000000000000001", approved},
		{"not Luhn-valid", "4242424242424241", declined("14", "incorrect_number")},
		{"too short", "42", declined("14", "incorrect_number")},
		{"not digits", "4242-4242-4242-4242", declined("14", "incorrect_number")},
	} {
		for _, op := range []provider.Operation{provider.OperationAuthorize, provider.OperationSale} {
			t.Run(tc.name+" "+string(op), func(t *testing.T) {
				t.Parallel()
				r := provider.Request{Operation: op, IdempotencyKey: "txn_" + tc.name, Amount: 1000, Currency: "USD",
					Card: card(tc.number)}
				res, err := sb.Do(context.Background(), r)
				if diff := cmp.Diff(tc.want, shape(res, err)); diff != "" {
					t.Errorf("(-want +got):\n%s\nresult %+v, error %v", diff, res, err)
				}
				if err != nil && !tc.want.Timeout {
					t.Errorf("unexpected error %v", err)
				}
			})
		}
	}
}

// TestScenarios is the scenario table of the package comment: a scenario overrides the card, the VPA and the
// default approval of a capture.
func TestScenarios(t *testing.T) {
	t.Parallel()
	sb := New(Options{})
	ctx := context.Background()
	auth, err := sb.Do(ctx, provider.Request{Operation: provider.OperationAuthorize, IdempotencyKey: "auth",
		Amount: 1000, Currency: "USD", Card: card(CardVisa)})
	if err != nil || auth.Status != provider.StatusSucceeded {
		t.Fatalf("authorize: %+v, %v", auth, err)
	}
	wants := map[provider.Scenario]want{
		provider.ScenarioApprove:           approved,
		provider.ScenarioDecline:           declined("05", "do_not_honor"),
		provider.ScenarioInsufficientFunds: declined("51", "insufficient_funds"),
		provider.ScenarioExpiredCard:       declined("54", "expired_card"),
		provider.ScenarioProviderError:     failed("96", "processing_error"),
		provider.ScenarioTimeout:           timedOut,
	}
	if len(wants) != len(provider.Scenarios()) {
		t.Fatalf("the table covers %d scenarios, provider has %d", len(wants), len(provider.Scenarios()))
	}
	for scenario, w := range wants {
		for _, number := range []string{CardVisa, CardDecline, CardFraud, CardTimeout, CardProcessingError} {
			t.Run(fmt.Sprintf("%s with %s", scenario, number), func(t *testing.T) {
				t.Parallel()
				res, err := sb.Do(ctx, provider.Request{Operation: provider.OperationSale, IdempotencyKey: "k",
					Amount: 1000, Currency: "USD", Card: card(number), Scenario: scenario})
				if diff := cmp.Diff(w, shape(res, err)); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
		t.Run(fmt.Sprintf("%s on a capture", scenario), func(t *testing.T) {
			t.Parallel()
			res, err := sb.Do(ctx, provider.Request{Operation: provider.OperationCapture, IdempotencyKey: "cap",
				Amount: 1000, Currency: "USD", ProviderTransactionID: auth.ProviderTransactionID, Scenario: scenario})
			w := w
			w.HasAuthCode = false // captures carry no approval code
			if diff := cmp.Diff(w, shape(res, err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
		t.Run(fmt.Sprintf("%s on UPI", scenario), func(t *testing.T) {
			t.Parallel()
			res, err := sb.Do(ctx, provider.Request{Operation: provider.OperationSale, IdempotencyKey: "upi",
				Amount: 1000, Currency: "INR", VPA: VPASuccess, Scenario: scenario})
			if w.Timeout || w.Status == provider.StatusFailed { // answered at once, as for cards
				if diff := cmp.Diff(w, shape(res, err)); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
				return
			}
			if err != nil || res.Status != provider.StatusPending {
				t.Fatalf("want pending, got %+v, %v", res, err)
			}
			final, err := sb.Lookup(ctx, res.ProviderTransactionID)
			if diff := cmp.Diff(w, shape(final, err)); diff != "" {
				t.Errorf("final (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("a scenario does not rescue an invalid request", func(t *testing.T) {
		t.Parallel()
		res, err := sb.Do(ctx, provider.Request{Operation: provider.OperationCapture, IdempotencyKey: "k",
			Amount: 1000, Currency: "USD", ProviderTransactionID: "sbx_unknown", Scenario: provider.ScenarioApprove})
		if diff := cmp.Diff(failed("12", "invalid_transaction"), shape(res, err)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}

func TestUPI(t *testing.T) {
	t.Parallel()
	sb := New(Options{UPIDelay: 7 * time.Second})
	ctx := context.Background()
	for _, tc := range []struct {
		vpa  string
		want want
	}{
		{VPASuccess, approved},
		{"Success@Kassa", approved},
		{VPAFailure, declined("U30", "upi_debit_failed")},
		{VPAExpired, declined("U69", "upi_request_expired")},
	} {
		t.Run(tc.vpa, func(t *testing.T) {
			t.Parallel()
			r := provider.Request{Operation: provider.OperationSale, IdempotencyKey: "upi_" + tc.vpa, Amount: 50000,
				Currency: "INR", VPA: tc.vpa}
			res, err := sb.Do(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			pending := provider.Result{Status: provider.StatusPending, ProviderTransactionID: res.ProviderTransactionID,
				ResponseCode: "09", ResponseMessage: "Waiting for the payer", PollAfter: 7 * time.Second}
			if diff := cmp.Diff(pending, res); diff != "" || res.ProviderTransactionID == "" {
				t.Errorf("Do (-want +got):\n%s", diff)
			}
			final, err := sb.Lookup(ctx, res.ProviderTransactionID)
			if diff := cmp.Diff(tc.want, shape(final, err)); diff != "" {
				t.Errorf("Lookup (-want +got):\n%s", diff)
			}
			if final.ProviderTransactionID != res.ProviderTransactionID {
				t.Errorf("Lookup answered for %q, want %q", final.ProviderTransactionID, res.ProviderTransactionID)
			}
		})
	}
}

// TestOtherVPAs checks the rule for undocumented addresses: a fixed outcome per address, about 90% succeed.
func TestOtherVPAs(t *testing.T) {
	t.Parallel()
	sb := New(Options{})
	ctx := context.Background()
	succeeded := 0
	const n = 2000
	for i := range n {
		vpa := fmt.Sprintf("payer.%d@bank", i)
		outcome := func(key string) provider.Result {
			res, err := sb.Do(ctx, provider.Request{Operation: provider.OperationSale, IdempotencyKey: key,
				Amount: 100, Currency: "INR", VPA: vpa})
			if err != nil || res.Status != provider.StatusPending {
				t.Fatalf("%s: %+v, %v", vpa, res, err)
			}
			final, err := sb.Lookup(ctx, res.ProviderTransactionID)
			if err != nil {
				t.Fatal(err)
			}
			return final
		}
		a, b := outcome("a"), outcome("b")
		if a.Status != b.Status {
			t.Fatalf("%s: %s under one key, %s under another", vpa, a.Status, b.Status)
		}
		switch a.Status {
		case provider.StatusSucceeded:
			succeeded++
		case provider.StatusDeclined:
			if a.ResponseCode != provider.CodeUPIDebitFailed {
				t.Errorf("%s: declined with %s", vpa, a.ResponseCode)
			}
		default:
			t.Errorf("%s: final status %s", vpa, a.Status)
		}
	}
	if rate := succeeded * 100 / n; rate < 87 || rate > 93 {
		t.Errorf("%d%% of addresses succeed, want about %d%%", rate, upiSuccessPercent)
	}
}

func TestFollowUps(t *testing.T) {
	t.Parallel()
	sb := New(Options{})
	ctx := context.Background()
	do := func(t *testing.T, r provider.Request) provider.Result {
		t.Helper()
		r.Currency = "USD"
		if r.Amount == 0 {
			r.Amount = 1000
		}
		res, err := sb.Do(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	auth := do(t, provider.Request{Operation: provider.OperationAuthorize, IdempotencyKey: "auth", Card: card(CardVisa)})
	fraudAuth := do(t, provider.Request{Operation: provider.OperationAuthorize, IdempotencyKey: "fraud",
		Card: card(CardFraud)})
	sale := do(t, provider.Request{Operation: provider.OperationSale, IdempotencyKey: "sale", Card: card(CardVisa)})
	capture := do(t, provider.Request{Operation: provider.OperationCapture, IdempotencyKey: "capture",
		ProviderTransactionID: auth.ProviderTransactionID})
	refund := do(t, provider.Request{Operation: provider.OperationRefund, IdempotencyKey: "refund",
		ProviderTransactionID: sale.ProviderTransactionID})
	voided := do(t, provider.Request{Operation: provider.OperationVoid, IdempotencyKey: "void",
		ProviderTransactionID: auth.ProviderTransactionID})
	upiFailed := do(t, provider.Request{Operation: provider.OperationSale, IdempotencyKey: "upi", VPA: VPAFailure})
	upiOK := do(t, provider.Request{Operation: provider.OperationSale, IdempotencyKey: "upi", VPA: VPASuccess})

	tampered := []byte(auth.ProviderTransactionID)
	if last := &tampered[len(tampered)-1]; *last == 'a' {
		*last = 'b'
	} else {
		*last = 'a'
	}
	invalid := failed("12", "invalid_transaction")
	succeeded := want{Status: provider.StatusSucceeded, Code: "00", HasID: true}
	for _, tc := range []struct {
		name   string
		op     provider.Operation
		parent string
		want   want
	}{
		{"capture an authorization", provider.OperationCapture, auth.ProviderTransactionID, succeeded},
		{"capture a flagged authorization", provider.OperationCapture, fraudAuth.ProviderTransactionID, succeeded},
		{"void an authorization", provider.OperationVoid, auth.ProviderTransactionID, succeeded},
		{"refund a capture", provider.OperationRefund, capture.ProviderTransactionID, succeeded},
		{"refund a sale", provider.OperationRefund, sale.ProviderTransactionID, succeeded},
		{"refund a UPI payment", provider.OperationRefund, upiOK.ProviderTransactionID, succeeded},
		{"capture a sale", provider.OperationCapture, sale.ProviderTransactionID, invalid},
		{"void a capture", provider.OperationVoid, capture.ProviderTransactionID, invalid},
		{"void a void", provider.OperationVoid, voided.ProviderTransactionID, invalid},
		{"refund an authorization", provider.OperationRefund, auth.ProviderTransactionID, invalid},
		{"refund a refund", provider.OperationRefund, refund.ProviderTransactionID, invalid},
		{"refund a declined UPI payment", provider.OperationRefund, upiFailed.ProviderTransactionID, invalid},
		{"capture a tampered id", provider.OperationCapture, string(tampered), invalid},
		{"capture a truncated id", provider.OperationCapture, auth.ProviderTransactionID[:20], invalid},
		{"capture an id with a sign", provider.OperationCapture, "sbx_+" + auth.ProviderTransactionID[5:], invalid},
		{"capture a foreign id", provider.OperationCapture, "ch_3MmlLrLkdIwHu7ix0snN0B15", invalid},
		{"capture nothing", provider.OperationCapture, "", invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := sb.Do(ctx, provider.Request{Operation: tc.op, IdempotencyKey: "k_" + tc.name, Amount: 1000,
				Currency: "USD", ProviderTransactionID: tc.parent})
			if diff := cmp.Diff(tc.want, shape(res, err)); diff != "" {
				t.Errorf("(-want +got):\n%s\n%+v", diff, res)
			}
		})
	}
}

func TestInvalidRequests(t *testing.T) {
	t.Parallel()
	sb := New(Options{})
	valid := provider.Request{Operation: provider.OperationSale, IdempotencyKey: "k", Amount: 1000, Currency: "USD",
		Card: card(CardVisa)}
	auth, err := sb.Do(context.Background(), provider.Request{Operation: provider.OperationAuthorize,
		IdempotencyKey: "auth", Amount: 1000, Currency: "USD", Card: card(CardVisa)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		edit        func(r *provider.Request)
		wantMessage string
		want        want
	}{
		{"unknown operation", func(r *provider.Request) { r.Operation = "charge" }, `unknown operation "charge"`,
			failed("12", "invalid_transaction")},
		{"no idempotency key", func(r *provider.Request) { r.IdempotencyKey = "" }, "idempotency key required",
			failed("12", "invalid_transaction")},
		{"lower-case currency", func(r *provider.Request) { r.Currency = "usd" }, "currency",
			failed("12", "invalid_transaction")},
		{"no currency", func(r *provider.Request) { r.Currency = "" }, "currency", failed("12", "invalid_transaction")},
		{"zero amount", func(r *provider.Request) { r.Amount = 0 }, "amount must be positive",
			failed("13", "invalid_amount")},
		{"negative amount", func(r *provider.Request) { r.Amount = -1 }, "amount must be positive",
			failed("13", "invalid_amount")},
		{"unknown scenario", func(r *provider.Request) { r.Scenario = "approved" }, `unknown scenario "approved"`,
			failed("12", "invalid_transaction")},
		{"no card", func(r *provider.Request) { r.Card = nil }, "card required", failed("12", "invalid_transaction")},
		{"card and VPA", func(r *provider.Request) { r.VPA = VPASuccess }, "not both",
			failed("12", "invalid_transaction")},
		{"VPA on an authorization", func(r *provider.Request) {
			r.Operation, r.Card, r.VPA = provider.OperationAuthorize, nil, VPASuccess
		}, "UPI payments are sales", failed("12", "invalid_transaction")},
		{"malformed VPA", func(r *provider.Request) { r.Card, r.VPA = nil, "user@@bank" }, "malformed VPA",
			failed("12", "invalid_transaction")},
		{"void without an amount", func(r *provider.Request) {
			r.Operation, r.Card, r.Amount, r.ProviderTransactionID = provider.OperationVoid, nil, 0, auth.ProviderTransactionID
		}, "Approved", want{Status: provider.StatusSucceeded, Code: "00", HasID: true}},
		{"void with a negative amount", func(r *provider.Request) {
			r.Operation, r.Card, r.Amount, r.ProviderTransactionID = provider.OperationVoid, nil, -1, auth.ProviderTransactionID
		}, "amount must be positive", failed("13", "invalid_amount")},
		{"capture of a malformed id", func(r *provider.Request) {
			r.Operation, r.Card, r.ProviderTransactionID = provider.OperationCapture, nil, "sbx_0"
		}, "no such transaction", failed("12", "invalid_transaction")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := valid
			tc.edit(&r)
			res, err := sb.Do(context.Background(), r)
			if diff := cmp.Diff(tc.want, shape(res, err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if !strings.Contains(res.ResponseMessage, tc.wantMessage) {
				t.Errorf("message %q does not say %q", res.ResponseMessage, tc.wantMessage)
			}
		})
	}
}

// TestDeterministicAcrossRestarts pins the id format: ids are stored in databases, so a change here breaks every
// stored sandbox transaction. Two instances stand for a process before and after a restart.
func TestDeterministicAcrossRestarts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := provider.Request{Operation: provider.OperationAuthorize, IdempotencyKey: "txn_01JABCDEF", Amount: 1000,
		Currency: "USD", Card: card(CardVisa)}
	before, err := New(Options{}).Do(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	r.Card.CVV = "" // the recovery call after the restart has no CVV
	after, err := New(Options{Latency: time.Microsecond}).Do(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	want := provider.Result{Status: provider.StatusSucceeded, ProviderTransactionID: "sbx_3aOVGGIvr5lQHZmom7S6Nl",
		AuthCode: "136205", ResponseCode: "00", ResponseMessage: "Approved"}
	for name, got := range map[string]provider.Result{"before": before, "after": after} {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	sb := New(Options{})
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		r    provider.Request
	}{
		{"approved authorization", provider.Request{Operation: provider.OperationAuthorize, Card: card(CardVisa)}},
		{"flagged sale", provider.Request{Operation: provider.OperationSale, Card: card(CardFraud)}},
		{"declined sale", provider.Request{Operation: provider.OperationSale, Card: card(CardInsufficientFunds)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.r.IdempotencyKey, tc.r.Amount, tc.r.Currency = "k_"+tc.name, 1000, "EUR"
			res, err := sb.Do(ctx, tc.r)
			if err != nil {
				t.Fatal(err)
			}
			got, err := sb.Lookup(ctx, res.ProviderTransactionID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(res, got); diff != "" {
				t.Errorf("Lookup differs from Do (-do +lookup):\n%s", diff)
			}
		})
	}
	got, err := sb.Lookup(ctx, "sbx_nope")
	if diff := cmp.Diff(failed("12", "invalid_transaction"), shape(got, err)); diff != "" {
		t.Errorf("unknown id (-want +got):\n%s", diff)
	}
}

func TestLatencyEndsWithTheContext(t *testing.T) {
	t.Parallel()
	sb := New(Options{Latency: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := sb.Do(ctx, provider.Request{Operation: provider.OperationSale, IdempotencyKey: "k", Amount: 1,
		Currency: "USD", Card: card(CardVisa)})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want DeadlineExceeded, got %v", err)
	}
	if errors.Is(err, provider.ErrTimeout) {
		t.Errorf("the caller's deadline is not the processor's timeout: %v", err)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("Do returned after %v", elapsed)
	}
}

func TestFollowUpsIgnoreCardAndVPA(t *testing.T) {
	t.Parallel()
	sb := New(Options{})
	ctx := context.Background()
	auth, err := sb.Do(ctx, provider.Request{Operation: provider.OperationAuthorize, IdempotencyKey: "auth",
		Amount: 1000, Currency: "USD", Card: card(CardVisa)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := sb.Do(ctx, provider.Request{Operation: provider.OperationCapture, IdempotencyKey: "capture",
		Amount: 1000, Currency: "USD", ProviderTransactionID: auth.ProviderTransactionID, Card: card(CardDecline),
		VPA: VPAFailure})
	want := want{Status: provider.StatusSucceeded, Code: "00", HasID: true}
	if diff := cmp.Diff(want, shape(res, err)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
