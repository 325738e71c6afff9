package gateway

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/provider/stripe"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/vault"
)

// Routing (docs/architecture.md §14): a payment is tried on the profiles its merchant's rules choose, in order, or on
// the default profile (the oldest enabled one serving its method and currency). Each attempt records the profile on the
// payment before the call, so a recovery asks the same profile with the same key; the next profile is tried only after
// a definitive failure that moved no money (provider.Fallback). Captures, voids and refunds go to the profile that took
// the payment.

// route is one profile a payment may be tried on, with the provider that serves it.
type route struct {
	profile merchant.PaymentProfile
	prov    provider.Provider
}

// errPaymentsNotConfigured answers a payment no enabled profile serves (document 000's code).
func errPaymentsNotConfigured(method, currency string) *Error {
	return &Error{Kind: KindUnprocessable, Code: "payments_not_configured",
		Message: fmt.Sprintf("No enabled payment profile serves %s payments in %s in this mode; add one (POST /api/v1/payment-profiles).", method, currency)}
}

// connections caches the provider of each profile; a change of the profile (UpdatedAt) replaces it.
type connections struct {
	mu        sync.Mutex
	byProfile map[string]connection
}

type connection struct {
	updatedAt time.Time
	prov      provider.Provider
}

// Connectors builds the provider of a profile from its credentials for every connector this binary has but the
// sandbox (PaymentOptions.Connect's default).
func Connectors(p merchant.PaymentProfile, c merchant.Credentials) (provider.Provider, error) {
	switch p.Connector {
	case merchant.ConnectorStripe:
		return stripe.New(stripe.Options{SecretKey: c.SecretKey, APIBaseURL: p.APIBaseURL}), nil
	}
	return nil, fmt.Errorf("gateway: no connector %q", p.Connector)
}

// connect returns the provider serving a profile: the sandbox for sandbox profiles, PaymentOptions.Connect for the
// others, with the profile's credentials.
func (g *Gateway) connect(p merchant.PaymentProfile) (provider.Provider, error) {
	if p.Connector == merchant.ConnectorSandbox {
		if p.Livemode || g.payments.Provider == nil {
			return nil, errPaymentsNotConfigured("card", "any currency")
		}
		return g.payments.Provider, nil
	}
	if g.payments.Connect == nil {
		return nil, &Error{Kind: KindUnprocessable, Code: "payments_not_configured",
			Message: fmt.Sprintf("This instance has no %s connector.", p.Connector)}
	}
	g.conns.mu.Lock()
	defer g.conns.mu.Unlock()
	if c, ok := g.conns.byProfile[p.ID]; ok && c.updatedAt.Equal(p.UpdatedAt) {
		return c.prov, nil
	}
	creds, err := g.profileCredentials(p)
	if err != nil {
		return nil, err
	}
	prov, err := g.payments.Connect(p, creds)
	if err != nil {
		return nil, fmt.Errorf("gateway: connect profile %s: %w", p.ID, err)
	}
	if g.conns.byProfile == nil {
		g.conns.byProfile = map[string]connection{}
	}
	g.conns.byProfile[p.ID] = connection{updatedAt: p.UpdatedAt, prov: prov}
	return prov, nil
}

// routesFor returns the profiles to try for a payment, in order: the routing rules' choice, else the default
// profile; disabled profiles, those that do not serve the method and currency, and hosted-page profiles (which
// take no card data from Kassa, sessions_hosted.go) are left out.
func (g *Gateway) routesFor(ctx context.Context, q store.Queries, merchantID string, livemode bool, r provider.Route) ([]route, error) {
	if g.payments.Vault == nil {
		return nil, errPaymentsNotConfigured(r.Method, r.Currency)
	}
	profiles, err := g.profilesOf(ctx, q, merchant.Merchant{ID: merchantID}, livemode) // routing reads no dates
	if err != nil {
		return nil, err
	}
	chosen, err := g.selectProfiles(ctx, q, profiles, merchantID, livemode, r, func(p merchant.PaymentProfile) bool { return !p.HostedPage })
	if err != nil {
		return nil, err
	}
	var out []route
	for _, p := range chosen {
		prov, err := g.connect(p)
		if err != nil {
			var ge *Error
			if errors.As(err, &ge) {
				continue // a connector this instance lacks is not a route
			}
			return nil, err
		}
		out = append(out, route{profile: p, prov: prov})
	}
	if len(out) == 0 {
		return nil, errPaymentsNotConfigured(r.Method, r.Currency)
	}
	return out, nil
}

// selectProfiles returns the enabled profiles among the merchant's (profiles) that use accepts and that serve the
// payment, in the order the routing rules choose them, else the default one: the oldest such profile.
func (g *Gateway) selectProfiles(ctx context.Context, q store.Queries, profiles []merchant.PaymentProfile, merchantID string, livemode bool, r provider.Route, use func(merchant.PaymentProfile) bool) ([]merchant.PaymentProfile, error) {
	rules, err := q.GetRoutingRules(ctx, merchantID, livemode)
	if err != nil {
		return nil, err
	}
	serves := func(p merchant.PaymentProfile) bool { return p.Serves(r.Method, r.Currency) && use(p) }
	def := ""
	for _, p := range profiles {
		if serves(p) {
			def = p.ID
			break
		}
	}
	var out []merchant.PaymentProfile
	for _, pid := range provider.Select(rules.Rules, r, def) {
		for _, p := range profiles {
			if p.ID == pid && serves(p) {
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// cardRoute describes a card payment for routing.
func cardRoute(amount int64, currency string, card vault.Card) provider.Route {
	bin := card.Number
	if len(bin) > 8 {
		bin = bin[:8]
	}
	return provider.Route{Method: string(payment.MethodCard), Currency: currency, Amount: amount,
		Brand: string(vault.DetectBrand(card.Number)), BIN: bin}
}

// takePaymentsWith puts a payment on its first route.
func takePaymentsWith(p *payment.Payment, r route) {
	p.Provider, p.ProfileID = r.prov.Name(), r.profile.ID
}

// providerOf returns the provider of the profile a payment went to, for its follow-ups (captures, voids, refunds,
// recovery): a disabled profile still serves the payments it took.
func (g *Gateway) providerOf(ctx context.Context, q store.Queries, p payment.Payment) (provider.Provider, error) {
	if p.ProfileID == "" || p.ProfileID == SandboxProfileID && !p.Livemode {
		// The built-in sandbox (and payments made before profiles existed).
		if p.Livemode || g.payments.Provider == nil {
			return nil, errPaymentsNotConfigured(string(p.Method), p.Currency)
		}
		return g.payments.Provider, nil
	}
	prof, err := q.GetPaymentProfile(ctx, p.MerchantID, p.Livemode, p.ProfileID)
	if err != nil {
		return nil, fmt.Errorf("gateway: the profile %s of %s: %w", p.ProfileID, p.ID, err)
	}
	return g.connect(prof)
}

// chargeKey is the idempotency key of a payment's charge (sale or authorization) on the profile it is being tried
// on: each fallback attempt gets its own key, and a recovery recomputes the same one from the payment.
func chargeKey(p payment.Payment, op provider.Operation) string {
	key := p.ID + ":" + string(op)
	if p.ProfileID != "" && p.ProfileID != SandboxProfileID {
		key += "@" + p.ProfileID
	}
	return key
}

// fallBack records a definitive failure of the profile a payment was tried on (its own transaction row) and moves
// the payment to the next route, in one transaction, before the next call: a crash in between leaves the payment
// on the next route, which recovery asks with that route's key. moved is false when the payment was settled
// meanwhile (by recovery), and the caller stops.
func (g *Gateway) fallBack(ctx context.Context, p *payment.Payment, res provider.Result, next route) (moved bool, err error) {
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		cur, err := tx.LockPayment(ctx, p.ID)
		if err != nil {
			return err
		}
		if cur.Status != payment.StatusPending || cur.ProfileID != p.ProfileID {
			return nil
		}
		now := g.Now()
		if err := tx.InsertTransaction(ctx, providerTransaction(cur, payment.TransactionType(cardOperation(cur)), cur.Amount, res, now)); err != nil {
			return err
		}
		takePaymentsWith(&cur, next)
		cur.UpdatedAt = now
		if err := tx.UpdatePayment(ctx, cur); err != nil {
			return err
		}
		*p, moved = cur, true
		return nil
	})
	if moved {
		g.log.WarnContext(ctx, "payment profile failed before taking the payment; trying the next one",
			"payment_id", p.ID, "next_profile_id", next.profile.ID, "response_code", res.ResponseCode)
	}
	return moved, err
}
