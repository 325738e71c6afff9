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

// CreatePublicOrderPaymentInput is POST /api/public/orders/{id}/payments.
type CreatePublicOrderPaymentInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body OrderPaymentBody
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

var createOrderOp = huma.Operation{OperationID: "create-order", Method: http.MethodPost, Path: "/api/v1/orders",
	Tags: []string{"Orders"}, Summary: "Create an order", DefaultStatus: http.StatusCreated,
	Description: "An amount to collect; the customer pays it by UPI or card (POST /api/v1/payments or the embedded checkout). " +
		"Status created → attempted (a payment was tried) → paid. Errors: invalid_amount (below 100), invalid_currency, parameter_invalid (400)."}

var getOrderOp = huma.Operation{OperationID: "get-order", Method: http.MethodGet, Path: "/api/v1/orders/{id}",
	Tags: []string{"Orders"}, Summary: "Retrieve an order"}

var listOrdersOp = huma.Operation{OperationID: "list-orders", Method: http.MethodGet, Path: "/api/v1/orders",
	Tags: []string{"Orders"}, Summary: "List orders", Description: "Newest first."}

var getPublicOrderOp = huma.Operation{OperationID: "get-public-order", Method: http.MethodGet, Path: "/api/public/orders/{id}",
	Tags: []string{"Public"}, Summary: "Retrieve an order (browser-safe)", Description: "With a publishable key: what a checkout page shows."}

var createPublicOrderPaymentOp = huma.Operation{OperationID: "create-public-order-payment", Method: http.MethodPost, Path: "/api/public/orders/{id}/payments",
	Tags: []string{"Public"}, Summary: "Pay an order (browser-safe)", DefaultStatus: http.StatusCreated,
	Description: "With a publishable key, as the embedded checkout does: the same as POST /api/v1/payments, answering the browser-safe payment status."}

// registerOrders registers the routes of orders, the browser's order payment included.
func (s *Server) registerOrders() {
	register(s, authSecret, createOrderOp, s.createOrder)
	register(s, authSecret, getOrderOp, s.getOrder)
	register(s, authSecret, listOrdersOp, s.listOrders)
	register(s, authPublishable, getPublicOrderOp, s.getPublicOrder)
	register(s, authPublishable, createPublicOrderPaymentOp, s.createPublicOrderPayment)
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

func (s *Server) getPublicOrder(ctx context.Context, in *GetSessionInput) (*PublicOrderOutput, error) {
	a := merchantOf(ctx)
	o, err := s.gw.GetOrder(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &PublicOrderOutput{Body: PublicOrder{Object: "order", ID: o.ID, Livemode: o.Livemode, Status: string(o.Status),
		Amount: o.Amount, Currency: o.Currency, MerchantName: a.Merchant.Name}}, nil
}
