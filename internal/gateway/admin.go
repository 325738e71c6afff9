package gateway

import (
	"context"
	"errors"
	"strings"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/wallet"
)

// adminKeyPrefix starts every admin key, so that one is never mistaken for a merchant's key, nor one of those for it.
const adminKeyPrefix = "kadmin_"

// errAdminKey is the one answer to a missing, malformed, unknown or revoked admin key, and to any merchant key.
var errAdminKey = Errorf(KindUnauthenticated, "admin_key_required",
	"This route needs an admin key (kadmin_…, made with kassa admin-key create); merchant keys do not work here.")

// CreateAdminKey makes a key for the admin API and returns it with its secret, which is shown once: only its
// SHA-256 is stored.
func (g *Gateway) CreateAdminKey(ctx context.Context, description string) (store.AdminKey, string, error) {
	description = strings.TrimSpace(description)
	if len(description) > 200 {
		return store.AdminKey{}, "", InvalidParam("description", "parameter_too_long", "The description is at most 200 characters.")
	}
	secret := adminKeyPrefix + id.Random(40)
	now := g.Now()
	k := store.AdminKey{ID: id.New("adk_", now), Hash: merchant.HashKey(secret), Description: description, CreatedAt: now}
	if err := g.store.InsertAdminKey(ctx, k); err != nil {
		return store.AdminKey{}, "", err
	}
	return k, secret, nil
}

// ListAdminKeys returns every admin key, revoked ones too (without their secrets, which are not stored).
func (g *Gateway) ListAdminKeys(ctx context.Context) ([]store.AdminKey, error) {
	return g.store.ListAdminKeys(ctx)
}

// RevokeAdminKey stops an admin key at once.
func (g *Gateway) RevokeAdminKey(ctx context.Context, keyID string) error {
	err := g.store.RevokeAdminKey(ctx, keyID, g.Now())
	if errors.Is(err, store.ErrNotFound) {
		return Errorf(KindNotFound, "resource_missing", "No active admin key %s.", keyID)
	}
	return err
}

// AuthenticateAdmin returns the admin key of a secret: errAdminKey for anything else.
func (g *Gateway) AuthenticateAdmin(ctx context.Context, secret string) (store.AdminKey, error) {
	if !strings.HasPrefix(secret, adminKeyPrefix) {
		return store.AdminKey{}, errAdminKey
	}
	k, err := g.store.GetAdminKeyByHash(ctx, merchant.HashKey(secret))
	if errors.Is(err, store.ErrNotFound) || err == nil && k.RevokedAt != nil {
		return store.AdminKey{}, errAdminKey
	} else if err != nil {
		return store.AdminKey{}, err
	}
	return k, nil
}

// ResolveShopper returns the shopper of an e-mail address, made on first use (document 000's customers/resolve).
func (g *Gateway) ResolveShopper(ctx context.Context, email string) (wallet.Shopper, error) {
	addr, err := wallet.NormalizeEmail(email)
	if err != nil {
		return wallet.Shopper{}, InvalidParam("email", "email_invalid", "Give a valid e-mail address, like you@example.com.")
	}
	now := g.Now()
	return g.store.UpsertShopper(ctx, wallet.Shopper{ID: id.New("shp_", now), Email: addr, CreatedAt: now})
}

// GetShopper returns a shopper by id.
func (g *Gateway) GetShopper(ctx context.Context, shopperID string) (wallet.Shopper, error) {
	sh, err := g.store.GetShopper(ctx, shopperID)
	return sh, notFoundAs(err, "customer", shopperID)
}

// ShopperCard is a saved card as an operator or the shopper sees it: display data and the merchants that may
// charge it, never the number.
type ShopperCard struct {
	Card wallet.Card
	// Merchants are the merchants with a live consent to charge the card.
	Merchants []string
}

// ShopperCards returns a shopper's saved cards, live mode's then test mode's, each newest first, with the merchants
// that may charge each.
func (g *Gateway) ShopperCards(ctx context.Context, shopperID string) ([]ShopperCard, error) {
	if _, err := g.GetShopper(ctx, shopperID); err != nil {
		return nil, err
	}
	consents, err := g.store.ListWalletConsentsOfShopper(ctx, shopperID)
	if err != nil {
		return nil, err
	}
	merchants := map[string][]string{}
	for _, c := range consents {
		merchants[c.PaymentMethodID] = append(merchants[c.PaymentMethodID], c.MerchantID)
	}
	var out []ShopperCard
	for _, livemode := range []bool{true, false} {
		cards, err := g.store.ListWalletCards(ctx, shopperID, livemode)
		if err != nil {
			return nil, err
		}
		for _, c := range cards {
			out = append(out, ShopperCard{Card: c, Merchants: append([]string{}, merchants[c.ID]...)})
		}
	}
	return out, nil
}
