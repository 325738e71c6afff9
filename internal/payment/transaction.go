package payment

import "time"

// TransactionType is the provider operation a Transaction records.
type TransactionType string

// Transaction types.
const (
	TxnAuthorize TransactionType = "authorize"
	TxnCapture   TransactionType = "capture"
	TxnSale      TransactionType = "sale"
	TxnVoid      TransactionType = "void"
	TxnRefund    TransactionType = "refund"
)

// TransactionStatus is the outcome of one provider operation.
type TransactionStatus string

// Transaction statuses.
const (
	TxnSucceeded TransactionStatus = "succeeded"
	TxnFailed    TransactionStatus = "failed"
)

// Transaction is one provider operation on a payment, appended once its outcome is known and never changed.
type Transaction struct {
	ID         string // "txn_…"
	PaymentID  string
	MerchantID string
	Livemode   bool
	Type       TransactionType
	Status     TransactionStatus
	Amount     int64
	Currency   string
	Provider   string
	// ProfileID is the payment profile the call went to (each profile a fallback tried gets its own transaction).
	ProfileID             string
	ProviderTransactionID string // empty when the processor made none
	AuthCode              string
	ResponseCode          string // "00", "05", "51", "54", "N7", "96", "TIMEOUT", …
	ResponseMessage       string
	CreatedAt             time.Time
}
