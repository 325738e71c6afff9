// Package sandbox is Kassa's built-in test provider (docs/architecture.md §10): test-mode keys send every payment here,
// through the same gateway code as live payments. It is a product in its own right, so its behaviour is documented here
// in full and never changes without this comment changing too.
//
// The sandbox keeps no state. Every answer is a function of the request: transaction ids and approval codes are
// derived with HMAC-SHA256 from the idempotency key, and an id carries what later calls need to know about its
// transaction (operation, payment method, outcome) under a 32-bit MAC. A retry with the same key returns the same
// Result in this process or after a restart, any number of instances agree, and captures, voids, refunds and lookups
// are checked against the id alone.
//
// # Cards
//
// Any expiry (callers reject past ones first) and any CVV, including none, are accepted.
//
//	number              outcome                   status     code     decline code         transaction id
//	4242424242424242    approved (Visa)           succeeded  00       -                    yes
//	5555555555554444    approved (Mastercard)     succeeded  00       -                    yes
//	378282246310005     approved (Amex)           succeeded  00       -                    yes
//	6011111111111117    approved (Discover)       succeeded  00       -                    yes
//	4000000000000002    do not honor              declined   05       do_not_honor         yes
//	4000000000009995    insufficient funds        declined   51       insufficient_funds   yes
//	4000000000000069    expired card              declined   54       expired_card         yes
//	4000000000000127    CVV mismatch              declined   N7       incorrect_cvc        yes
//	4000000000000119    processing error          failed     96       processing_error     no
//	4000000000000259    approved, FraudHint set   succeeded  00       -                    yes
//	4000000000000408    no answer: ErrTimeout     -          TIMEOUT  provider_timeout     no
//	other Luhn-valid    approved                  succeeded  00       -                    yes
//	not Luhn-valid      invalid number            declined   14       incorrect_number     yes
//
// The processor approves 4000000000000259 and flags it; the gateway's fraud rules score it above 70 and block it.
// The timeout card answers ErrTimeout on every call, so the gateway's recovery never gets an answer and finally
// records provider.TimeoutResult: the TIMEOUT and provider_timeout in the tables are what that transaction shows. Approved authorizations and sales carry a six-digit AuthCode.
//
// # Scenarios
//
// A Request.Scenario (the hosted page's test-mode chips) forces the outcome of any operation, whatever the card or
// VPA; an invalid request (bad amount, unknown transaction) still fails first.
//
//	scenario             status     code     decline code         transaction id
//	approve              succeeded  00       -                    yes
//	decline              declined   05       do_not_honor         yes
//	insufficient_funds   declined   51       insufficient_funds   yes
//	expired_card         declined   54       expired_card         yes
//	provider_error       failed     96       processing_error     no
//	timeout              ErrTimeout TIMEOUT  provider_timeout     no
//
// # UPI
//
// A sale with a VPA instead of a card answers StatusPending (code 09) with a transaction id and PollAfter set to
// Options.UPIDelay: the payer "approves in their app". Lookup on that id then gives the final result:
//
//	VPA                  final status           code      decline code
//	success@kassa        succeeded              00        -
//	failure@kassa        declined               U30       upi_debit_failed
//	expired@kassa        declined               U69       upi_request_expired
//	any other valid VPA  succeeded or declined  00 or U30 upi_debit_failed
//
// For other addresses a keyed hash of the address decides: about 90% of addresses succeed (the UPI success rate of
// the reference gateway), and a given address always gets the same outcome. Addresses compare case-insensitively. A scenario decides the final result the same way (approve → succeeded,
// decline → 05, …), except provider_error and timeout, which answer at once as for cards. UPI supports sales only.
//
// # Capture, void, refund, lookup
//
// Capture and void need the id of a succeeded authorization, refund the id of a succeeded capture or sale (card or
// UPI). Amounts are not tracked: limits such as "capture at most the authorized amount" are the gateway's. Anything
// else fails with 12 invalid_transaction and no transaction: an id that is not a sandbox id (the MAC makes typos and
// foreign ids fail), a declined authorization, a refund of a refund. Lookup returns the final result of any sandbox
// id (for UPI the outcome after approval) and 12 for anything else.
//
// # Invalid requests
//
// No transaction is made, and the message says what was wrong: a zero or negative amount (13 invalid_amount; void
// ignores the amount), a missing idempotency key, a currency that is not three upper-case letters, a missing card or
// VPA, both at once, a VPA on an authorization, a malformed VPA, an unknown operation or scenario (all 12).
//
// # Transaction ids
//
// "sbx_" followed by 22 base62 characters. Each operation under each idempotency key gets its own id.
package sandbox

import (
	"context"
	"fmt"
	"time"

	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
)

// Name is the sandbox's provider name, as recorded on transactions.
const Name = "sandbox"

// DefaultUPIDelay is the PollAfter of pending UPI payments unless Options say otherwise; the reference gateway
// settles UPI payments after five to ten seconds.
const DefaultUPIDelay = 5 * time.Second

// Options configure a Sandbox. The zero value is ready to use.
type Options struct {
	// Latency is how long every call takes, for realistic timings in demos and benchmarks. The wait ends early when
	// the context does. Zero: answers at once.
	Latency time.Duration
	// UPIDelay is the PollAfter of pending UPI results: how long the payer "takes" to approve. Zero:
	// DefaultUPIDelay. The sandbox does not enforce it; a Lookup before it elapses already gives the final result.
	UPIDelay time.Duration
}

// Sandbox is the deterministic test provider. It is safe for concurrent use.
type Sandbox struct {
	opts Options
}

var _ provider.Provider = (*Sandbox)(nil)

// New returns a Sandbox.
func New(opts Options) *Sandbox {
	if opts.UPIDelay <= 0 {
		opts.UPIDelay = DefaultUPIDelay
	}
	return &Sandbox{opts: opts}
}

// Name returns "sandbox".
func (s *Sandbox) Name() string { return Name }

// Do answers r as the package comment describes.
func (s *Sandbox) Do(ctx context.Context, r provider.Request) (provider.Result, error) {
	if err := s.wait(ctx); err != nil {
		return provider.Result{}, fmt.Errorf("sandbox %s: %w", r.Operation, err)
	}
	v, m := decide(r)
	if v.timeout {
		return provider.Result{}, fmt.Errorf("sandbox %s: %w", r.Operation, provider.ErrTimeout)
	}
	res := provider.ResultFor(v.code)
	if v.detail != "" {
		res.ResponseMessage += ": " + v.detail
	}
	if res.Status == provider.StatusFailed {
		return res, nil // failures make no transaction
	}
	rec := record{op: r.Operation, method: m, result: outcome{code: v.code, fraud: v.fraud}}
	id := newID(rec, r.IdempotencyKey)
	if m == methodUPI {
		res = provider.ResultFor(provider.CodeInProgress)
		res.ProviderTransactionID = id
		res.PollAfter = s.opts.UPIDelay
		return res, nil
	}
	return final(rec, id), nil
}

// Lookup returns the final result of the transaction id names.
func (s *Sandbox) Lookup(ctx context.Context, id string) (provider.Result, error) {
	if err := s.wait(ctx); err != nil {
		return provider.Result{}, fmt.Errorf("sandbox lookup: %w", err)
	}
	rec, ok := parseID(id)
	if !ok {
		res := provider.ResultFor(provider.CodeInvalidTransaction)
		res.ResponseMessage += ": not a sandbox transaction"
		return res, nil
	}
	return final(rec, id), nil
}

// final is the settled result of a transaction the sandbox made.
func final(rec record, id string) provider.Result {
	res := provider.ResultFor(rec.result.code)
	res.ProviderTransactionID = id
	res.FraudHint = rec.result.fraud
	if res.Status == provider.StatusSucceeded && (rec.op == provider.OperationAuthorize || rec.op == provider.OperationSale) {
		res.AuthCode = authCode(id)
	}
	return res
}

// decide returns the verdict for r and the payment method it uses.
func decide(r provider.Request) (verdict, method) {
	if v, ok := validate(r); !ok {
		return v, methodNone
	}
	m := methodNone // capture, void and refund: the method is the original payment's
	switch {
	case r.Operation != provider.OperationAuthorize && r.Operation != provider.OperationSale:
	case r.Card != nil:
		m = methodCard
	case r.VPA != "":
		m = methodUPI
	}
	if v, ok := forced(r.Scenario); ok {
		return v, m
	}
	switch m {
	case methodCard:
		return cardVerdict(r.Card.Number), m
	case methodUPI:
		return upiVerdict(r.VPA), m
	}
	return verdict{code: provider.CodeApproved}, m // capture, void, refund of a valid transaction
}

// validate checks what a processor would check before looking at the card. It returns false with the failing
// verdict when r is invalid.
func validate(r provider.Request) (verdict, bool) {
	const bad = provider.CodeInvalidTransaction
	switch {
	case !r.Operation.Valid():
		return invalid(bad, fmt.Sprintf("unknown operation %q", r.Operation)), false
	case r.IdempotencyKey == "":
		return invalid(bad, "idempotency key required"), false
	case !isCurrency(r.Currency):
		return invalid(bad, "currency must be an ISO 4217 code in upper case"), false
	case r.Amount < 0 || r.Amount == 0 && r.Operation != provider.OperationVoid:
		return invalid(provider.CodeInvalidAmount, "amount must be positive"), false
	case !r.Scenario.Valid():
		return invalid(bad, fmt.Sprintf("unknown scenario %q", r.Scenario)), false
	}
	switch r.Operation {
	case provider.OperationAuthorize, provider.OperationSale:
		switch {
		case r.Card != nil && r.VPA != "":
			return invalid(bad, "send a card or a VPA, not both"), false
		case r.VPA != "" && r.Operation == provider.OperationAuthorize:
			return invalid(bad, "UPI payments are sales"), false
		case r.VPA != "" && !payment.ValidVPA(r.VPA):
			return invalid(bad, "malformed VPA"), false
		case r.Card == nil && r.VPA == "":
			return invalid(bad, "card required"), false
		}
	default:
		parent, ok := parseID(r.ProviderTransactionID)
		if !ok {
			return invalid(bad, "no such transaction"), false
		}
		if !parentAllows(parent, r.Operation) {
			return invalid(bad, fmt.Sprintf("a %s needs a succeeded %s", r.Operation, needs(r.Operation))), false
		}
	}
	return verdict{}, true
}

// parentAllows reports whether op may follow the transaction parent.
func parentAllows(parent record, op provider.Operation) bool {
	if parent.result.code != provider.CodeApproved {
		return false
	}
	switch op {
	case provider.OperationCapture, provider.OperationVoid:
		return parent.op == provider.OperationAuthorize
	case provider.OperationRefund:
		return parent.op == provider.OperationCapture || parent.op == provider.OperationSale
	}
	return false
}

func needs(op provider.Operation) string {
	if op == provider.OperationRefund {
		return "capture or sale"
	}
	return "authorization"
}

func isCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}

// wait simulates the processor's latency and honours ctx.
func (s *Sandbox) wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.opts.Latency <= 0 {
		return nil
	}
	t := time.NewTimer(s.opts.Latency)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
