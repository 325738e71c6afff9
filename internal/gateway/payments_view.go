package gateway

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/payment"
)

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
	ProfileID             *string         `json:"profile_id" doc:"The payment profile that took the payment (null for payments made before profiles)."`
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
		Provider: p.Provider, ProfileID: optional(p.ProfileID), ProviderTransactionID: optional(p.ProviderTransactionID), FailureCode: optional(p.FailureCode),
		FailureMessage: optional(p.FailureMessage), DeclineCode: optional(p.DeclineCode), CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
		CardPaymentFields: cardPaymentFields(p),
	}
}

// CardPaymentFields are the parts of a payment's API view that the direct card API added: the issuer's answer,
// the authorization's lifetime, the capture or void, and the fraud assessment.
type CardPaymentFields struct {
	AmountRefundable int64                 `json:"amount_refundable" doc:"Captured minus refunded (and refunds in flight)."`
	AuthCode         *string               `json:"auth_code"`
	ResponseCode     *string               `json:"response_code" doc:"The issuer's response code: 00 approved, 05, 51, 54, N7, 96, TIMEOUT, …"`
	ResponseMessage  *string               `json:"response_message"`
	TransactionID    *string               `json:"transaction_id" doc:"The latest transaction of this payment."`
	FraudScore       *int                  `json:"fraud_score" doc:"0–100; null when the payment was not scored."`
	FraudDecision    *string               `json:"fraud_decision" enum:"approve,review,decline" doc:"review: authorized but flagged for a human look."`
	FraudReasons     []payment.FraudReason `json:"fraud_reasons" doc:"The rules that contributed to the score, with their points."`
	AuthorizedAt     *time.Time            `json:"authorized_at"`
	ExpiresAt        *time.Time            `json:"expires_at" doc:"Authorizations: captured by then or voided by the expiry job (7 days)."`
	CapturedAt       *time.Time            `json:"captured_at"`
	VoidedAt         *time.Time            `json:"voided_at" doc:"When it was voided or expired."`
	VoidReason       *string               `json:"void_reason"`
	OperationPending *string               `json:"operation_pending" enum:"capture,void,expire" doc:"A capture, void or expiry sent to the provider and not yet answered."`
}

func cardPaymentFields(p payment.Payment) CardPaymentFields {
	f := CardPaymentFields{
		AmountRefundable: max(p.Amounts().Refundable(), 0), AuthCode: optional(p.AuthCode), ResponseCode: optional(p.ResponseCode),
		ResponseMessage: optional(p.ResponseMessage), TransactionID: optional(p.LastTransactionID),
		FraudReasons: p.Fraud.Reasons, AuthorizedAt: p.AuthorizedAt, ExpiresAt: p.ExpiresAt, CapturedAt: p.CapturedAt,
		VoidedAt: p.VoidedAt, VoidReason: optional(p.VoidReason), OperationPending: optional(string(p.Operation)),
	}
	if p.Fraud.Decision != "" {
		score := p.Fraud.Score
		f.FraudScore, f.FraudDecision = &score, &p.Fraud.Decision
	}
	if f.FraudReasons == nil {
		f.FraudReasons = []payment.FraudReason{}
	}
	return f
}

// PaymentStatusObject is what the browser may see of a payment while it waits: no customer or card data.
type PaymentStatusObject struct {
	Object           string  `json:"object" enum:"payment_status"`
	ID               string  `json:"id"`
	Status           string  `json:"status" enum:"pending,authorized,captured,partially_refunded,refunded,voided,expired,failed"`
	Method           string  `json:"method" enum:"card,upi,crypto"`
	Amount           int64   `json:"amount"`
	Currency         string  `json:"currency"`
	OrderID          *string `json:"order_id"`
	ErrorCode        *string `json:"error_code" doc:"Why the payment failed (a decline code such as do_not_honor or upi_debit_failed)."`
	ErrorDescription *string `json:"error_description"`
}

// PaymentStatusView renders the browser-safe status of a payment.
func PaymentStatusView(p payment.Payment) PaymentStatusObject {
	var orderID *string
	if p.SourceKind == sourceOrder {
		orderID = optional(p.SourceID)
	}
	return PaymentStatusObject{
		Object: "payment_status", ID: p.ID, Status: string(p.Status), Method: string(p.Method), Amount: p.Amount,
		Currency: p.Currency, OrderID: orderID, ErrorCode: optional(firstNonEmpty(p.DeclineCode, p.FailureCode)),
		ErrorDescription: optional(p.FailureMessage),
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

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
