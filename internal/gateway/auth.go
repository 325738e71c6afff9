package gateway

import (
	"context"
	"errors"

	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/store"
)

// Auth is an authenticated API caller: a merchant acting through one key, in that key's mode.
type Auth struct {
	Merchant merchant.Merchant
	Key      merchant.APIKey
}

// Livemode reports whether the caller acts in live mode.
func (a Auth) Livemode() bool { return a.Key.Livemode }

var errInvalidKey = &Error{Kind: KindUnauthenticated, Code: "invalid_api_key",
	Message: "Invalid API key provided. Send a key as 'Authorization: Bearer sk_test_…' or in the X-API-Key header."}

// Authenticate resolves an API key. Malformed and unknown keys get the same 401; an expired or revoked key gets
// 401 api_key_expired; an inactive merchant gets 403.
func (g *Gateway) Authenticate(ctx context.Context, plaintext string) (Auth, error) {
	if _, _, ok := merchant.ParseKey(plaintext); !ok {
		return Auth{}, errInvalidKey
	}
	k, err := g.store.GetAPIKeyByHash(ctx, merchant.HashKey(plaintext))
	if errors.Is(err, store.ErrNotFound) {
		return Auth{}, errInvalidKey
	}
	if err != nil {
		return Auth{}, err
	}
	if !k.Usable(g.Now()) {
		return Auth{}, &Error{Kind: KindUnauthenticated, Code: "api_key_expired",
			Message: "This API key was rolled or revoked (ending " + k.Hint + "). Use the merchant's current key."}
	}
	m, err := g.store.GetMerchant(ctx, k.MerchantID)
	if err != nil {
		return Auth{}, err
	}
	if m.Status != merchant.StatusActive {
		return Auth{}, &Error{Kind: KindForbidden, Code: "merchant_inactive", Message: "This merchant account is not active."}
	}
	if k.Livemode && !g.live {
		return Auth{}, &Error{Kind: KindForbidden, Code: "live_mode_unavailable",
			Message: "Live mode needs KASSA_MASTER_KEY to be configured on this Kassa instance."}
	}
	return Auth{Merchant: m, Key: k}, nil
}

// keyOfMode stands in for an API key when a use case acts for a merchant on behalf of a customer (hosted pages):
// it carries only the mode.
func keyOfMode(livemode bool) merchant.APIKey { return merchant.APIKey{Livemode: livemode} }

// OperatorAuth acts for a merchant in a mode from the instance's command line (kassa profile …): the operator who
// runs it holds the database, so no API key is asked for. Live mode needs a real master key, as live keys do.
func (g *Gateway) OperatorAuth(ctx context.Context, merchantID string, livemode bool) (Auth, error) {
	if livemode && !g.live {
		return Auth{}, &Error{Kind: KindForbidden, Code: "live_mode_unavailable",
			Message: "Live mode needs KASSA_MASTER_KEY: this instance runs on a generated development key."}
	}
	m, err := g.store.GetMerchant(ctx, merchantID)
	if err != nil {
		return Auth{}, notFoundAs(err, "merchant", merchantID)
	}
	return Auth{Merchant: m, Key: keyOfMode(livemode)}, nil
}
