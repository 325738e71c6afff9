package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/store"
)

// CreateOrderInput is the body of POST /api/v1/orders.
type CreateOrderInput struct {
	Body struct {
		Amount   int64           `json:"amount" doc:"Minor units of currency, at least 100 (1.00 INR = 100 paise)."`
		Currency string          `json:"currency,omitempty" maxLength:"3" doc:"ISO 4217, upper case; default INR."`
		Receipt  string          `json:"receipt,omitempty" maxLength:"255" doc:"Your reference for the order."`
		Notes    json.RawMessage `json:"notes,omitempty" doc:"Your JSON object (at most 8 KB), echoed back; keys starting with _ are never shown."`
		// IdempotencyKey is read by the idempotency layer; it is a field here so the body may carry it.
		IdempotencyKey string `json:"idempotency_key,omitempty" maxLength:"255" doc:"Same as the Idempotency-Key header."`
	}
}

// OrderOutput wraps one order.
type OrderOutput struct {
	Status int
	Body   gateway.OrderObject
}

// ListOrdersInput filters orders.
type ListOrdersInput struct {
	Limit         int    `query:"limit" minimum:"1" maximum:"100" default:"10"`
	StartingAfter string `query:"starting_after" doc:"Cursor: an order id; returns older orders."`
	Status        string `query:"status" enum:"created,attempted,paid"`
}

// OrderListOutput is a page of orders.
type OrderListOutput struct {
	Body List[gateway.OrderObject]
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

// CreatePublicOrderPaymentInput is POST /api/public/orders/{id}/payments.
type CreatePublicOrderPaymentInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body OrderPaymentBody
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

// PublicOrder is what a checkout page may show of an order.
type PublicOrder struct {
	Object       string `json:"object" enum:"order"`
	ID           string `json:"id"`
	Livemode     bool   `json:"livemode"`
	Status       string `json:"status" enum:"created,attempted,paid"`
	Amount       int64  `json:"amount"`
	Currency     string `json:"currency"`
	MerchantName string `json:"merchant_name"`
}

// PublicOrderOutput wraps a PublicOrder.
type PublicOrderOutput struct {
	Body PublicOrder
}

var (
	createOrderOp = huma.Operation{OperationID: "create-order", Method: http.MethodPost, Path: "/api/v1/orders",
		Tags: []string{"Orders"}, Summary: "Create an order", DefaultStatus: http.StatusCreated,
		Description: "An amount to collect; the customer pays it by UPI or card (POST /api/v1/payments or the embedded checkout). " +
			"Status created → attempted (a payment was tried) → paid. Errors: invalid_amount (below 100), invalid_currency, parameter_invalid (400)."}
	getOrderOp = huma.Operation{OperationID: "get-order", Method: http.MethodGet, Path: "/api/v1/orders/{id}",
		Tags: []string{"Orders"}, Summary: "Retrieve an order"}
	listOrdersOp = huma.Operation{OperationID: "list-orders", Method: http.MethodGet, Path: "/api/v1/orders",
		Tags: []string{"Orders"}, Summary: "List orders", Description: "Newest first."}
	createOrderPaymentOp = huma.Operation{OperationID: "create-order-payment", Method: http.MethodPost, Path: "/api/v1/payments",
		Tags: []string{"Orders"}, Summary: "Pay an order by UPI or card", DefaultStatus: http.StatusCreated,
		Description: "Answers 201 at once with status pending; a background worker settles the payment (after a few seconds in the sandbox) " +
			"to captured or failed (failure_code, failure_message) and sends payment.succeeded or payment.failed. Amount and currency come from the order. " +
			"Errors: invalid_vpa, invalid_card (number: 13–19 digits and Luhn; CVV), expired_card (expiry month 1–12, 2- or 4-digit year, not past), " +
			"parameter_missing, parameter_conflict (400); resource_missing (404); order_already_paid, payment_in_progress (409); payments_not_configured (422)."}
	getPaymentStatusOp = huma.Operation{OperationID: "get-public-payment-status", Method: http.MethodGet, Path: "/api/public/payments/{id}/status",
		Tags: []string{"Public"}, Summary: "Poll a payment's status (browser-safe)",
		Description: "With a publishable key: status, amount and the failure reason; no customer or card data."}
	getPublicOrderOp = huma.Operation{OperationID: "get-public-order", Method: http.MethodGet, Path: "/api/public/orders/{id}",
		Tags: []string{"Public"}, Summary: "Retrieve an order (browser-safe)", Description: "With a publishable key: what a checkout page shows."}
	createPublicOrderPaymentOp = huma.Operation{OperationID: "create-public-order-payment", Method: http.MethodPost, Path: "/api/public/orders/{id}/payments",
		Tags: []string{"Public"}, Summary: "Pay an order (browser-safe)", DefaultStatus: http.StatusCreated,
		Description: "With a publishable key, as the embedded checkout does: the same as POST /api/v1/payments, answering the browser-safe payment status."}
)

// registerOrders adds the routes of orders, their payments and the job statistics.
func (s *Server) registerOrders() {
	register(s, authSecret, createOrderOp, s.createOrder)
	register(s, authSecret, getOrderOp, s.getOrder)
	register(s, authSecret, listOrdersOp, s.listOrders)
	register(s, authSecret, createOrderPaymentOp, s.createOrderPayment)
	register(s, authPublishable, getPaymentStatusOp, s.getPaymentStatus)
	register(s, authPublishable, getPublicOrderOp, s.getPublicOrder)
	register(s, authPublishable, createPublicOrderPaymentOp, s.createPublicOrderPayment)
	register(s, authSecret, createPaymentRefundOp, s.createPaymentRefund)
	register(s, authSecret, getJobStatsOp, s.getJobStats)
}

func (s *Server) createOrder(ctx context.Context, in *CreateOrderInput) (*OrderOutput, error) {
	o, err := s.gw.CreateOrder(ctx, merchantOf(ctx), gateway.OrderInput{
		Amount: in.Body.Amount, Currency: in.Body.Currency, Receipt: in.Body.Receipt, Notes: in.Body.Notes,
	})
	if err != nil {
		return nil, err
	}
	return &OrderOutput{Status: http.StatusCreated, Body: gateway.OrderView(o)}, nil
}

func (s *Server) getOrder(ctx context.Context, in *GetSessionInput) (*OrderOutput, error) {
	o, err := s.gw.GetOrder(ctx, merchantOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &OrderOutput{Status: http.StatusOK, Body: gateway.OrderView(o)}, nil
}

func (s *Server) listOrders(ctx context.Context, in *ListOrdersInput) (*OrderListOutput, error) {
	rows, more, err := s.gw.ListOrders(ctx, merchantOf(ctx), store.OrderFilter{Status: in.Status,
		Page: store.Page{Limit: in.Limit, StartingAfter: in.StartingAfter}})
	if err != nil {
		return nil, err
	}
	views := make([]gateway.OrderObject, 0, len(rows))
	for _, o := range rows {
		views = append(views, gateway.OrderView(o))
	}
	return &OrderListOutput{Body: newList(listOrdersOp.Path, views, more)}, nil
}

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

func (s *Server) createPublicOrderPayment(ctx context.Context, in *CreatePublicOrderPaymentInput) (*PublicPaymentStatusOutput, error) {
	pi := orderPaymentInput(in.ID, in.Body)
	if info := infoFrom(ctx); info != nil {
		pi.ClientIP = info.ClientIP // the customer's browser calls this route
	}
	p, err := s.gw.CreateOrderPayment(ctx, merchantOf(ctx), pi)
	if err != nil {
		return nil, err
	}
	return &PublicPaymentStatusOutput{Body: gateway.PaymentStatusView(p)}, nil
}

func (s *Server) getPaymentStatus(ctx context.Context, in *GetSessionInput) (*PublicPaymentStatusOutput, error) {
	p, err := s.gw.GetPayment(ctx, merchantOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &PublicPaymentStatusOutput{Body: gateway.PaymentStatusView(p)}, nil
}

func (s *Server) getPublicOrder(ctx context.Context, in *GetSessionInput) (*PublicOrderOutput, error) {
	a := merchantOf(ctx)
	o, err := s.gw.GetOrder(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &PublicOrderOutput{Body: PublicOrder{Object: "order", ID: o.ID, Livemode: o.Livemode, Status: string(o.Status),
		Amount: o.Amount, Currency: o.Currency, MerchantName: a.Merchant.Name}}, nil
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
	r, err := s.gw.CreateRefund(ctx, a, gateway.RefundInput{PaymentID: in.ID, Amount: in.Body.Amount, Reason: in.Body.Reason,
		Metadata: in.Body.Metadata, Async: true}, idem)
	if err != nil {
		return nil, err
	}
	p, err := s.gw.GetPayment(ctx, a, r.PaymentID)
	if err != nil {
		return nil, err
	}
	return &RefundOutput{Status: http.StatusCreated, Body: gateway.RefundView(r, p, gateway.SessionStatusOf(p))}, nil
}
