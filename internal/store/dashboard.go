package store

import (
	"time"

	"github.com/kassapay/kassa/internal/payment"
)

// DashboardSession is a signed-in dashboard browser. Only the SHA-256 of its cookie token is stored.
type DashboardSession struct {
	TokenHash string
	UserID    string
	// MerchantID is the merchant the session looks at: the user's own, or the one an operator chose ("" = none yet).
	MerchantID string
	Livemode   bool
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// LoginFailures counts an email's failed sign-ins since its last success.
type LoginFailures struct {
	Email       string
	Failures    int64
	LockedUntil *time.Time
	UpdatedAt   time.Time
}

// PaymentSearch selects payments of one merchant and mode for the dashboard. Empty strings, a zero AmountGTE, an
// unset AmountLTE (AmountLTESet false) and zero times leave a filter open; times before 1970 bound nothing older. The time range applies to the creation time a payment's id carries (to the
// millisecond, the same instant as created_at), so that an index on the id serves it.
type PaymentSearch struct {
	MerchantID      string
	Livemode        bool
	Status          string
	Method          string
	ExternalOrderID string
	CardLast4       string
	CustomerEmail   string
	AmountGTE       int64
	AmountLTE       int64
	// AmountLTESet says AmountLTE is a bound (so that "at most 0" is one).
	AmountLTESet bool
	CreatedGTE   time.Time
	CreatedLT    time.Time
	Page
}

// PaymentStat sums the payments of one status and currency.
type PaymentStat struct {
	Status   payment.Status
	Currency string
	Count    int64
	Amount   int64
}

// RefundStat sums the succeeded refunds of one currency.
type RefundStat struct {
	Currency string
	Count    int64
	Amount   int64
}
