package gateway

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/webhook"
)

// The API representations of webhook objects. They live here, not in the HTTP layer, because events carry the
// affected object exactly as the API returns it, and the gateway records events.

// EndpointObject is a webhook endpoint as the API shows it. The secret appears only in the responses that create or
// rotate it.
type EndpointObject struct {
	Object                  string     `json:"object" enum:"webhook_endpoint"`
	ID                      string     `json:"id"`
	Livemode                bool       `json:"livemode"`
	URL                     string     `json:"url"`
	Description             string     `json:"description"`
	EnabledEvents           []string   `json:"enabled_events"`
	APIVersion              string     `json:"api_version"`
	Status                  string     `json:"status" enum:"enabled,disabled"`
	DisabledReason          string     `json:"disabled_reason,omitempty"`
	SecretHint              string     `json:"secret_hint" doc:"The last 4 characters of the signing secret."`
	Secret                  string     `json:"secret,omitempty" doc:"The signing secret (whsec_…); only in the response that creates or rotates it."`
	PreviousSecretExpiresAt *time.Time `json:"previous_secret_expires_at,omitempty" doc:"Until then the previous secret also signs deliveries."`
	FailingSince            *time.Time `json:"failing_since,omitempty" doc:"Start of the current run of failed deliveries; endpoints failing for 5 days are disabled."`
	CreatedAt               time.Time  `json:"created_at"`
	UpdatedAt               time.Time  `json:"updated_at"`
	Deleted                 bool       `json:"deleted,omitempty"`
}

// EndpointView renders an endpoint (without its secret).
func EndpointView(ep webhook.Endpoint) EndpointObject {
	events := ep.EnabledEvents
	if events == nil {
		events = []string{}
	}
	return EndpointObject{
		Object: "webhook_endpoint", ID: ep.ID, Livemode: ep.Livemode, URL: ep.URL, Description: ep.Description,
		EnabledEvents: events, APIVersion: ep.APIVersion, Status: string(ep.Status), DisabledReason: ep.DisabledReason,
		SecretHint: ep.SecretHint, PreviousSecretExpiresAt: ep.PreviousSecretExpiresAt, FailingSince: ep.FailingSince,
		CreatedAt: ep.CreatedAt, UpdatedAt: ep.UpdatedAt, Deleted: ep.DeletedAt != nil,
	}
}

// SessionObject is a checkout session or payment link as the API (and its events) show it.
type SessionObject struct {
	Object              string          `json:"object" enum:"checkout.session,payment_link"`
	ID                  string          `json:"id"`
	Livemode            bool            `json:"livemode"`
	Status              string          `json:"status" enum:"created,pending,paid,failed,canceled,expired,partially_refunded,refunded"`
	URL                 string          `json:"checkout_url" doc:"Send the customer here: the hosted page (/checkout/{id} for sessions, /pay/{id} for links)."`
	LinkURL             string          `json:"url,omitempty" doc:"Payment links: the link to share, /pay/{id} (the same as checkout_url)."`
	ProviderCheckoutURL *string         `json:"provider_checkout_url" doc:"Set when the routed provider has its own hosted page; the hosted page redirects there by itself."`
	ExternalOrderID     string          `json:"external_order_id"`
	ExternalInvoiceID   *string         `json:"external_invoice_id"`
	WebsiteKey          *string         `json:"website_key"`
	Amount              int64           `json:"amount" doc:"Minor units of currency."`
	Currency            string          `json:"currency"`
	Description         string          `json:"description"`
	SuccessURL          string          `json:"success_url"`
	CancelURL           string          `json:"cancel_url"`
	WebhookEndpointID   *string         `json:"webhook_endpoint_id"`
	CustomerEmail       string          `json:"customer_email"`
	CustomerName        string          `json:"customer_name"`
	CustomerPhone       string          `json:"customer_phone"`
	Metadata            json.RawMessage `json:"metadata" doc:"Your object as sent, without keys starting with _."`
	FailedAttempts      int             `json:"failed_attempts"`
	Provider            *string         `json:"provider" doc:"The provider of the latest payment attempt."`
	ProviderTxnID       *string         `json:"provider_transaction_id"`
	FailureCode         *string         `json:"failure_code" doc:"Why the latest attempt failed, e.g. insufficient_funds."`
	FailureMessage      *string         `json:"failure_message"`
	PaymentID           *string         `json:"payment_id"`
	ExpiresAt           time.Time       `json:"expires_at"`
	CreatedAt           time.Time       `json:"created_at"`
	UpdatedAt           time.Time       `json:"updated_at"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// SessionURL is the hosted page of a session or link.
func (g *Gateway) SessionURL(s checkout.Session) string {
	if s.Kind == checkout.KindLink {
		return g.baseURL + "/pay/" + s.ID
	}
	return g.baseURL + "/checkout/" + s.ID
}

// SessionView renders a session or link.
func (g *Gateway) SessionView(s checkout.Session) SessionObject {
	object := "checkout.session"
	if s.Kind == checkout.KindLink {
		object = "payment_link"
	}
	linkURL := ""
	if s.Kind == checkout.KindLink {
		linkURL = g.SessionURL(s)
	}
	return SessionObject{
		Object: object, ID: s.ID, Livemode: s.Livemode, Status: string(s.Status), URL: g.SessionURL(s), LinkURL: linkURL,
		ProviderCheckoutURL: optional(s.ProviderCheckoutURL),
		ExternalOrderID:     s.ExternalOrderID, ExternalInvoiceID: optional(s.ExternalInvoiceID), WebsiteKey: optional(s.WebsiteKey),
		Amount: s.Amount, Currency: s.Currency, Description: s.Description, SuccessURL: s.SuccessURL, CancelURL: s.CancelURL,
		WebhookEndpointID: optional(s.WebhookEndpointID), CustomerEmail: s.Customer.Email, CustomerName: s.Customer.Name,
		CustomerPhone: s.Customer.Phone, Metadata: PublicMetadata(s.Metadata), FailedAttempts: s.FailedAttempts,
		Provider: optional(s.Provider), ProviderTxnID: optional(s.ProviderTransactionID), FailureCode: optional(s.FailureCode),
		FailureMessage: optional(s.FailureMessage),
		PaymentID:      optional(s.PaymentID), ExpiresAt: s.ExpiresAt, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
	}
}

// PublicMetadata drops the keys starting with "_" from a metadata object: they are Kassa's, never shown.
func PublicMetadata(raw json.RawMessage) json.RawMessage {
	var obj map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &obj) != nil {
		return json.RawMessage("{}")
	}
	hidden := false
	for k := range obj {
		if strings.HasPrefix(k, "_") {
			delete(obj, k)
			hidden = true
		}
	}
	if !hidden {
		return raw
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return json.RawMessage("{}")
	}
	return out
}

// PaymentObject is a payment as the API shows it: card display data only, never the number.
type PaymentObject struct {
	Object                string          `json:"object" enum:"payment"`
	ID                    string          `json:"id"`
	Livemode              bool            `json:"livemode"`
	Status                string          `json:"status" enum:"pending,authorized,captured,partially_refunded,refunded,voided,expired,failed"`
	Method                string          `json:"method" enum:"card,upi,crypto"`
	CaptureMethod         string          `json:"capture_method" enum:"automatic,manual"`
	Amount                int64           `json:"amount"`
	Currency              string          `json:"currency"`
	AmountCaptured        int64           `json:"amount_captured"`
	AmountRefunded        int64           `json:"amount_refunded"`
	Card                  *CardObject     `json:"card"`
	VPA                   *string         `json:"vpa" doc:"The payer's UPI address (UPI payments)."`
	CustomerEmail         string          `json:"customer_email"`
	CustomerName          string          `json:"customer_name"`
	Description           string          `json:"description"`
	Metadata              json.RawMessage `json:"metadata"`
	ExternalOrderID       string          `json:"external_order_id"`
	ExternalInvoiceID     *string         `json:"external_invoice_id"`
	Source                SourceObject    `json:"source" doc:"The front door the payment came from."`
	Provider              string          `json:"provider"`
	ProviderTransactionID *string         `json:"provider_transaction_id"`
	FailureCode           *string         `json:"failure_code"`
	FailureMessage        *string         `json:"failure_message"`
	DeclineCode           *string         `json:"decline_code"`
	CreatedAt             time.Time       `json:"created_at"`
	UpdatedAt             time.Time       `json:"updated_at"`
	CardPaymentFields
}

// CardObject is what the API shows of a card.
type CardObject struct {
	Brand    string `json:"brand"`
	First6   string `json:"first6"`
	Last4    string `json:"last4"`
	ExpMonth int    `json:"exp_month"`
	ExpYear  int    `json:"exp_year"`
}

// SourceObject names a payment's front door.
type SourceObject struct {
	Type string `json:"type" enum:"checkout_session,payment_link,payment_intent,order,direct"`
	ID   string `json:"id"`
}

// PaymentView renders a payment.
func PaymentView(p payment.Payment) PaymentObject {
	var card *CardObject
	if p.Card.Last4 != "" {
		card = &CardObject{Brand: p.Card.Brand, First6: p.Card.First6, Last4: p.Card.Last4, ExpMonth: p.Card.ExpMonth, ExpYear: p.Card.ExpYear}
	}
	return PaymentObject{
		Object: "payment", ID: p.ID, Livemode: p.Livemode, Status: string(p.Status), Method: string(p.Method),
		CaptureMethod: string(p.CaptureMethod), Amount: p.Amount, Currency: p.Currency, AmountCaptured: p.Captured,
		AmountRefunded: p.Refunded, Card: card, VPA: optional(p.VPA), CustomerEmail: p.CustomerEmail, CustomerName: p.CustomerName,
		Description: p.Description, Metadata: PublicMetadata(p.Metadata), ExternalOrderID: p.ExternalOrderID,
		ExternalInvoiceID: optional(p.ExternalInvoiceID), Source: SourceObject{Type: p.SourceKind, ID: p.SourceID},
		Provider: p.Provider, ProviderTransactionID: optional(p.ProviderTransactionID), FailureCode: optional(p.FailureCode),
		FailureMessage: optional(p.FailureMessage), DeclineCode: optional(p.DeclineCode), CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
		CardPaymentFields: cardPaymentFields(p),
	}
}

// TransactionObject is a transaction as the API shows it.
type TransactionObject struct {
	Object                string    `json:"object" enum:"transaction"`
	ID                    string    `json:"id"`
	Livemode              bool      `json:"livemode"`
	PaymentID             string    `json:"payment_id"`
	Type                  string    `json:"type" enum:"authorize,capture,sale,void,refund"`
	Status                string    `json:"status" enum:"succeeded,failed"`
	Amount                int64     `json:"amount"`
	Currency              string    `json:"currency"`
	Provider              string    `json:"provider"`
	ProviderTransactionID *string   `json:"provider_transaction_id"`
	AuthCode              *string   `json:"auth_code"`
	ResponseCode          string    `json:"response_code"`
	ResponseMessage       string    `json:"response_message"`
	CreatedAt             time.Time `json:"created_at"`
}

// TransactionView renders a transaction.
func TransactionView(t payment.Transaction) TransactionObject {
	return TransactionObject{
		Object: "transaction", ID: t.ID, Livemode: t.Livemode, PaymentID: t.PaymentID, Type: string(t.Type),
		Status: string(t.Status), Amount: t.Amount, Currency: t.Currency, Provider: t.Provider,
		ProviderTransactionID: optional(t.ProviderTransactionID), AuthCode: optional(t.AuthCode), ResponseCode: t.ResponseCode,
		ResponseMessage: t.ResponseMessage, CreatedAt: t.CreatedAt,
	}
}
