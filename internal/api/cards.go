package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/id"
)

// CardBody is card data as the merchant's server or the customer's browser sends it. It is vaulted, never echoed
// and never logged; the CVV goes to the provider call only.
type CardBody struct {
	Number         string `json:"number" maxLength:"30" doc:"The card number (spaces and dashes allowed)."`
	CardholderName string `json:"cardholder_name,omitempty" maxLength:"200"`
	ExpMonth       int    `json:"exp_month" doc:"1–12."`
	ExpYear        int    `json:"exp_year" doc:"Four digits (two are read as 20YY)."`
	CVV            string `json:"cvv" maxLength:"4"`
}

func (c CardBody) input() gateway.CardInput {
	return gateway.CardInput{Number: c.Number, ExpMonth: c.ExpMonth, ExpYear: c.ExpYear, CVV: c.CVV, Name: c.CardholderName}
}

// ChargeCardInput is the body of POST /api/v1/payments/authorize and /sale.
type ChargeCardInput struct {
	Body struct {
		Amount   int64    `json:"amount" doc:"Minor units of currency, at least 1."`
		Currency string   `json:"currency" minLength:"3" maxLength:"3" doc:"ISO 4217, upper case."`
		Card     CardBody `json:"card"`
		Customer *struct {
			Email string `json:"email,omitempty" maxLength:"254"`
			Name  string `json:"name,omitempty" maxLength:"200"`
		} `json:"customer,omitempty"`
		Description    string          `json:"description,omitempty" maxLength:"1000"`
		Metadata       json.RawMessage `json:"metadata,omitempty" doc:"Your JSON object (at most 8 KB); keys starting with _ are never shown."`
		ClientIP       string          `json:"client_ip,omitempty" maxLength:"64" doc:"The customer's IP address as your server saw it; feeds the fraud rules' velocity counts."`
		IdempotencyKey string          `json:"idempotency_key,omitempty" maxLength:"255" doc:"Same as the Idempotency-Key header."`
	}
}

var (
	authorizeOp = huma.Operation{OperationID: "authorize-payment", Method: http.MethodPost, Path: "/api/v1/payments/authorize",
		Tags: []string{"Card payments"}, Summary: "Authorize a card payment",
		Description: "Holds the amount on the card for 7 days (expires_at) without charging it; capture or void it later. The card " +
			"is vaulted and scored for fraud before the provider call. Declines: 402 card_error card_declined with decline_code " +
			"(do_not_honor, insufficient_funds, expired_card, incorrect_cvc, processing_error, fraudulent), response_code and payment_id. " +
			"Errors: invalid_amount, invalid_currency, invalid_card_number, expired_card, invalid_expiry_month, invalid_expiry_year, " +
			"invalid_cvc, parameter_invalid (400); idempotency_key_reused, idempotency_request_in_progress (409); rate_limited (429)."}
	saleOp = huma.Operation{OperationID: "sale-payment", Method: http.MethodPost, Path: "/api/v1/payments/sale",
		Tags: []string{"Card payments"}, Summary: "Charge a card (authorize and capture)",
		Description: "Authorizes and captures in one step. Same body, declines and errors as authorize."}
	captureOp = huma.Operation{OperationID: "capture-payment", Method: http.MethodPost, Path: "/api/v1/payments/{id}/capture",
		Tags: []string{"Card payments"}, Summary: "Capture an authorization",
		Description: "Captures all (amount omitted) or part of an authorization; the rest is released. Errors: invalid_amount, " +
			"capture_amount_exceeds_authorized (400); resource_missing (404); payment_already_captured, payment_already_voided, " +
			"payment_not_authorized, payment_operation_in_progress (409); authorization_expired (410); capture_failed (402)."}
	voidOp = huma.Operation{OperationID: "void-payment", Method: http.MethodPost, Path: "/api/v1/payments/{id}/void",
		Tags: []string{"Card payments"}, Summary: "Void an authorization",
		Description: "Releases the hold before capture. reason is required. Errors: parameter_missing (400); resource_missing (404); " +
			"payment_already_captured (409: refund instead), payment_already_voided, payment_not_authorized, " +
			"payment_operation_in_progress (409); authorization_expired (410); void_failed (402)."}
	refundPaymentOp = huma.Operation{OperationID: "refund-payment", Method: http.MethodPost, Path: "/api/v1/payments/{id}/refund",
		Tags: []string{"Card payments"}, Summary: "Refund a payment", DefaultStatus: http.StatusCreated,
		Description: "Returns all (amount omitted) or part of the captured amount; many partial refunds may follow until it is all " +
			"refunded. The same use case as POST /api/v1/refunds. Errors: invalid_amount, parameter_missing (400); resource_missing (404); " +
			"non_refundable_state, payment_already_refunded, over_refund (409)."}
)

// PaymentStatusOutput wraps one payment, with the status code of its operation.
type PaymentStatusOutput struct {
	Status int
	Body   gateway.PaymentObject
}

func (s *Server) authorizePayment(ctx context.Context, in *ChargeCardInput) (*PaymentStatusOutput, error) {
	return s.chargeCard(ctx, in, false)
}

func (s *Server) salePayment(ctx context.Context, in *ChargeCardInput) (*PaymentStatusOutput, error) {
	return s.chargeCard(ctx, in, true)
}

func (s *Server) chargeCard(ctx context.Context, in *ChargeCardInput, capture bool) (*PaymentStatusOutput, error) {
	b := in.Body
	din := gateway.DirectInput{Amount: b.Amount, Currency: b.Currency, Card: b.Card.input(), Description: b.Description,
		Metadata: b.Metadata, ClientIP: b.ClientIP}
	if b.Customer != nil {
		din.CustomerEmail, din.CustomerName = b.Customer.Email, b.Customer.Name
	}
	p, err := s.gw.ChargeCard(ctx, merchantOf(ctx), din, capture)
	if err != nil {
		return nil, err
	}
	return &PaymentStatusOutput{Status: http.StatusOK, Body: gateway.PaymentView(p)}, nil
}

// CaptureInput is the body of POST /api/v1/payments/{id}/capture.
type CaptureInput struct {
	ID   string `path:"id"`
	Body *struct {
		Amount         *int64 `json:"amount,omitempty" doc:"Minor units, at most the authorized amount; omit to capture it all."`
		IdempotencyKey string `json:"idempotency_key,omitempty" maxLength:"255"`
	}
}

func (s *Server) capturePayment(ctx context.Context, in *CaptureInput) (*PaymentStatusOutput, error) {
	var amount *int64
	if in.Body != nil {
		amount = in.Body.Amount
	}
	p, err := s.gw.CapturePayment(ctx, merchantOf(ctx), in.ID, amount)
	if err != nil {
		return nil, err
	}
	return &PaymentStatusOutput{Status: http.StatusOK, Body: gateway.PaymentView(p)}, nil
}

// VoidInput is the body of POST /api/v1/payments/{id}/void.
type VoidInput struct {
	ID   string `path:"id"`
	Body struct {
		Reason         string `json:"reason" maxLength:"500" doc:"Why the authorization is released; kept for the audit trail."`
		IdempotencyKey string `json:"idempotency_key,omitempty" maxLength:"255"`
	}
}

func (s *Server) voidPayment(ctx context.Context, in *VoidInput) (*PaymentStatusOutput, error) {
	p, err := s.gw.VoidPayment(ctx, merchantOf(ctx), in.ID, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &PaymentStatusOutput{Status: http.StatusOK, Body: gateway.PaymentView(p)}, nil
}

// RefundPaymentInput is the body of POST /api/v1/payments/{id}/refund.
type RefundPaymentInput struct {
	ID   string `path:"id"`
	Body *struct {
		Amount         *int64          `json:"amount,omitempty" doc:"Minor units; omit to refund the whole remaining balance."`
		Reason         string          `json:"reason" maxLength:"512" doc:"Required: why the money goes back."`
		Metadata       json.RawMessage `json:"metadata,omitempty"`
		IdempotencyKey string          `json:"idempotency_key,omitempty" maxLength:"128"`
	}
}

func (s *Server) refundPayment(ctx context.Context, in *RefundPaymentInput) (*RefundOutput, error) {
	a := merchantOf(ctx)
	if in.Body == nil || strings.TrimSpace(in.Body.Reason) == "" {
		// Document 002 requires a reason on this route (it goes to the audit trail); /api/v1/refunds keeps it optional.
		return nil, gateway.InvalidParam("reason", "parameter_missing", "reason is required: say why the money goes back.")
	}
	if _, err := s.gw.GetPayment(ctx, a, in.ID); err != nil {
		return nil, err
	}
	idem := gateway.Idempotency{}
	if info := infoFrom(ctx); info != nil {
		idem = info.Idempotency
	}
	if idem.Key == "" {
		// Without a key each request is a new refund, as for any POST without one; the refund still needs a key
		// of its own.
		idem = gateway.Idempotency{Key: id.New("rfk_", s.opts.Now()), Hash: id.Random(16)}
	}
	rin := gateway.RefundInput{PaymentID: in.ID}
	if in.Body != nil {
		rin.Amount, rin.Reason, rin.Metadata = in.Body.Amount, in.Body.Reason, in.Body.Metadata
	}
	r, err := s.gw.RefundPayment(ctx, a, rin, idem)
	if err != nil {
		return nil, err
	}
	_, p, err := s.gw.GetRefund(ctx, a, r.ID)
	if err != nil {
		return nil, err
	}
	return &RefundOutput{Status: http.StatusCreated, Body: gateway.RefundView(r, p, gateway.SessionStatusOf(p))}, nil
}
