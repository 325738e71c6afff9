// Package providertest is the conformance suite every provider.Provider passes: the sandbox in its own tests, and each
// real processor adapter against the processor's test environment. It checks the contract of package provider
// (docs/architecture.md §5): approvals, declines and timeouts; idempotency, including recovery calls without a CVV;
// captures, voids and refunds of the provider's own transactions and failures for anything else; invalid amounts;
// contexts; lookups; UPI when the provider supports it; and that no Result or error ever shows a card number.
//
// A real adapter's test builds the provider from test credentials in the environment, or points it at the
// processor's mock, and calls Run, skipping (and saying so) when neither is available; the sandbox runs it on every
// test run. CardSet.Limits lets a mock that cannot decline or remember keys run the rest.
package providertest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/provider"
)

// CardSet names the test instruments of the provider under test: what the suite pays with and in which currency.
type CardSet struct {
	// Currency every operation uses; "" means "USD".
	Currency string
	// Approve is a card the provider approves.
	Approve provider.Card
	// Decline is a card the provider declines (StatusDeclined with a decline code).
	Decline provider.Card
	// Timeout is a card the provider answers with ErrTimeout; a zero Number skips the timeout test.
	Timeout provider.Card
	// UPISucceed and UPIDecline are VPAs whose UPI sales end succeeded and declined; empty skips the UPI tests, for
	// providers without UPI.
	UPISucceed, UPIDecline string
	// Limits says what the provider under test cannot show; the zero value runs everything.
	Limits Limits
}

// Limits name behaviours a provider under test cannot show, typically a processor's stateless mock (stripe-mock
// approves every card and remembers nothing). Each field, when set, is the reason: the tests that need the behaviour
// check what they still can and then skip with it, so nothing is skipped silently. A real processor or the sandbox
// sets none.
type Limits struct {
	// NoDeclines: the provider approves every card, so CardSet.Decline is not used.
	NoDeclines string
	// NoMemory: the provider does not remember idempotency keys, so a retry's Result cannot be compared with the
	// first one's.
	NoMemory string
}

// need skips t with reason when reason is set (a Limits field).
func need(t *testing.T, reason string) {
	t.Helper()
	if reason != "" {
		t.Skip(reason)
	}
}

// minPoll and maxPoll bound the UPI tests' wait between lookups and for a pending payment to settle.
const (
	minPoll = 10 * time.Millisecond
	maxPoll = 2 * time.Minute
)

// suite is what every test gets.
type suite struct {
	p     provider.Provider
	cards CardSet
	pans  []string
}

// Run runs the conformance suite against p. Its tests run in parallel, which also checks that p is safe for
// concurrent use.
func Run(t *testing.T, p provider.Provider, cards CardSet) {
	if cards.Currency == "" {
		cards.Currency = "USD"
	}
	s := &suite{p: p, cards: cards}
	for _, c := range []provider.Card{cards.Approve, cards.Decline, cards.Timeout} {
		if c.Number != "" {
			s.pans = append(s.pans, c.Number)
		}
	}
	tests := map[string]func(*testing.T, *suite){
		"Name":                               testName,
		"ApprovedCard":                       testApproved,
		"DeclinedCard":                       testDeclined,
		"TimeoutCard":                        testTimeout,
		"SameKeySameResult":                  testSameKeySameResult,
		"RecoveryWithoutCVV":                 testRecoveryWithoutCVV,
		"DifferentKeysDifferentTransactions": testDifferentKeys,
		"CaptureVoidRefund":                  testCaptureVoidRefund,
		"FollowUpsOfUnknownTransactionsFail": testUnknownTransactions,
		"FollowUpsOfDeclinesFail":            testFollowUpsOfDeclines,
		"NonPositiveAmountsFail":             testNonPositiveAmounts,
		"EndedContext":                       testEndedContext,
		"Lookup":                             testLookup,
		"UPI":                                testUPI,
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, s)
		})
	}
}

// NewKey returns a fresh idempotency key, unique across runs so that a real processor's dedupe never replays an
// earlier run.
func NewKey() string { return "providertest_" + rand.Text() }

// pay returns an authorization or sale of amount with card under a fresh key.
func (s *suite) pay(op provider.Operation, card provider.Card, amount int64) provider.Request {
	return provider.Request{Operation: op, IdempotencyKey: NewKey(), Amount: amount, Currency: s.cards.Currency,
		Card: &card}
}

// followUp returns a capture, void or refund of amount of the transaction id under a fresh key.
func (s *suite) followUp(op provider.Operation, id string, amount int64) provider.Request {
	return provider.Request{Operation: op, IdempotencyKey: NewKey(), Amount: amount, Currency: s.cards.Currency,
		ProviderTransactionID: id}
}

// do calls Do and checks what every answer must satisfy: a known status with consistent codes, a zero Result
// beside an error, and no card number anywhere.
func (s *suite) do(t *testing.T, r provider.Request) (provider.Result, error) {
	t.Helper()
	return s.check(t, r.Card)(s.p.Do(context.Background(), r))
}

// lookup calls Lookup with the same checks as do.
func (s *suite) lookup(t *testing.T, id string) (provider.Result, error) {
	t.Helper()
	return s.check(t, nil)(s.p.Lookup(context.Background(), id))
}

func (s *suite) check(t *testing.T, card *provider.Card) func(provider.Result, error) (provider.Result, error) {
	return func(res provider.Result, err error) (provider.Result, error) {
		t.Helper()
		pans := s.pans
		if card != nil && card.Number != "" {
			pans = append(pans[:len(pans):len(pans)], card.Number)
		}
		for _, pan := range pans {
			if err != nil && strings.Contains(err.Error(), pan) {
				t.Errorf("error shows a card number: %v", err)
			}
			if f, ok := fieldContaining(res, pan); ok {
				t.Errorf("Result.%s shows a card number: %+v", f, res)
			}
		}
		if err != nil {
			if diff := cmp.Diff(provider.Result{}, res); diff != "" {
				t.Errorf("Result beside an error is not zero (-want +got):\n%s", diff)
			}
			return res, err
		}
		checkShape(t, res)
		return res, nil
	}
}

// checkShape checks the invariants of every Result.
func checkShape(t *testing.T, res provider.Result) {
	t.Helper()
	switch res.Status {
	case provider.StatusSucceeded:
		if res.ResponseCode != provider.CodeApproved || res.DeclineCode != "" || res.ProviderTransactionID == "" {
			t.Errorf("succeeded Result needs code 00, a transaction id and no decline code: %+v", res)
		}
	case provider.StatusDeclined, provider.StatusFailed:
		if res.ResponseCode == "" || res.ResponseCode == provider.CodeApproved || res.DeclineCode == "" {
			t.Errorf("%s Result needs a response code other than 00 and a decline code: %+v", res.Status, res)
		}
	case provider.StatusPending:
		if res.ProviderTransactionID == "" || res.PollAfter < 0 || res.DeclineCode != "" {
			t.Errorf("pending Result needs a transaction id, a non-negative PollAfter and no decline code: %+v", res)
		}
	default:
		t.Errorf("unknown status %q in %+v", res.Status, res)
	}
	if res.ResponseMessage == "" {
		t.Errorf("Result without a response message: %+v", res)
	}
}

// fieldContaining returns the name of a string field of res that contains s.
func fieldContaining(res provider.Result, s string) (string, bool) {
	v := reflect.ValueOf(res)
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.String && strings.Contains(f.String(), s) {
			return v.Type().Field(i).Name, true
		}
	}
	return "", false
}

// mustSucceed fails the test unless res succeeded.
func mustSucceed(t *testing.T, what string, res provider.Result, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if res.Status != provider.StatusSucceeded {
		t.Fatalf("%s: want succeeded, got %+v", what, res)
	}
}

// mustFailWithoutTransaction fails the test unless res failed and made no transaction.
func mustFailWithoutTransaction(t *testing.T, what string, res provider.Result, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: want a failed Result, got error %v", what, err)
		return
	}
	if res.Status != provider.StatusFailed || res.ProviderTransactionID != "" {
		t.Errorf("%s: want failed without a transaction, got %+v", what, res)
	}
}

// authorize returns a succeeded authorization of amount with the approve card.
func (s *suite) authorize(t *testing.T, amount int64) provider.Result {
	t.Helper()
	res, err := s.do(t, s.pay(provider.OperationAuthorize, s.cards.Approve, amount))
	mustSucceed(t, "authorize", res, err)
	return res
}

func testName(t *testing.T, s *suite) {
	if s.p.Name() == "" {
		t.Error("Name is empty")
	}
}

func testApproved(t *testing.T, s *suite) {
	for _, op := range []provider.Operation{provider.OperationAuthorize, provider.OperationSale} {
		res, err := s.do(t, s.pay(op, s.cards.Approve, 1000))
		mustSucceed(t, string(op), res, err)
		if res.AuthCode == "" {
			t.Errorf("%s: approved without an auth code: %+v", op, res)
		}
	}
}

func testDeclined(t *testing.T, s *suite) {
	need(t, s.cards.Limits.NoDeclines)
	for _, op := range []provider.Operation{provider.OperationAuthorize, provider.OperationSale} {
		res, err := s.do(t, s.pay(op, s.cards.Decline, 1000))
		if err != nil {
			t.Fatalf("%s: %v", op, err)
		}
		if res.Status != provider.StatusDeclined || res.AuthCode != "" {
			t.Errorf("%s: want declined without an auth code, got %+v", op, res)
		}
	}
}

func testTimeout(t *testing.T, s *suite) {
	if s.cards.Timeout.Number == "" {
		t.Skip("the provider has no timeout card")
	}
	r := s.pay(provider.OperationAuthorize, s.cards.Timeout, 1000)
	for attempt := range 2 { // the recovery asks again with the same key
		if _, err := s.do(t, r); !errors.Is(err, provider.ErrTimeout) {
			t.Errorf("attempt %d: want ErrTimeout, got %v", attempt+1, err)
		}
	}
}

func testSameKeySameResult(t *testing.T, s *suite) {
	requests := map[string]provider.Request{
		"approved authorization": s.pay(provider.OperationAuthorize, s.cards.Approve, 1000),
		"approved sale":          s.pay(provider.OperationSale, s.cards.Approve, 1000),
	}
	if s.cards.Limits.NoDeclines == "" {
		requests["declined authorization"] = s.pay(provider.OperationAuthorize, s.cards.Decline, 1000)
	}
	for name, r := range requests {
		first, err := s.do(t, r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		again, err := s.do(t, r)
		if err != nil {
			t.Fatalf("%s again: %v", name, err)
		}
		if s.cards.Limits.NoMemory != "" {
			continue
		}
		if diff := cmp.Diff(first, again); diff != "" {
			t.Errorf("%s: a retry with the same key gave another Result (-first +retry):\n%s", name, diff)
		}
	}
	auth := s.authorize(t, 1000)
	capture := s.followUp(provider.OperationCapture, auth.ProviderTransactionID, 1000)
	first, err := s.do(t, capture)
	mustSucceed(t, "capture", first, err)
	again, err := s.do(t, capture)
	mustSucceed(t, "capture again", again, err)
	need(t, s.cards.Limits.NoMemory) // the retries answered; whether they answered the same cannot be told
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("capture: a retry with the same key gave another Result (-first +retry):\n%s", diff)
	}
}

func testRecoveryWithoutCVV(t *testing.T, s *suite) {
	r := s.pay(provider.OperationSale, s.cards.Approve, 1000)
	first, err := s.do(t, r)
	mustSucceed(t, "sale", first, err)
	withoutCVV := *r.Card
	withoutCVV.CVV = ""
	r.Card = &withoutCVV
	recovered, err := s.do(t, r)
	if err != nil {
		t.Fatalf("recovery: %v", err)
	}
	mustSucceed(t, "recovery", recovered, err)
	need(t, s.cards.Limits.NoMemory) // the recovery call was accepted without its CVV; its Result cannot be compared
	if diff := cmp.Diff(first, recovered); diff != "" {
		t.Errorf("a recovery call without the CVV gave another Result (-first +recovery):\n%s", diff)
	}
}

func testDifferentKeys(t *testing.T, s *suite) {
	seen := map[string]string{}
	note := func(what string, res provider.Result) {
		t.Helper()
		if prev, ok := seen[res.ProviderTransactionID]; ok {
			t.Errorf("%s and %s share the transaction id %q", prev, what, res.ProviderTransactionID)
		}
		seen[res.ProviderTransactionID] = what
	}
	r := s.pay(provider.OperationAuthorize, s.cards.Approve, 1000)
	a, err := s.do(t, r)
	mustSucceed(t, "first authorization", a, err)
	note("first authorization", a)
	r.IdempotencyKey = NewKey()
	b, err := s.do(t, r)
	mustSucceed(t, "second authorization", b, err)
	note("second authorization", b)
	r.Operation = provider.OperationSale
	c, err := s.do(t, r)
	mustSucceed(t, "sale", c, err)
	note("sale", c)
}

func testCaptureVoidRefund(t *testing.T, s *suite) {
	for _, tc := range []struct {
		name  string
		steps func(t *testing.T)
	}{
		{"capture in full, then refund in two parts", func(t *testing.T) {
			auth := s.authorize(t, 1000)
			capture, err := s.do(t, s.followUp(provider.OperationCapture, auth.ProviderTransactionID, 1000))
			mustSucceed(t, "capture", capture, err)
			for i, amount := range []int64{400, 600} {
				res, err := s.do(t, s.followUp(provider.OperationRefund, capture.ProviderTransactionID, amount))
				mustSucceed(t, fmt.Sprintf("refund %d", i+1), res, err)
			}
		}},
		{"partial capture", func(t *testing.T) {
			auth := s.authorize(t, 1000)
			res, err := s.do(t, s.followUp(provider.OperationCapture, auth.ProviderTransactionID, 250))
			mustSucceed(t, "capture", res, err)
		}},
		{"void", func(t *testing.T) {
			auth := s.authorize(t, 1000)
			res, err := s.do(t, s.followUp(provider.OperationVoid, auth.ProviderTransactionID, 1000))
			mustSucceed(t, "void", res, err)
		}},
		{"refund a sale", func(t *testing.T) {
			sale, err := s.do(t, s.pay(provider.OperationSale, s.cards.Approve, 1000))
			mustSucceed(t, "sale", sale, err)
			res, err := s.do(t, s.followUp(provider.OperationRefund, sale.ProviderTransactionID, 1000))
			mustSucceed(t, "refund", res, err)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.steps(t)
		})
	}
}

func testUnknownTransactions(t *testing.T, s *suite) {
	for _, id := range []string{"", "unknown_transaction_0001"} {
		for _, op := range []provider.Operation{provider.OperationCapture, provider.OperationVoid, provider.OperationRefund} {
			res, err := s.do(t, s.followUp(op, id, 1000))
			mustFailWithoutTransaction(t, string(op)+" of "+id, res, err)
		}
	}
}

func testFollowUpsOfDeclines(t *testing.T, s *suite) {
	need(t, s.cards.Limits.NoDeclines)
	declined, err := s.do(t, s.pay(provider.OperationAuthorize, s.cards.Decline, 1000))
	if err != nil {
		t.Fatal(err)
	}
	if declined.ProviderTransactionID == "" {
		t.Skip("the provider makes no transaction for a decline")
	}
	for _, op := range []provider.Operation{provider.OperationCapture, provider.OperationVoid, provider.OperationRefund} {
		res, err := s.do(t, s.followUp(op, declined.ProviderTransactionID, 1000))
		mustFailWithoutTransaction(t, string(op)+" of a declined authorization", res, err)
	}
}

func testNonPositiveAmounts(t *testing.T, s *suite) {
	auth := s.authorize(t, 1000)
	sale, err := s.do(t, s.pay(provider.OperationSale, s.cards.Approve, 1000))
	mustSucceed(t, "sale", sale, err)
	for _, amount := range []int64{0, -100} {
		for name, r := range map[string]provider.Request{
			"authorize": s.pay(provider.OperationAuthorize, s.cards.Approve, amount),
			"sale":      s.pay(provider.OperationSale, s.cards.Approve, amount),
			"capture":   s.followUp(provider.OperationCapture, auth.ProviderTransactionID, amount),
			"refund":    s.followUp(provider.OperationRefund, sale.ProviderTransactionID, amount),
		} {
			res, err := s.do(t, r)
			mustFailWithoutTransaction(t, fmt.Sprintf("%s of %d", name, amount), res, err)
		}
	}
}

func testEndedContext(t *testing.T, s *suite) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	auth := s.authorize(t, 1000)
	for _, tc := range []struct {
		ctx  context.Context
		want error
	}{{canceled, context.Canceled}, {expired, context.DeadlineExceeded}} {
		for name, r := range map[string]provider.Request{
			"authorize": s.pay(provider.OperationAuthorize, s.cards.Approve, 1000),
			"capture":   s.followUp(provider.OperationCapture, auth.ProviderTransactionID, 1000),
		} {
			res, err := s.check(t, r.Card)(s.p.Do(tc.ctx, r))
			if !errors.Is(err, tc.want) {
				t.Errorf("%s with an ended context: want %v, got %+v, %v", name, tc.want, res, err)
			}
		}
		res, err := s.check(t, nil)(s.p.Lookup(tc.ctx, auth.ProviderTransactionID))
		if !errors.Is(err, tc.want) {
			t.Errorf("lookup with an ended context: want %v, got %+v, %v", tc.want, res, err)
		}
	}
}

func testLookup(t *testing.T, s *suite) {
	auth := s.authorize(t, 1000)
	got, err := s.lookup(t, auth.ProviderTransactionID)
	mustSucceed(t, "lookup of an authorization", got, err)
	if got.ProviderTransactionID != auth.ProviderTransactionID {
		t.Errorf("lookup of %q answered for %q", auth.ProviderTransactionID, got.ProviderTransactionID)
	}
	got, err = s.lookup(t, "unknown_transaction_0001")
	mustFailWithoutTransaction(t, "lookup of an unknown transaction", got, err)
	need(t, s.cards.Limits.NoDeclines)
	declined, err := s.do(t, s.pay(provider.OperationAuthorize, s.cards.Decline, 1000))
	if err != nil {
		t.Fatal(err)
	}
	if declined.ProviderTransactionID != "" {
		got, err := s.lookup(t, declined.ProviderTransactionID)
		if err != nil || got.Status != provider.StatusDeclined || got.DeclineCode != declined.DeclineCode {
			t.Errorf("lookup of a decline: want declined %s, got %+v, %v", declined.DeclineCode, got, err)
		}
	}
}

func testUPI(t *testing.T, s *suite) {
	if s.cards.UPISucceed == "" && s.cards.UPIDecline == "" {
		t.Skip("the provider does not support UPI")
	}
	for _, tc := range []struct {
		vpa  string
		want provider.Status
	}{{s.cards.UPISucceed, provider.StatusSucceeded}, {s.cards.UPIDecline, provider.StatusDeclined}} {
		if tc.vpa == "" {
			continue
		}
		r := provider.Request{Operation: provider.OperationSale, IdempotencyKey: NewKey(), Amount: 1000,
			Currency: s.cards.Currency, VPA: tc.vpa}
		res, err := s.do(t, r)
		if err != nil {
			t.Fatalf("UPI sale to %s: %v", tc.vpa, err)
		}
		again, err := s.do(t, r)
		if err != nil || again.ProviderTransactionID != res.ProviderTransactionID {
			t.Errorf("UPI sale to %s: a retry with the same key gave %+v, %v; first %+v", tc.vpa, again, err, res)
		}
		res = s.settle(t, res)
		if res.Status != tc.want {
			t.Errorf("UPI sale to %s: want %s, got %+v", tc.vpa, tc.want, res)
		}
		if res.Status == provider.StatusSucceeded {
			refund, err := s.do(t, s.followUp(provider.OperationRefund, res.ProviderTransactionID, 1000))
			mustSucceed(t, "refund of a UPI payment", refund, err)
		}
	}
}

// settle follows a pending result with Lookup, waiting PollAfter between calls, until it is final.
func (s *suite) settle(t *testing.T, res provider.Result) provider.Result {
	t.Helper()
	deadline := time.Now().Add(maxPoll)
	for !res.Final() {
		if time.Now().After(deadline) {
			t.Fatalf("still pending after %v: %+v", maxPoll, res)
		}
		time.Sleep(max(res.PollAfter, minPoll))
		next, err := s.lookup(t, res.ProviderTransactionID)
		if err != nil {
			t.Fatalf("lookup: %v", err)
		}
		if next.ProviderTransactionID != res.ProviderTransactionID {
			t.Fatalf("lookup of %q answered for %q", res.ProviderTransactionID, next.ProviderTransactionID)
		}
		res = next
	}
	return res
}
