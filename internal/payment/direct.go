package payment

import (
	"errors"
	"time"
)

// Direct holds what a card payment records beyond its amounts: the issuer's answer, the authorization's lifetime,
// the capture or void in flight (docs/architecture.md §5), and the fraud assessment made before the provider call.
type Direct struct {
	// CardFingerprint is the vault's keyed fingerprint of the card; ClientIP is the payer's address. Both feed the
	// fraud rules' velocity counts.
	CardFingerprint string
	ClientIP        string
	Fraud           Fraud
	// AuthCode, ResponseCode and ResponseMessage are the issuer's answer to the authorization or sale.
	AuthCode        string
	ResponseCode    string
	ResponseMessage string
	// LastTransactionID is the latest transaction recorded for the payment.
	LastTransactionID string
	AuthorizedAt      *time.Time
	// ExpiresAt is when an authorization lapses (AuthorizationLifetime after it was made).
	ExpiresAt  *time.Time
	CapturedAt *time.Time
	VoidedAt   *time.Time
	VoidReason string
	// Operation is the capture, void or expiry sent to the provider and not yet recorded; at most one at a time.
	Operation       Operation
	OperationID     string
	OperationAmount int64
	OperationReason string
	// SaveToWallet is the shopper's "remember this card": when the payment succeeds, its outcome's transaction saves
	// the card to the shopper of CustomerEmail and records the consent for the merchant.
	SaveToWallet bool
}

// Fraud is the fraud assessment of a card payment.
type Fraud struct {
	Score int
	// Decision is approve, review or decline; empty when the payment was not scored (not a card payment).
	Decision string
	Reasons  []FraudReason
}

// FraudReason is one rule that contributed to a fraud score.
type FraudReason struct {
	Rule    string `json:"rule"`
	Points  int    `json:"points"`
	Message string `json:"message"`
}

// Operation is a provider operation on an existing authorization, in flight between phases 1 and 3 of §5.
type Operation string

// Operations.
const (
	OperationNone    Operation = ""
	OperationCapture Operation = "capture"
	OperationVoid    Operation = "void"
	// OperationExpire is the void the expiry job sends for an authorization past ExpiresAt.
	OperationExpire Operation = "expire"
)

// Errors of CheckCapture and CheckVoid, wrapped so that callers can tell the cases apart.
var (
	ErrAlreadyCaptured      = errors.New("payment: already captured")
	ErrAlreadyVoided        = errors.New("payment: already voided")
	ErrAuthorizationExpired = errors.New("payment: authorization expired")
	ErrNotAuthorized        = errors.New("payment: not an authorization")
	ErrOperationInFlight    = errors.New("payment: another capture or void is in flight")
)

// CheckOperation says why an authorization cannot be captured or voided at now, if it cannot.
func (p Payment) CheckOperation(now time.Time) error {
	switch {
	case p.Operation != OperationNone:
		return ErrOperationInFlight
	case p.Status == StatusCaptured || p.Status == StatusPartiallyRefunded || p.Status == StatusRefunded:
		return ErrAlreadyCaptured
	case p.Status == StatusVoided:
		return ErrAlreadyVoided
	case p.Status == StatusExpired:
		return ErrAuthorizationExpired
	case p.Status != StatusAuthorized:
		return ErrNotAuthorized
	case p.ExpiresAt != nil && !now.Before(*p.ExpiresAt):
		return ErrAuthorizationExpired
	}
	return nil
}

// String returns the operation's name.
func (o Operation) String() string { return string(o) }
