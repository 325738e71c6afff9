// Package refund owns refunds: money returned from a captured payment, in full or in parts, and the rules that keep
// the refunds of a payment from ever exceeding what it captured.
package refund

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/kassapay/kassa/internal/payment"
)

// Status is where a refund stands.
type Status string

const (
	// StatusPending refunds are counted against the payment's refundable balance and sent to the provider (at
	// once, or by a job); the provider's answer moves them on.
	StatusPending Status = "pending"
	// StatusSucceeded refunds returned the money. Final.
	StatusSucceeded Status = "succeeded"
	// StatusFailed refunds were rejected by the provider; the payment is unchanged and the amount is refundable
	// again. Final: a retry is a new refund with a new idempotency key.
	StatusFailed Status = "failed"
)

// Refund is money returned from a payment ("ref_…").
type Refund struct {
	ID         string
	PaymentID  string
	MerchantID string
	Livemode   bool
	Amount     int64
	Currency   string
	Status     Status
	Reason     string
	// Metadata keys starting with "_" are kept by Kassa and never shown to the merchant.
	Metadata              json.RawMessage
	IdempotencyKey        string
	IdempotencyHash       string
	RecoveryAttempts      int
	ProviderTransactionID string
	FailureCode           string
	FailureMessage        string
	CreatedAt             time.Time
	UpdatedAt             time.Time
}

// Errors of CheckRefund.
var (
	ErrAmount        = errors.New("refund: the amount must be positive")
	ErrNotRefundable = errors.New("refund: the payment is not in a refundable state")
	ErrOverRefund    = errors.New("refund: the amount exceeds the refundable balance")
)

// Amount resolves the amount of a requested refund: 0 (omitted) means the whole remaining balance.
func Amount(requested int64, a payment.Amounts) int64 {
	if requested == 0 {
		return a.Refundable()
	}
	return requested
}

// Check validates a refund of amount against a payment in status s with amounts a. Pending refunds count against
// the balance, so concurrent refunds (each checked under the payment's row lock) can never sum past the capture.
func Check(s payment.Status, a payment.Amounts, amount int64) error {
	if s != payment.StatusCaptured && s != payment.StatusPartiallyRefunded {
		return ErrNotRefundable
	}
	if amount <= 0 {
		return ErrAmount
	}
	if amount > a.Refundable() {
		return ErrOverRefund
	}
	return nil
}

// PaymentStatusAfter is the payment's status once its succeeded refunds total a.Refunded.
func PaymentStatusAfter(a payment.Amounts) payment.Status {
	if a.Refunded >= a.Captured {
		return payment.StatusRefunded
	}
	return payment.StatusPartiallyRefunded
}
