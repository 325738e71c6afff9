// Package wallet is the shopper's side of Kassa (DESIGN §15): one identity per verified e-mail across every
// merchant of the instance, cards saved to it, each merchant's consent to charge them, and the one-time codes that
// prove the e-mail. It holds the rules; the store keeps the rows and the gateway runs the flows.
package wallet

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/customer"
	"github.com/kassapay/kassa/internal/vault"
)

// The one-time code rules (DESIGN §15 and the wallet issue): 6 digits, valid 10 minutes, 5 tries, at most 3 codes
// per e-mail and CodesPerIP per client IP in any CodeWindow.
const (
	CodeDigits   = 6
	CodeTTL      = 10 * time.Minute
	CodeTries    = 5
	CodeWindow   = 10 * time.Minute
	CodesPerMail = 3
	CodesPerIP   = 10
	// SessionTTL is how long a signed-in shopper stays signed in (the portal, or a checkout after its code).
	SessionTTL = 30 * time.Minute
)

// Shopper is a person who pays at merchants of this instance, keyed by a verified e-mail.
type Shopper struct {
	ID        string // shp_…
	Email     string // normalized (NormalizeEmail)
	Phone     string // E.164 or empty
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Card is a card saved to a shopper: its display data, fingerprint and sealed number; never a CVV.
type Card struct {
	ID        string // pm_…
	ShopperID string
	Livemode  bool
	Sealed    vault.Sealed
	CreatedAt time.Time
	RemovedAt *time.Time
}

// Consent is a shopper's permission for one merchant to charge one saved card.
type Consent struct {
	PaymentMethodID string
	MerchantID      string
	GrantedAt       time.Time
	ClientIP        string
	RevokedAt       *time.Time
}

// Code is a one-time code as stored: a keyed MAC of the digits, never the digits.
type Code struct {
	ID        string // wc_…
	Email     string
	MAC       string
	ClientIP  string
	Attempts  int
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// Session is a signed-in shopper, found by the SHA-256 of its token.
type Session struct {
	TokenHash string
	ShopperID string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// ErrEmail is returned by NormalizeEmail for an address it cannot use.
var ErrEmail = errors.New("not an e-mail address")

// NormalizeEmail returns the address a shopper is keyed by: a bare address as customer.ValidEmail accepts it (no
// display name, comment or group), with a dot in its domain, trimmed and lower-cased (mailboxes that tell case apart
// are vanishingly rare, and two shoppers for one person would be worse).
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	at := strings.LastIndexByte(s, '@')
	if !customer.ValidEmail(s) || at <= 0 || !strings.Contains(s[at+1:], ".") {
		return "", ErrEmail
	}
	return strings.ToLower(s), nil
}

// NewCode returns CodeDigits random decimal digits from crypto/rand.
func NewCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic("wallet: crypto/rand failed: " + err.Error()) // crypto/rand never fails on supported platforms
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// CodeInput is the MAC input of a code: bound to its own id, so one MAC says nothing about another code.
func CodeInput(codeID, digits string) []byte { return []byte(codeID + ":" + digits) }

// Usable reports whether a code may still be tried at now: not used, not expired, tries left.
func (c Code) Usable(now time.Time) bool {
	return c.UsedAt == nil && now.Before(c.ExpiresAt) && c.Attempts < CodeTries
}
