package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/store"
)

// CreateRefundInput is the body of POST /api/v1/refunds.
type CreateRefundInput struct {
	Body struct {
		TransactionID   string          `json:"transaction_id,omitempty" maxLength:"64" doc:"Refund the payment of this transaction."`
		PaymentID       string          `json:"payment_id,omitempty" maxLength:"64" doc:"Refund this payment."`
		ExternalOrderID string          `json:"external_order_id,omitempty" maxLength:"255" doc:"Refund the most recent paid session of your order."`
		Amount          *int64          `json:"amount,omitempty" doc:"Minor units; omit to refund the whole remaining balance."`
		Reason          string          `json:"reason,omitempty" maxLength:"512"`
		IdempotencyKey  string          `json:"idempotency_key,omitempty" maxLength:"128" doc:"Required (here or in the Idempotency-Key header), 8–128 characters."`
		Metadata        json.RawMessage `json:"metadata,omitempty" doc:"Your JSON object; keys starting with _ are never shown."`
	}
}

// RefundOutput wraps one refund.
type RefundOutput struct {
	Status int
	Body   gateway.RefundObject
}

// RefundListOutput is a page of refunds.
type RefundListOutput struct {
	Body List[gateway.RefundObject]
}

// ListRefundsInput filters refunds.
type ListRefundsInput struct {
	Limit         int    `query:"limit" minimum:"1" maximum:"100" default:"10"`
	StartingAfter string `query:"starting_after"`
	PaymentID     string `query:"payment_id" maxLength:"64"`
	Status        string `query:"status" enum:"pending,succeeded,failed"`
}

var createRefundOp = huma.Operation{OperationID: "create-refund", Method: http.MethodPost, Path: "/api/v1/refunds",
	Tags: []string{"Refunds"}, Summary: "Refund a payment", DefaultStatus: http.StatusCreated,
	Description: "Full or partial, many per payment, never more than captured. Errors: missing_target, missing_idempotency_key, " +
		"invalid_amount (400); transaction_not_found (404, also for another merchant's); non_refundable_state, over_refund (409); " +
		"payments_not_configured (422). A provider rejection is a refund with status failed (and refund.failed); the payment is unchanged."}

var getRefundOp = huma.Operation{OperationID: "get-refund", Method: http.MethodGet, Path: "/api/v1/refunds/{id}",
	Tags: []string{"Refunds"}, Summary: "Retrieve a refund"}

var listRefundsOp = huma.Operation{OperationID: "list-refunds", Method: http.MethodGet, Path: "/api/v1/refunds",
	Tags: []string{"Refunds"}, Summary: "List refunds"}

func (s *Server) createRefund(ctx context.Context, in *CreateRefundInput) (*RefundOutput, error) {
	a := merchantOf(ctx)
	idem := gateway.Idempotency{}
	if info := infoFrom(ctx); info != nil {
		idem = info.Idempotency
	}
	b := in.Body
	r, p, err := s.gw.CreateRefund(ctx, a, gateway.RefundInput{
		TransactionID: b.TransactionID, PaymentID: b.PaymentID, ExternalOrderID: b.ExternalOrderID, Amount: b.Amount,
		Reason: b.Reason, Metadata: b.Metadata,
	}, idem)
	if err != nil {
		return nil, err
	}
	return &RefundOutput{Status: http.StatusCreated, Body: gateway.RefundView(r, p, gateway.SessionStatusOf(p))}, nil
}

func (s *Server) getRefund(ctx context.Context, in *GetSessionInput) (*RefundOutput, error) {
	r, p, err := s.gw.GetRefund(ctx, merchantOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &RefundOutput{Status: http.StatusOK, Body: gateway.RefundView(r, p, gateway.SessionStatusOf(p))}, nil
}

func (s *Server) listRefunds(ctx context.Context, in *ListRefundsInput) (*RefundListOutput, error) {
	a := merchantOf(ctx)
	rows, more, err := s.gw.ListRefunds(ctx, a, store.RefundFilter{PaymentID: in.PaymentID, Status: in.Status,
		Page: store.Page{Limit: in.Limit, StartingAfter: in.StartingAfter}})
	if err != nil {
		return nil, err
	}
	views := make([]gateway.RefundObject, 0, len(rows))
	for _, r := range rows {
		p, err := s.gw.GetPayment(ctx, a, r.PaymentID)
		if err != nil {
			return nil, err
		}
		views = append(views, gateway.RefundView(r, p, gateway.SessionStatusOf(p)))
	}
	return &RefundListOutput{Body: newList(listRefundsOp.Path, views, more)}, nil
}

var refundPaymentOp = huma.Operation{OperationID: "refund-payment", Method: http.MethodPost, Path: "/api/v1/payments/{id}/refund",
	Tags: []string{"Card payments"}, Summary: "Refund a payment", DefaultStatus: http.StatusCreated,
	Description: "Returns all (amount omitted) or part of the captured amount; many partial refunds may follow until it is all " +
		"refunded. The same use case as POST /api/v1/refunds. Errors: invalid_amount, parameter_missing (400); resource_missing (404); " +
		"non_refundable_state, payment_already_refunded, over_refund (409)."}

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
	r, p, err := s.gw.RefundPayment(ctx, a, rin, idem)
	if err != nil {
		return nil, err
	}
	return &RefundOutput{Status: http.StatusCreated, Body: gateway.RefundView(r, p, gateway.SessionStatusOf(p))}, nil
}

// CreatePaymentRefundInput is POST /api/v1/payments/{id}/refunds.
type CreatePaymentRefundInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Amount   *int64          `json:"amount,omitempty" doc:"Minor units; omit to refund the whole remaining balance."`
		Reason   string          `json:"reason,omitempty" maxLength:"512"`
		Metadata json.RawMessage `json:"metadata,omitempty" doc:"Your JSON object; keys starting with _ are never shown."`
		// IdempotencyKey is read by the idempotency layer; it is a field here so the body may carry it.
		IdempotencyKey string `json:"idempotency_key,omitempty" maxLength:"255" doc:"Same as the Idempotency-Key header."`
	}
}

var createPaymentRefundOp = huma.Operation{OperationID: "create-payment-refund", Method: http.MethodPost, Path: "/api/v1/payments/{id}/refunds",
	Tags: []string{"Refunds"}, Summary: "Refund a payment asynchronously", DefaultStatus: http.StatusCreated,
	Description: "Answers 201 with the refund pending; a background worker sends it to the provider and records succeeded (refund.succeeded) " +
		"or failed (refund.failed). Pending refunds count against the refundable balance, so refunds never sum past the capture. " +
		"An Idempotency-Key is optional here. Errors: invalid_amount (400); transaction_not_found (404); non_refundable_state, over_refund (409)."}

func (s *Server) createPaymentRefund(ctx context.Context, in *CreatePaymentRefundInput) (*RefundOutput, error) {
	a := merchantOf(ctx)
	idem := gateway.Idempotency{}
	if info := infoFrom(ctx); info != nil {
		idem = info.Idempotency
	}
	r, p, err := s.gw.CreateRefund(ctx, a, gateway.RefundInput{PaymentID: in.ID, Amount: in.Body.Amount, Reason: in.Body.Reason,
		Metadata: in.Body.Metadata, Async: true}, idem)
	if err != nil {
		return nil, err
	}
	return &RefundOutput{Status: http.StatusCreated, Body: gateway.RefundView(r, p, gateway.SessionStatusOf(p))}, nil
}

// registerRefunds registers the routes of every refund route.
func (s *Server) registerRefunds() {
	register(s, authSecret, createRefundOp, s.createRefund)
	register(s, authSecret, getRefundOp, s.getRefund)
	register(s, authSecret, listRefundsOp, s.listRefunds)
	register(s, authSecret, refundPaymentOp, s.refundPayment)
	register(s, authSecret, createPaymentRefundOp, s.createPaymentRefund)
}
