package store

import (
	"context"
	"time"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/payment"
)

// CardPaymentFilter selects payments for the direct card API's list: PaymentFilter's fields plus a created range,
// the front door and an offset (document 002's paging; cursors are preferred).
type CardPaymentFilter struct {
	PaymentFilter
	SourceKind string
	CreatedGTE time.Time
	CreatedLT  time.Time
	Offset     int
}

// CardQueries are the reads and writes of the direct card API and payment intents.
type CardQueries interface {
	// UpdatePaymentCard saves payment.Direct's fields; callers run it after InsertPayment or UpdatePayment.
	UpdatePaymentCard(ctx context.Context, p payment.Payment) error
	// ListExpiredAuthorizations returns authorized payments whose expires_at is at or before now.
	ListExpiredAuthorizations(ctx context.Context, now time.Time, limit int) ([]payment.Payment, error)
	// ListStaleOperations returns payments with a capture, void or expiry in flight since before.
	ListStaleOperations(ctx context.Context, before time.Time, limit int) ([]payment.Payment, error)
	ListCardPayments(ctx context.Context, f CardPaymentFilter) ([]payment.Payment, error)
	// ListTransactionsOffset is ListTransactions with an offset.
	ListTransactionsOffset(ctx context.Context, f TransactionFilter, offset int) ([]payment.Transaction, error)

	InsertPaymentIntent(ctx context.Context, pi checkout.Intent) error
	GetPaymentIntent(ctx context.Context, merchantID string, livemode bool, id string) (checkout.Intent, error)
	GetPaymentIntentByID(ctx context.Context, id string) (checkout.Intent, error)
	LockPaymentIntent(ctx context.Context, id string) (checkout.Intent, error)
	// UpdatePaymentIntent saves status, failed attempts, payment id, failure and updated_at.
	UpdatePaymentIntent(ctx context.Context, pi checkout.Intent) error
	ListPaymentIntents(ctx context.Context, merchantID string, livemode bool, status string, page Page) ([]checkout.Intent, error)
	// ListExpiredPaymentIntents returns open intents whose expires_at is at or before now.
	ListExpiredPaymentIntents(ctx context.Context, now time.Time, limit int) ([]checkout.Intent, error)
}
