package store

import (
	"context"
	"time"

	"github.com/kassapay/kassa/internal/wallet"
)

// AdminKey is a key of the operator's admin API. Only the SHA-256 of the key is stored.
type AdminKey struct {
	ID          string // adk_…
	Hash        string
	Description string
	CreatedAt   time.Time
	RevokedAt   *time.Time
}

// WalletQueries store the wallet (DESIGN §15). Every method returns ErrNotFound for a missing row; writes that
// change one row return it when that row is not there to change.
type WalletQueries interface {
	// UpsertShopper returns the shopper of s.Email, storing s (its id and time) when there is none yet.
	UpsertShopper(ctx context.Context, s wallet.Shopper) (wallet.Shopper, error)
	GetShopper(ctx context.Context, id string) (wallet.Shopper, error)
	GetShopperByEmail(ctx context.Context, email string) (wallet.Shopper, error)

	// Saved cards. GetWalletCardByFingerprint finds the shopper's saved (not removed) copy of a card in a mode.
	InsertWalletCard(ctx context.Context, c wallet.Card) error
	GetWalletCard(ctx context.Context, id string) (wallet.Card, error)
	GetWalletCardByFingerprint(ctx context.Context, shopperID string, livemode bool, fingerprint string) (wallet.Card, error)
	// ListWalletCards returns the shopper's saved cards of a mode, newest first.
	ListWalletCards(ctx context.Context, shopperID string, livemode bool) ([]wallet.Card, error)
	// RemoveWalletCard marks the shopper's card removed and drops its sealed number.
	RemoveWalletCard(ctx context.Context, shopperID, cardID string, at time.Time) error

	// Consents. UpsertWalletConsent grants (or renews: new time and IP, revocation lifted).
	UpsertWalletConsent(ctx context.Context, c wallet.Consent) error
	RevokeWalletConsent(ctx context.Context, cardID, merchantID string, at time.Time) error
	GetWalletConsent(ctx context.Context, cardID, merchantID string) (wallet.Consent, error)
	// ListWalletConsentsOfShopper returns the live consents of the shopper's saved cards.
	ListWalletConsentsOfShopper(ctx context.Context, shopperID string) ([]wallet.Consent, error)
	// ListConsentedWalletCards returns the saved cards of a mode a merchant may charge, of one shopper ("" = all),
	// newest first, at most limit.
	ListConsentedWalletCards(ctx context.Context, merchantID string, livemode bool, shopperID string, limit int) ([]wallet.Card, error)

	// One-time codes.
	InsertWalletCode(ctx context.Context, c wallet.Code) error
	// CountRecentWalletCodes counts the codes sent to email and those asked from ip since a time.
	CountRecentWalletCodes(ctx context.Context, email, ip string, since time.Time) (byEmail, byIP int, err error)
	// LatestWalletCode returns the newest code sent to email.
	LatestWalletCode(ctx context.Context, email string) (wallet.Code, error)
	// TryWalletCode counts one try of a usable code and returns it with the try counted; ErrNotFound when the code
	// is used, expired or out of tries. The caller compares the digits after.
	TryWalletCode(ctx context.Context, id string, now time.Time) (wallet.Code, error)
	// UseWalletCode marks a code used; ErrNotFound when it already was.
	UseWalletCode(ctx context.Context, id string, at time.Time) error
	DeleteWalletCodesBefore(ctx context.Context, before time.Time) (int, error)

	// Signed-in shoppers.
	InsertWalletSession(ctx context.Context, s wallet.Session) error
	// GetWalletSession returns the session of a token hash that has not expired at now.
	GetWalletSession(ctx context.Context, tokenHash string, now time.Time) (wallet.Session, error)
	DeleteWalletSession(ctx context.Context, tokenHash string) error
	// DeleteWalletSessionsBefore deletes the sessions that expired before a time.
	DeleteWalletSessionsBefore(ctx context.Context, before time.Time) (int, error)

	// Admin keys.
	InsertAdminKey(ctx context.Context, k AdminKey) error
	GetAdminKeyByHash(ctx context.Context, hash string) (AdminKey, error)
	ListAdminKeys(ctx context.Context) ([]AdminKey, error)
	RevokeAdminKey(ctx context.Context, id string, at time.Time) error

	// LinkCustomerToShopper records that a merchant's customer paid as the shopper.
	LinkCustomerToShopper(ctx context.Context, merchantID string, livemode bool, customerID, shopperID string) error
}
