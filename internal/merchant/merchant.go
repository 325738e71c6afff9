// Package merchant owns merchants, their API keys, their dashboard users and their settings (allowed checkout
// origins, rate limits).
package merchant

import (
	"errors"
	"time"

	"github.com/kassapay/kassa/internal/field"
)

// Status says whether a merchant may use the API.
type Status string

const (
	// StatusActive merchants can use every key they hold. New merchants start here.
	StatusActive Status = "active"
	// StatusInactive merchants are suspended by an operator: their keys authenticate but every request gets 403
	// merchant_inactive, so the merchant learns why instead of seeing "invalid key".
	StatusInactive Status = "inactive"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == StatusActive || s == StatusInactive }

// Merchant is an account that takes payments through Kassa.
type Merchant struct {
	ID     string
	Name   string
	Email  string
	Status Status
	// CheckoutAllowedOrigins are normalized origins (scheme://host[:port]) that success/cancel URLs and embedding
	// parents must match. Empty means "any https origin".
	CheckoutAllowedOrigins []string
	// RateLimits overrides the instance defaults for this merchant; zero fields mean "use the default".
	RateLimits RateLimits
	// SandboxProviderPage sends test-mode checkout sessions through the sandbox provider's own hosted page
	// (provider_checkout_url), to rehearse the redirect flow some processors require.
	SandboxProviderPage bool
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// RateLimits are per-merchant request limits (docs/architecture.md §6). A zero field means the instance default
// applies.
type RateLimits struct {
	WritePerSecond int `json:"write_per_second,omitempty"`
	WritePerHour   int `json:"write_per_hour,omitempty"`
	ReadPerSecond  int `json:"read_per_second,omitempty"`
}

// Or returns r with every zero field taken from def.
func (r RateLimits) Or(def RateLimits) RateLimits {
	if r.WritePerSecond == 0 {
		r.WritePerSecond = def.WritePerSecond
	}
	if r.WritePerHour == 0 {
		r.WritePerHour = def.WritePerHour
	}
	if r.ReadPerSecond == 0 {
		r.ReadPerSecond = def.ReadPerSecond
	}
	return r
}

// Validate rejects negative or absurd limits.
func (r RateLimits) Validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"write_per_second", r.WritePerSecond}, {"write_per_hour", r.WritePerHour}, {"read_per_second", r.ReadPerSecond}} {
		if f.v < 0 || f.v > 1_000_000_000 {
			return &field.Error{Field: "rate_limits." + f.name, Err: ErrInvalidRateLimit}
		}
	}
	return nil
}

// Errors returned by this package; wrapped in *field.Error when a request field is at fault.
var (
	ErrInvalidOrigin    = errors.New("must be an origin: http(s)://host[:port] without path, query or credentials")
	ErrInvalidRateLimit = errors.New("must be between 0 and 1000000000")
	ErrInvalidName      = errors.New("must be 1 to 200 characters")
	ErrInvalidEmail     = errors.New("must be an email address")
	ErrTooManyOrigins   = errors.New("at most 50 origins")
)
