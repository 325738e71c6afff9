package checkout

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"time"
)

// IntentTTL is how long a payment intent can be confirmed (document 002: one hour).
const IntentTTL = time.Hour

// IntentStatus is where a payment intent stands.
type IntentStatus string

const (
	// IntentCreated: nobody has confirmed it yet.
	IntentCreated IntentStatus = "created"
	// IntentProcessing: a confirm is at the provider; another confirm waits for its outcome (409).
	IntentProcessing IntentStatus = "processing"
	// IntentAuthorized: confirmed with manual capture; the merchant captures through the payment's capture
	// endpoint, which moves the intent to captured.
	IntentAuthorized IntentStatus = "authorized"
	// IntentCaptured: confirmed and paid (automatic capture). Final.
	IntentCaptured IntentStatus = "captured"
	// IntentCanceled: the merchant canceled it before it was paid, or voided its authorization. Final.
	IntentCanceled IntentStatus = "canceled"
	// IntentExpired: the hour ran out before it was paid, or its authorization lapsed uncaptured. Final.
	IntentExpired IntentStatus = "expired"
	// IntentFailed: the last confirm was declined. The customer may try again until the hour ends or
	// MaxFailedAttempts attempts failed, when it locks for good (410 max_attempts_reached).
	IntentFailed IntentStatus = "failed"
)

var intentTransitions = map[IntentStatus][]IntentStatus{
	IntentCreated:    {IntentProcessing, IntentFailed, IntentCanceled, IntentExpired},
	IntentProcessing: {IntentAuthorized, IntentCaptured, IntentFailed},
	IntentFailed:     {IntentProcessing, IntentFailed, IntentCanceled, IntentExpired},
	IntentAuthorized: {IntentCaptured, IntentCanceled, IntentExpired}, // its payment captured, voided or expired
}

// CanTransition reports whether an intent may move from s to to.
func (s IntentStatus) CanTransition(to IntentStatus) bool {
	for _, t := range intentTransitions[s] {
		if t == to {
			return true
		}
	}
	return false
}

// Open reports whether an intent in s can still be confirmed or canceled.
func (s IntentStatus) Open() bool { return s == IntentCreated || s == IntentFailed }

// Intent is a payment intent ("pi_…"): an amount the merchant's server prepares and the customer's browser confirms
// with the intent's client secret, on the hosted page or the merchant's own form.
type Intent struct {
	ID              string
	MerchantID      string
	Livemode        bool
	Status          IntentStatus
	Amount          int64
	Currency        string
	CaptureMethod   string // automatic or manual
	Description     string
	ExternalOrderID string
	SuccessURL      string
	CancelURL       string
	CustomerEmail   string
	Metadata        json.RawMessage
	// ClientSecretHash is the SHA-256 of the client secret, which exists in clear only in the create response.
	ClientSecretHash string
	FailedAttempts   int
	// PaymentID is the latest confirm's payment.
	PaymentID      string
	FailureCode    string
	FailureMessage string
	ExpiresAt      time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Expired reports whether the intent's hour is up at now.
func (pi Intent) Expired(now time.Time) bool { return !now.Before(pi.ExpiresAt) }

// Locked reports whether the intent took MaxFailedAttempts declines.
func (pi Intent) Locked() bool { return pi.FailedAttempts >= MaxFailedAttempts }

// RemainingAttempts is how many more declined confirms the intent takes.
func (pi Intent) RemainingAttempts() int { return max(MaxFailedAttempts-pi.FailedAttempts, 0) }

// HashClientSecret is how a client secret is stored.
func HashClientSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// SecretMatches compares a presented client secret with the stored hash in constant time.
func (pi Intent) SecretMatches(secret string) bool {
	if secret == "" || pi.ClientSecretHash == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(HashClientSecret(secret)), []byte(pi.ClientSecretHash)) == 1
}
