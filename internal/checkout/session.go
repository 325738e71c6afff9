package checkout

import (
	"encoding/json"
	"time"
)

// Customer is what the merchant tells Kassa about the payer, to pre-fill the hosted page and the receipt.
type Customer struct {
	Email string
	Name  string
	Phone string // E.164
}

// Session is a checkout session or a payment link.
type Session struct {
	ID                string // "cs_…" or "pl_…"
	Kind              Kind
	MerchantID        string
	Livemode          bool
	ExternalOrderID   string
	ExternalInvoiceID string
	WebsiteKey        string
	Amount            int64 // minor units of Currency
	Currency          string
	Description       string
	SuccessURL        string
	CancelURL         string
	// WebhookEndpointID is the endpoint registered for (or matched to) the webhook_url given at creation.
	WebhookEndpointID string
	Customer          Customer
	// Metadata is the merchant's free-form JSON object; keys starting with "_" never leave Kassa.
	Metadata       json.RawMessage
	Status         Status
	FailedAttempts int
	// PaymentID is the payment that paid the session, once one did.
	PaymentID       string
	IdempotencyKey  string
	IdempotencyHash string
	// Provider, ProviderTransactionID and the failure fields describe the latest payment attempt.
	Provider              string
	ProviderTransactionID string
	FailureCode           string
	FailureMessage        string
	// ProviderCheckoutURL is the routed provider's own hosted page, when it has one; the hosted page redirects there.
	ProviderCheckoutURL string
	// ProfileID is the payment profile whose processor-hosted page takes the session's payment ("" when Kassa's
	// own page does); ProviderSessionID is the processor's id of that page, once it was opened.
	ProfileID         string
	ProviderSessionID string
	ExpiresAt         time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Prefix is the id prefix of the kind.
func (k Kind) Prefix() string {
	switch k {
	case KindLink:
		return "pl_"
	case KindIntent:
		return "pi_"
	}
	return "cs_"
}

// Expired reports whether the session's time is up at now.
func (s Session) Expired(now time.Time) bool { return !now.Before(s.ExpiresAt) }
