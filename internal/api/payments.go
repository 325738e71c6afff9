package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/store"
)

// PaymentOutput wraps one payment.
type PaymentOutput struct {
	Body gateway.PaymentObject
}

// PaymentListOutput is a page of payments.
type PaymentListOutput struct {
	Body List[gateway.PaymentObject]
}

// ListPaymentsInput filters payments.
type ListPaymentsInput struct {
	Limit         int    `query:"limit" minimum:"1" maximum:"100" default:"10"`
	StartingAfter string `query:"starting_after" doc:"Cursor: a payment id; returns older payments."`
	Status        string `query:"status" enum:"pending,authorized,captured,partially_refunded,refunded,voided,expired,failed"`
	SourceID      string `query:"source_id" maxLength:"64" doc:"Only payments of this checkout session, payment link, intent or order."`
	ListFilters
	SourceType string `query:"source_type" enum:"checkout_session,payment_link,payment_intent,order,direct" doc:"Only payments from this front door."`
}

// ListFilters are the created range and document 002's offset, on payments and transactions.
type ListFilters struct {
	CreatedGTE time.Time `query:"created[gte]"`
	CreatedLT  time.Time `query:"created[lt]"`
	Offset     int       `query:"offset" minimum:"0" maximum:"10000" doc:"Skip this many (document 002's paging); starting_after is faster."`
}

var getPaymentOp = huma.Operation{OperationID: "get-payment", Method: http.MethodGet, Path: "/api/v1/payments/{id}",
	Tags: []string{"Payments"}, Summary: "Retrieve a payment", Description: "The money side of a session, link, intent or order: status, amounts, card display data, provider ids."}

var listPaymentsOp = huma.Operation{OperationID: "list-payments", Method: http.MethodGet, Path: "/api/v1/payments",
	Tags: []string{"Payments"}, Summary: "List payments", Description: "Newest first."}

func (s *Server) getPayment(ctx context.Context, in *GetSessionInput) (*PaymentOutput, error) {
	p, err := s.gw.GetPayment(ctx, merchantOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &PaymentOutput{Body: gateway.PaymentView(p)}, nil
}

func (s *Server) listPayments(ctx context.Context, in *ListPaymentsInput) (*PaymentListOutput, error) {
	rows, more, err := s.gw.ListCardPayments(ctx, merchantOf(ctx), store.CardPaymentFilter{PaymentFilter: store.PaymentFilter{
		Status: in.Status, SourceID: in.SourceID, Page: store.Page{Limit: in.Limit, StartingAfter: in.StartingAfter},
	}, SourceKind: in.SourceType, CreatedGTE: in.CreatedGTE, CreatedLT: in.CreatedLT, Offset: in.Offset})
	if err != nil {
		return nil, err
	}
	views := make([]gateway.PaymentObject, 0, len(rows))
	for _, p := range rows {
		views = append(views, gateway.PaymentView(p))
	}
	return &PaymentListOutput{Body: newList(listPaymentsOp.Path, views, more)}, nil
}

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

var authorizeOp = huma.Operation{OperationID: "authorize-payment", Method: http.MethodPost, Path: "/api/v1/payments/authorize",
	Tags: []string{"Card payments"}, Summary: "Authorize a card payment",
	Description: "Holds the amount on the card for 7 days (expires_at) without charging it; capture or void it later. The card " +
		"is vaulted and scored for fraud before the provider call. Declines: 402 card_error card_declined with decline_code " +
		"(do_not_honor, insufficient_funds, expired_card, incorrect_cvc, processing_error, fraudulent), response_code and payment_id. " +
		"Errors: invalid_amount, invalid_currency, invalid_card_number, expired_card, invalid_expiry_month, invalid_expiry_year, " +
		"invalid_cvc, parameter_invalid (400); idempotency_key_reused, idempotency_request_in_progress (409); rate_limited (429)."}

var saleOp = huma.Operation{OperationID: "sale-payment", Method: http.MethodPost, Path: "/api/v1/payments/sale",
	Tags: []string{"Card payments"}, Summary: "Charge a card (authorize and capture)",
	Description: "Authorizes and captures in one step. Same body, declines and errors as authorize."}

var captureOp = huma.Operation{OperationID: "capture-payment", Method: http.MethodPost, Path: "/api/v1/payments/{id}/capture",
	Tags: []string{"Card payments"}, Summary: "Capture an authorization",
	Description: "Captures all (amount omitted) or part of an authorization; the rest is released. Errors: invalid_amount, " +
		"capture_amount_exceeds_authorized (400); resource_missing (404); payment_already_captured, payment_already_voided, " +
		"payment_not_authorized, payment_operation_in_progress (409); authorization_expired (410); capture_failed (402)."}

var voidOp = huma.Operation{OperationID: "void-payment", Method: http.MethodPost, Path: "/api/v1/payments/{id}/void",
	Tags: []string{"Card payments"}, Summary: "Void an authorization",
	Description: "Releases the hold before capture. reason is required. Errors: parameter_missing (400); resource_missing (404); " +
		"payment_already_captured (409: refund instead), payment_already_voided, payment_not_authorized, " +
		"payment_operation_in_progress (409); authorization_expired (410); void_failed (402)."}

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

// OrderCardInput is a card as the customer typed it. The number goes to the vault; the CVV only to the provider.
type OrderCardInput struct {
	Number   string `json:"number" maxLength:"40" doc:"13–19 digits; spaces and dashes are ignored."`
	ExpMonth int    `json:"exp_month" doc:"1–12."`
	ExpYear  int    `json:"exp_year" doc:"2 or 4 digits (26 or 2026)."`
	CVV      string `json:"cvv" maxLength:"4"`
	Name     string `json:"name,omitempty" maxLength:"200"`
}

// OrderPaymentBody is a payment of an order.
type OrderPaymentBody struct {
	Method string          `json:"method" enum:"upi,card"`
	VPA    string          `json:"vpa,omitempty" maxLength:"255" doc:"UPI address (method upi), e.g. success@kassa in test mode."`
	Card   *OrderCardInput `json:"card,omitempty" doc:"The card (method card)."`
	Email  string          `json:"email,omitempty" maxLength:"254"`
	// IdempotencyKey is read by the idempotency layer; it is a field here so the body may carry it.
	IdempotencyKey string `json:"idempotency_key,omitempty" maxLength:"255" doc:"Same as the Idempotency-Key header."`
}

// CreateOrderPaymentInput is the body of POST /api/v1/payments.
type CreateOrderPaymentInput struct {
	Body struct {
		OrderID  string `json:"order_id" maxLength:"64"`
		ClientIP string `json:"client_ip,omitempty" maxLength:"64" doc:"The customer's IP address as your server saw it; feeds the fraud rules' velocity counts (method card)."`
		OrderPaymentBody
	}
}

// PaymentCreatedOutput is a payment just started.
type PaymentCreatedOutput struct {
	Status int
	Body   gateway.PaymentObject
}

// PublicPaymentStatusOutput is the browser-safe status of a payment.
type PublicPaymentStatusOutput struct {
	Body gateway.PaymentStatusObject
}

var createOrderPaymentOp = huma.Operation{OperationID: "create-order-payment", Method: http.MethodPost, Path: "/api/v1/payments",
	Tags: []string{"Orders"}, Summary: "Pay an order by UPI or card", DefaultStatus: http.StatusCreated,
	Description: "Answers 201 at once with status pending; a background worker settles the payment (after a few seconds in the sandbox) " +
		"to captured or failed (failure_code, failure_message) and sends payment.succeeded or payment.failed. Amount and currency come from the order. " +
		"Errors: invalid_vpa, invalid_card (number: 13–19 digits and Luhn; CVV), expired_card (expiry month 1–12, 2- or 4-digit year, not past), " +
		"parameter_missing, parameter_conflict (400); resource_missing (404); order_already_paid, payment_in_progress (409); payments_not_configured (422)."}

var getPaymentStatusOp = huma.Operation{OperationID: "get-public-payment-status", Method: http.MethodGet, Path: "/api/public/payments/{id}/status",
	Tags: []string{"Public"}, Summary: "Poll a payment's status (browser-safe)",
	Description: "With a publishable key: status, amount and the failure reason; no customer or card data."}

func orderPaymentInput(orderID string, b OrderPaymentBody) gateway.OrderPaymentInput {
	in := gateway.OrderPaymentInput{OrderID: orderID, Method: b.Method, VPA: b.VPA, Email: b.Email}
	if b.Card != nil {
		in.Card = &gateway.CardInput{Number: b.Card.Number, ExpMonth: b.Card.ExpMonth, ExpYear: b.Card.ExpYear, CVV: b.Card.CVV, Name: b.Card.Name}
	}
	return in
}

func (s *Server) createOrderPayment(ctx context.Context, in *CreateOrderPaymentInput) (*PaymentCreatedOutput, error) {
	pi := orderPaymentInput(in.Body.OrderID, in.Body.OrderPaymentBody)
	pi.ClientIP = in.Body.ClientIP
	p, err := s.gw.CreateOrderPayment(ctx, merchantOf(ctx), pi)
	if err != nil {
		return nil, err
	}
	return &PaymentCreatedOutput{Status: http.StatusCreated, Body: gateway.PaymentView(p)}, nil
}

func (s *Server) getPaymentStatus(ctx context.Context, in *GetSessionInput) (*PublicPaymentStatusOutput, error) {
	p, err := s.gw.GetPayment(ctx, merchantOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &PublicPaymentStatusOutput{Body: gateway.PaymentStatusView(p)}, nil
}

// registerPayments registers the routes of every /payments route but refunds.
func (s *Server) registerPayments() {
	register(s, authSecret, getPaymentOp, s.getPayment)
	register(s, authSecret, listPaymentsOp, s.listPayments)
	register(s, authSecret, authorizeOp, s.authorizePayment)
	register(s, authSecret, saleOp, s.salePayment)
	register(s, authSecret, captureOp, s.capturePayment)
	register(s, authSecret, voidOp, s.voidPayment)
	register(s, authSecret, createOrderPaymentOp, s.createOrderPayment)
	register(s, authPublishable, getPaymentStatusOp, s.getPaymentStatus)
}
