package gateway

import (
	"time"

	"github.com/kassapay/kassa/internal/payment"
)

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
