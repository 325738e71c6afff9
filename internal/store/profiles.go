package store

import (
	"context"
	"time"

	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
)

// ProfileQueries hold payment profiles and the routing rules that choose among them (DESIGN §14).
type ProfileQueries interface {
	InsertPaymentProfile(ctx context.Context, p merchant.PaymentProfile) error
	// GetPaymentProfile reads one of a merchant's profiles in a mode (ErrNotFound for another merchant's or mode's).
	GetPaymentProfile(ctx context.Context, merchantID string, livemode bool, id string) (merchant.PaymentProfile, error)
	// ListPaymentProfiles returns a merchant's profiles in a mode, oldest first.
	ListPaymentProfiles(ctx context.Context, merchantID string, livemode bool) ([]merchant.PaymentProfile, error)
	// UpdatePaymentProfile saves every field but the id, merchant, mode, connector and creation time.
	UpdatePaymentProfile(ctx context.Context, p merchant.PaymentProfile) error
	// DeletePaymentProfile deletes a profile no transaction names; ErrNotUpdated when one does (the caller disables
	// it instead).
	DeletePaymentProfile(ctx context.Context, id string) error
	// GetRoutingRules returns a merchant's rules in a mode (none, with a zero UpdatedAt, when never set).
	GetRoutingRules(ctx context.Context, merchantID string, livemode bool) (RoutingRules, error)
	// PutRoutingRules replaces a merchant's rules in a mode.
	PutRoutingRules(ctx context.Context, merchantID string, livemode bool, r RoutingRules) error
	// GetPaymentProfileByID reads any profile (a processor's webhook names its profile in the URL).
	GetPaymentProfileByID(ctx context.Context, id string) (merchant.PaymentProfile, error)
	// InsertProviderEvent records a processor event received for a profile; false when it was recorded before.
	InsertProviderEvent(ctx context.Context, profileID, eventID, typ string, at time.Time) (bool, error)
	// GetPaymentByProviderTransactionID finds the payment a profile's processor knows by that id.
	GetPaymentByProviderTransactionID(ctx context.Context, profileID, providerTransactionID string) (payment.Payment, error)
}

// RoutingRules are a merchant's ordered rules in one mode.
type RoutingRules struct {
	Rules     []provider.Rule
	UpdatedAt time.Time
}
