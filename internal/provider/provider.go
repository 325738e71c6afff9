// Package provider is the provider seam (docs/architecture.md §1): the one interface between Kassa and the processors
// that move money. The built-in sandbox (package sandbox) and every real processor implement Provider, and every
// implementation passes the conformance suite in package providertest.
//
// This package is security-relevant. A Request may carry a card number and CVV; they live in memory only, for the
// duration of one call, and Card never prints them (see Card). A Result never carries card data.
//
// # The contract
//
// Do performs one operation and answers in one of two ways (docs/architecture.md §5):
//
//   - (Result, nil): the processor's definitive answer for this idempotency key. Result.Status says what happened;
//     StatusPending is definitive too ("the payer has not decided yet") and is followed up with Lookup.
//   - (zero Result, error): the outcome is unknown. The request may or may not have reached the processor and may or
//     may not have moved money. The caller keeps the operation pending and its recovery job calls Do again with the
//     same Request (same IdempotencyKey) until it gets a Result. ErrTimeout is the usual such error; an error that
//     wraps ctx.Err() (the caller gave up) means the same. A provider never reports a definitive failure as an error:
//     an invalid request (unknown transaction, bad amount) is a Result with StatusFailed.
//
// Providers deduplicate on Request.IdempotencyKey: the same key with the same request gives the same Result, however
// often and however long after (within the processor's retention), across restarts of either side. A recovery call may
// carry the card without its CVV, because Kassa never stores a CVV (docs/architecture.md §9); a provider answers it
// from its record of the key and must not decline it for the missing CVV.
package provider

import (
	"context"
	"errors"
	"time"
)

// Provider is a processor Kassa sends money operations to. Implementations are safe for concurrent use.
type Provider interface {
	// Name identifies the provider in transaction rows, logs and metrics ("sandbox", …). It never changes for a
	// given implementation, because stored transactions refer to it.
	Name() string
	// Do performs r and returns the processor's answer, or an error when the outcome is unknown (see the package
	// comment). It honours ctx: when ctx ends first, Do returns an error that wraps ctx.Err().
	Do(ctx context.Context, r Request) (Result, error)
	// Lookup returns the processor's current answer for a transaction it made, identified by the
	// ProviderTransactionID of an earlier Result. Kassa's async jobs use it to follow a StatusPending result
	// (a UPI collect request) to its final status. An ID the processor does not know gives a Result with
	// StatusFailed and CodeInvalidTransaction; an error means, as for Do, that the answer is unknown.
	Lookup(ctx context.Context, providerTransactionID string) (Result, error)
}

// ErrTimeout means the processor did not answer in time: the outcome is unknown and the caller must ask again with the
// same idempotency key (the recovery job of docs/architecture.md §5). When the caller gives up, it records
// TimeoutResult.
var ErrTimeout = errors.New("provider: no answer in time, outcome unknown")

// Operation is what a Request asks the processor to do. Each one becomes a Transaction row (docs/architecture.md §4).
type Operation string

const (
	// OperationAuthorize holds Amount on the card without charging it. Needs Card.
	OperationAuthorize Operation = "authorize"
	// OperationCapture charges Amount (at most the authorized amount) of the authorization named by
	// ProviderTransactionID.
	OperationCapture Operation = "capture"
	// OperationSale authorizes and captures in one step. Needs Card, or VPA for a UPI payment.
	OperationSale Operation = "sale"
	// OperationVoid releases the authorization named by ProviderTransactionID before capture. Amount is not
	// required; callers pass the authorized amount for processors that want it.
	OperationVoid Operation = "void"
	// OperationRefund returns Amount of the captured payment (capture or sale) named by ProviderTransactionID.
	OperationRefund Operation = "refund"
)

// Valid reports whether o is a known operation.
func (o Operation) Valid() bool {
	switch o {
	case OperationAuthorize, OperationCapture, OperationSale, OperationVoid, OperationRefund:
		return true
	}
	return false
}

// Request is one operation sent to a processor.
type Request struct {
	Operation Operation
	// IdempotencyKey is derived by the caller from its operation id, so that it is unique across merchants and
	// modes. The same key must always come with the same request; providers deduplicate on it. Required.
	IdempotencyKey string
	// Amount in minor units of Currency; must be positive except for OperationVoid.
	Amount int64
	// Currency is an ISO 4217 code in upper case.
	Currency string
	// Card is the payment card for OperationAuthorize and OperationSale, already validated by the caller (digits
	// only, Luhn-valid, not expired).
	Card *Card
	// VPA is the payer's UPI address for a UPI OperationSale, instead of Card; the caller has checked its format.
	VPA string
	// ProviderTransactionID names the original authorization or payment for capture, void and refund.
	ProviderTransactionID string
	// Scenario forces the outcome in test mode (the hosted page's scenario chips). Real providers ignore it, and
	// the gateway never sets it in live mode. It is part of the request: a recovery call carries it again.
	Scenario Scenario
}

// Status is the processor's verdict in a Result.
type Status string

const (
	// StatusSucceeded: the operation happened. An authorization holds the money, a sale or capture moved it, a void
	// released it, a refund returned it.
	StatusSucceeded Status = "succeeded"
	// StatusDeclined: the issuer or the payer refused (insufficient funds, expired card, the UPI payer declined).
	// DeclineCode says why; the customer may try another card. Nothing moved.
	StatusDeclined Status = "declined"
	// StatusPending: the processor accepted the request but the outcome depends on someone else, typically a UPI
	// payer who has to approve the collect request in their app. Follow it with Lookup after PollAfter.
	StatusPending Status = "pending"
	// StatusFailed: the processor could not process the request (a processing error, an unknown transaction, an
	// invalid amount). Nothing moved.
	StatusFailed Status = "failed"
)

// Result is a processor's definitive answer. It never contains card data.
type Result struct {
	Status Status
	// ProviderTransactionID is the processor's reference for this operation; later captures, voids, refunds and
	// lookups name it. Empty when the processor made no transaction (a processing error, an invalid request).
	ProviderTransactionID string
	// AuthCode is the issuer's approval code for a succeeded authorization or sale.
	AuthCode string
	// ResponseCode is the processor's response code, normalised to Kassa's table: "00" approved, "05", "51", "54",
	// "N7", "96", … (see the Code constants). It is what a Transaction row records.
	ResponseCode string
	// ResponseMessage is a short human-readable text for ResponseCode.
	ResponseMessage string
	// DeclineCode is the stable snake_case reason the API shows for a declined or failed operation (do_not_honor,
	// insufficient_funds, …); empty when the operation succeeded or is pending.
	DeclineCode string
	// FraudHint says the processor flagged the card as risky although it approved the operation. The gateway's
	// fraud rules decide what to do with it.
	FraudHint bool
	// PollAfter is, for StatusPending, how long to wait before asking Lookup for the final status.
	PollAfter time.Duration
}

// Final reports whether r is a final verdict, that is anything but StatusPending.
func (r Result) Final() bool { return r.Status != StatusPending }
