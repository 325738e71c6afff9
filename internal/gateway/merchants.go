package gateway

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/store"
)

// IssuedKey is a newly made key together with its plaintext, which exists only in this value: show it once.
type IssuedKey struct {
	merchant.APIKey
	Secret string
}

// Credentials are everything made for a new merchant, secrets included; shown once.
type Credentials struct {
	Merchant          merchant.Merchant
	Keys              []IssuedKey
	DashboardEmail    string
	DashboardPassword string
}

// NewMerchant is the input of CreateMerchant.
type NewMerchant struct {
	Name  string
	Email string
	// Live also issues live-mode keys (only when live mode is available).
	Live bool
	// DashboardPassword for the merchant's first dashboard user; generated when empty.
	DashboardPassword string
}

// CreateMerchant makes a merchant with test keys (and live keys on request) and a dashboard user.
func (g *Gateway) CreateMerchant(ctx context.Context, in NewMerchant) (Credentials, error) {
	var creds Credentials
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		creds, err = g.createMerchant(ctx, tx, "", in)
		return err
	})
	return creds, err
}

// createMerchant inserts the merchant under merchantID, or a new id when it is empty.
func (g *Gateway) createMerchant(ctx context.Context, tx store.Tx, merchantID string, in NewMerchant) (Credentials, error) {
	in.maskCardNumbers()
	if err := merchant.ValidateName("name", in.Name); err != nil {
		return Credentials{}, fieldError(err)
	}
	if err := merchant.ValidateEmail("email", in.Email); err != nil {
		return Credentials{}, fieldError(err)
	}
	if in.Live && !g.live {
		return Credentials{}, &Error{Kind: KindForbidden, Code: "live_mode_unavailable",
			Message: "Live keys need KASSA_MASTER_KEY to be configured."}
	}
	now := g.Now()
	if merchantID == "" {
		merchantID = id.New("mer_", now)
	}
	m := merchant.Merchant{
		ID: merchantID, Name: strings.TrimSpace(in.Name), Email: in.Email, Status: merchant.StatusActive,
		CheckoutAllowedOrigins: []string{}, CreatedAt: now, UpdatedAt: now,
	}
	if err := tx.InsertMerchant(ctx, m); err != nil {
		return Credentials{}, err
	}
	creds := Credentials{Merchant: m}
	modes := []bool{false}
	if in.Live {
		modes = append(modes, true)
	}
	for _, live := range modes {
		for _, kind := range []merchant.KeyKind{merchant.KeySecret, merchant.KeyPublishable} {
			k, plain, hash := merchant.NewKey(m.ID, kind, live, now)
			if err := tx.InsertAPIKey(ctx, k, hash); err != nil {
				return Credentials{}, err
			}
			creds.Keys = append(creds.Keys, IssuedKey{APIKey: k, Secret: plain})
		}
	}
	password := in.DashboardPassword
	if password == "" {
		password = id.Random(20)
	}
	u := merchant.User{
		ID: id.New("usr_", now), MerchantID: m.ID, Email: in.Email, PasswordHash: merchant.HashPassword(password),
		Role: merchant.RoleMerchant, CreatedAt: now,
	}
	if err := tx.InsertUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return Credentials{}, InvalidParam("email", "email_taken", "A dashboard user with this email already exists.")
		}
		return Credentials{}, err
	}
	creds.DashboardEmail, creds.DashboardPassword = u.Email, password
	return creds, nil
}

// SandboxSettingKey records which merchant the first start created.
const SandboxSettingKey = "sandbox_merchant_id"

// Bootstrap creates the sandbox merchant on the very first start of an instance and returns its credentials. On
// every later start (or when another instance sharing the database got there first) it returns nil and the
// existing sandbox merchant's id.
func (g *Gateway) Bootstrap(ctx context.Context) (*Credentials, string, error) {
	var creds *Credentials
	var merchantID string
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		now := g.Now()
		candidate := id.New("mer_", now)
		// The setting row is the claim: of several instances starting together, one inserts it; the others'
		// inserts wait on its lock and then find it taken.
		inserted, err := tx.InsertInstanceSetting(ctx, SandboxSettingKey, candidate, now)
		if err != nil {
			return err
		}
		if !inserted {
			merchantID, err = tx.GetInstanceSetting(ctx, SandboxSettingKey)
			return err
		}
		c, err := g.createMerchant(ctx, tx, candidate, NewMerchant{Name: "Sandbox Shop", Email: "owner@sandbox.kassa.test"})
		if err != nil {
			return err
		}
		creds, merchantID = &c, c.Merchant.ID
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("gateway: first-start setup: %w", err)
	}
	return creds, merchantID, nil
}

// RollKey issues a new key of the kind and mode and makes the merchant's current keys of that kind and mode stop
// working after grace (0 = immediately).
func (g *Gateway) RollKey(ctx context.Context, merchantID string, kind merchant.KeyKind, livemode bool, grace time.Duration) (IssuedKey, error) {
	if grace < 0 || grace > 7*24*time.Hour {
		return IssuedKey{}, InvalidParam("grace_period", "invalid_grace_period", "The grace period must be between 0 and 7 days.")
	}
	if kind != merchant.KeySecret && kind != merchant.KeyPublishable {
		return IssuedKey{}, InvalidParam("kind", "invalid_key_kind", "The key kind must be secret or publishable.")
	}
	if livemode && !g.live {
		return IssuedKey{}, &Error{Kind: KindForbidden, Code: "live_mode_unavailable", Message: "Live keys need KASSA_MASTER_KEY to be configured."}
	}
	var issued IssuedKey
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.LockMerchant(ctx, merchantID); err != nil {
			return notFoundAs(err, "merchant", merchantID)
		}
		now := g.Now()
		if _, err := tx.ExpireAPIKeys(ctx, merchantID, kind, livemode, now.Add(grace)); err != nil {
			return err
		}
		k, plain, hash := merchant.NewKey(merchantID, kind, livemode, now)
		if err := tx.InsertAPIKey(ctx, k, hash); err != nil {
			return err
		}
		issued = IssuedKey{APIKey: k, Secret: plain}
		return nil
	})
	return issued, err
}

// RevokeKey stops a key of a merchant at once, in either mode (the operator's CLI).
func (g *Gateway) RevokeKey(ctx context.Context, merchantID, keyID string) error {
	return notFoundAs(g.store.RevokeAPIKey(ctx, merchantID, keyID, g.Now()), "api key", keyID)
}

// RevokeKeyOfMode stops a key at once when it belongs to the caller's merchant and mode: a test-mode session
// cannot revoke a live key (not found).
func (g *Gateway) RevokeKeyOfMode(ctx context.Context, a Auth, keyID string) error {
	return notFoundAs(g.store.RevokeAPIKeyOfMode(ctx, a.Merchant.ID, a.Livemode(), keyID, g.Now()), "api key", keyID)
}

// ListKeys returns a merchant's keys (never their secrets).
func (g *Gateway) ListKeys(ctx context.Context, merchantID string) ([]merchant.APIKey, error) {
	return g.store.ListAPIKeys(ctx, merchantID)
}

// GetMerchant returns a merchant.
func (g *Gateway) GetMerchant(ctx context.Context, merchantID string) (merchant.Merchant, error) {
	m, err := g.store.GetMerchant(ctx, merchantID)
	return m, notFoundAs(err, "merchant", merchantID)
}

// ListMerchants returns every merchant (operators).
func (g *Gateway) ListMerchants(ctx context.Context) ([]merchant.Merchant, error) {
	return g.store.ListMerchants(ctx)
}

// MerchantPatch changes a merchant's settings; nil fields stay as they are.
type MerchantPatch struct {
	Name                   *string
	Email                  *string
	CheckoutAllowedOrigins *[]string
	// SandboxProviderPage routes test-mode sessions through the sandbox provider's hosted page.
	SandboxProviderPage *bool
	// RateLimits and Status are operator settings (CLI, operator dashboard); the merchant API does not set them.
	RateLimits *merchant.RateLimits
	Status     *merchant.Status
}

// UpdateMerchant applies a patch under the merchant's row lock. Origins are normalized; the first invalid one is
// named in the error.
func (g *Gateway) UpdateMerchant(ctx context.Context, merchantID string, p MerchantPatch) (merchant.Merchant, error) {
	p.maskCardNumbers()
	var origins []string
	if p.CheckoutAllowedOrigins != nil {
		var err error
		if origins, err = merchant.NormalizeOrigins(*p.CheckoutAllowedOrigins); err != nil {
			return merchant.Merchant{}, fieldError(err)
		}
	}
	if p.Name != nil {
		if err := merchant.ValidateName("name", *p.Name); err != nil {
			return merchant.Merchant{}, fieldError(err)
		}
	}
	if p.Email != nil {
		if err := merchant.ValidateEmail("email", *p.Email); err != nil {
			return merchant.Merchant{}, fieldError(err)
		}
	}
	if p.RateLimits != nil {
		if err := p.RateLimits.Validate(); err != nil {
			return merchant.Merchant{}, fieldError(err)
		}
	}
	if p.Status != nil && !p.Status.Valid() {
		return merchant.Merchant{}, InvalidParam("status", "invalid_status", "The status must be active or inactive.")
	}
	var m merchant.Merchant
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if m, err = tx.LockMerchant(ctx, merchantID); err != nil {
			return notFoundAs(err, "merchant", merchantID)
		}
		if p.Name != nil {
			m.Name = strings.TrimSpace(*p.Name)
		}
		if p.Email != nil {
			m.Email = *p.Email
		}
		if p.CheckoutAllowedOrigins != nil {
			m.CheckoutAllowedOrigins = origins
		}
		if p.RateLimits != nil {
			m.RateLimits = *p.RateLimits
		}
		if p.Status != nil {
			m.Status = *p.Status
		}
		if p.SandboxProviderPage != nil {
			m.SandboxProviderPage = *p.SandboxProviderPage
		}
		m.UpdatedAt = g.Now()
		return tx.UpdateMerchant(ctx, m)
	})
	return m, err
}

// GetProfile returns a merchant's profile (time zone, branding); a merchant that never saved one gets the zero
// profile (UTC, no branding).
func (g *Gateway) GetProfile(ctx context.Context, merchantID string) (merchant.Profile, error) {
	p, err := g.store.GetMerchantProfile(ctx, merchantID)
	if errors.Is(err, store.ErrNotFound) {
		return merchant.Profile{MerchantID: merchantID}, nil
	}
	return p, err
}

// UpdateProfile validates and saves a merchant's profile.
func (g *Gateway) UpdateProfile(ctx context.Context, a Auth, p merchant.Profile) (merchant.Profile, error) {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return p, fieldError(err)
	}
	p.MerchantID, p.UpdatedAt = a.Merchant.ID, g.Now()
	return p, g.store.SaveMerchantProfile(ctx, p)
}
