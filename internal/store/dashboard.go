package store

import (
	"context"
	"time"

	"github.com/kassapay/kassa/internal/merchant"
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

// DashboardQueries are the dashboard's own reads and writes: sessions, sign-in failures, merchant profiles,
// payment search and statistics.
type DashboardQueries interface {
	InsertDashboardSession(ctx context.Context, s DashboardSession) error
	GetDashboardSession(ctx context.Context, tokenHash string) (DashboardSession, error)
	// UpdateDashboardSession saves the merchant and mode a session looks at.
	UpdateDashboardSession(ctx context.Context, s DashboardSession) error
	DeleteDashboardSession(ctx context.Context, tokenHash string) error
	// DeleteUserDashboardSessions signs a user out everywhere (password reset); it returns how many ended.
	DeleteUserDashboardSessions(ctx context.Context, userID string) (int64, error)
	DeleteExpiredDashboardSessions(ctx context.Context, now time.Time) (int64, error)

	GetUser(ctx context.Context, id string) (merchant.User, error)
	UpdateUserPassword(ctx context.Context, userID, passwordHash string) error

	// GetLoginFailures returns ErrNotFound when the email has no failures on record.
	GetLoginFailures(ctx context.Context, email string) (LoginFailures, error)
	// CountLoginFailure counts one sign-in attempt of an email (before its password is checked) atomically and
	// returns the count and lock after it; a lock that ran out restarts the count at 1.
	CountLoginFailure(ctx context.Context, email string, now time.Time) (LoginFailures, error)
	// LockLoginFailures locks an email until a time unless it is locked already.
	LockLoginFailures(ctx context.Context, email string, until time.Time) error
	DeleteLoginFailures(ctx context.Context, email string) error

	// GetMerchantProfile returns ErrNotFound when the merchant never saved one.
	GetMerchantProfile(ctx context.Context, merchantID string) (merchant.Profile, error)
	SaveMerchantProfile(ctx context.Context, p merchant.Profile) error

	// SearchPayments lists payments newest first (StartingAfter pages towards older ones).
	SearchPayments(ctx context.Context, f PaymentSearch) ([]payment.Payment, error)
	// PaymentStats sums payments created in [from, to) by status and currency.
	PaymentStats(ctx context.Context, merchantID string, livemode bool, from, to time.Time) ([]PaymentStat, error)
	// RevokeAPIKeyOfMode revokes a key of a merchant in one mode; ErrNotFound when there is no such active key.
	RevokeAPIKeyOfMode(ctx context.Context, merchantID string, livemode bool, keyID string, at time.Time) error

	// RefundStats sums succeeded refunds created in [from, to) by currency.
	RefundStats(ctx context.Context, merchantID string, livemode bool, from, to time.Time) ([]RefundStat, error)
}
