// Package payment owns the money: the Payment every front door (checkout sessions, payment links, payment intents,
// orders, the direct card API) creates, its one state machine, and the append-only Transactions that record each
// provider operation. It is pure: no I/O, no clock of its own.
package payment

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Status is where a payment stands. Every change goes through CanTransition; the database enforces the same set of
// values with a CHECK constraint.
type Status string

const (
	// StatusPending payments wait for something outside the request: a UPI approval, on-chain confirmations, an
	// asynchronous order payment. The gateway moves them to authorized, captured or failed when the outcome arrives.
	StatusPending Status = "pending"
	// StatusAuthorized payments hold an authorization (manual capture). A capture moves them to captured, a void to
	// voided; after 7 days uncaptured the expiry job moves them to expired.
	StatusAuthorized Status = "authorized"
	// StatusCaptured payments moved money: a sale, an automatic capture or a manual capture (possibly partial, the
	// rest released). Refunds move them on.
	StatusCaptured Status = "captured"
	// StatusPartiallyRefunded payments had part of the captured amount refunded; more refunds may follow.
	StatusPartiallyRefunded Status = "partially_refunded"
	// StatusRefunded payments had the whole captured amount refunded. Final.
	StatusRefunded Status = "refunded"
	// StatusVoided payments had their authorization released before capture. Final.
	StatusVoided Status = "voided"
	// StatusExpired payments had their authorization lapse uncaptured (7 days). Final.
	StatusExpired Status = "expired"
	// StatusFailed payments were declined or errored; failure_code says why. Final: a new attempt is a new payment.
	StatusFailed Status = "failed"
)

// AuthorizationLifetime is how long an authorization can be captured.
const AuthorizationLifetime = 7 * 24 * time.Hour

// transitions is the whole state machine (docs/architecture.md §4).
var transitions = map[Status][]Status{
	StatusPending:           {StatusAuthorized, StatusCaptured, StatusFailed},
	StatusAuthorized:        {StatusCaptured, StatusVoided, StatusExpired, StatusFailed},
	StatusCaptured:          {StatusPartiallyRefunded, StatusRefunded},
	StatusPartiallyRefunded: {StatusPartiallyRefunded, StatusRefunded},
}

// Statuses lists every status.
func Statuses() []Status {
	return []Status{StatusPending, StatusAuthorized, StatusCaptured, StatusPartiallyRefunded, StatusRefunded, StatusVoided, StatusExpired, StatusFailed}
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, k := range Statuses() {
		if s == k {
			return true
		}
	}
	return false
}

// Final reports whether no transition leaves s.
func (s Status) Final() bool { return len(transitions[s]) == 0 }

// CanTransition reports whether a payment may move from one status to another.
func CanTransition(from, to Status) bool {
	for _, t := range transitions[from] {
		if t == to {
			return true
		}
	}
	return false
}

// ErrTransition is wrapped by Transition's errors.
var ErrTransition = errors.New("payment: status change not allowed")

// Transition returns an error naming both statuses unless CanTransition allows the change.
func Transition(from, to Status) error {
	if !CanTransition(from, to) {
		return fmt.Errorf("%w: %s → %s", ErrTransition, from, to)
	}
	return nil
}

// Method is how the customer pays.
type Method string

// Payment methods.
const (
	MethodCard   Method = "card"
	MethodUPI    Method = "upi"
	MethodCrypto Method = "crypto"
)

// CaptureMethod says whether an approved card payment is captured at once or held for a later capture.
type CaptureMethod string

// Capture methods.
const (
	CaptureAutomatic CaptureMethod = "automatic"
	CaptureManual    CaptureMethod = "manual"
)

// Amounts are the money figures of a payment in minor units of its currency.
type Amounts struct {
	Amount   int64 // requested (and authorized) amount
	Captured int64
	Refunded int64 // refunds that succeeded
	// RefundsPending are refunds sent to the provider and not yet answered; they count against the refundable
	// balance so that concurrent refunds can never sum past the captured amount.
	RefundsPending int64
}

// Refundable is what may still be refunded.
func (a Amounts) Refundable() int64 { return a.Captured - a.Refunded - a.RefundsPending }

// ErrCaptureAmount: a capture must be positive and at most the authorized amount.
var ErrCaptureAmount = errors.New("payment: capture amount must be positive and at most the authorized amount")

// CheckCapture validates capturing amount of an authorization of authorized.
func CheckCapture(s Status, authorized, amount int64) error {
	if err := Transition(s, StatusCaptured); err != nil {
		return err
	}
	if amount <= 0 || amount > authorized {
		return ErrCaptureAmount
	}
	return nil
}

// Payment is money a customer pays a merchant ("pay_…").
type Payment struct {
	ID            string
	MerchantID    string
	Livemode      bool
	Status        Status
	Method        Method
	CaptureMethod CaptureMethod
	Amount        int64 // minor units of Currency
	Currency      string
	Captured      int64
	Refunded      int64
	// RefundsPending count against the refundable balance until the provider answers.
	RefundsPending int64
	// PaymentMethodID is the vaulted card ("pm_…"); Card is its display data.
	PaymentMethodID string
	Card            CardDisplay
	// VPA is the payer's UPI address of a UPI payment.
	VPA             string
	CustomerEmail   string
	CustomerName    string
	Description     string
	Metadata        json.RawMessage
	ExternalOrderID string
	// ExternalInvoiceID and the source name the front door the payment came from.
	ExternalInvoiceID string
	SourceKind        string // checkout_session, payment_link, payment_intent, order, direct
	SourceID          string
	Provider          string
	// ProfileID is the payment profile that took the payment (the last one tried when routing fell back).
	ProfileID             string
	ProviderTransactionID string
	// Scenario is the sandbox outcome forced from the hosted page (test mode), kept for recovery.
	Scenario         string
	FailureCode      string
	FailureMessage   string
	DeclineCode      string
	RecoveryAttempts int
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Direct
}

// CardDisplay is what may be shown of a card: never the number.
type CardDisplay struct {
	Brand    string
	First6   string
	Last4    string
	ExpMonth int
	ExpYear  int
}

// Amounts returns the payment's money figures.
func (p Payment) Amounts() Amounts {
	return Amounts{Amount: p.Amount, Captured: p.Captured, Refunded: p.Refunded, RefundsPending: p.RefundsPending}
}
