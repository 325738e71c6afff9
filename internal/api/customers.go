package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/kassapay/kassa/internal/customer"
	"github.com/kassapay/kassa/internal/gateway"
)

// Customer is a customer as the API shows it.
type Customer struct {
	Object      string            `json:"object" enum:"customer"`
	ID          string            `json:"id"`
	Livemode    bool              `json:"livemode"`
	Email       string            `json:"email"`
	Name        string            `json:"name"`
	Phone       string            `json:"phone"`
	Description string            `json:"description"`
	Metadata    map[string]string `json:"metadata"`
	CreatedAt   time.Time         `json:"created_at"`
}

func customerView(c customer.Customer) Customer {
	md := c.Metadata
	if md == nil {
		md = map[string]string{}
	}
	return Customer{
		Object: "customer", ID: c.ID, Livemode: c.Livemode, Email: c.Email, Name: c.Name, Phone: c.Phone,
		Description: c.Description, Metadata: md, CreatedAt: c.CreatedAt,
	}
}

// CustomerOutput wraps one customer.
type CustomerOutput struct {
	Body Customer
}

// CreateCustomerInput is the body of POST /api/v1/customers.
type CreateCustomerInput struct {
	Body struct {
		Email          string            `json:"email,omitempty" maxLength:"254" doc:"Email address."`
		Name           string            `json:"name,omitempty" maxLength:"200"`
		Phone          string            `json:"phone,omitempty" maxLength:"16" doc:"E.164, e.g. +15555550100."`
		Description    string            `json:"description,omitempty" maxLength:"1000"`
		Metadata       map[string]string `json:"metadata,omitempty" doc:"Up to 50 keys of 1–40 characters, values up to 500 characters."`
		IdempotencyKey string            `json:"idempotency_key,omitempty" maxLength:"255" doc:"Same as the Idempotency-Key header."`
	}
}

var createCustomerOp = huma.Operation{
	OperationID: "create-customer", Method: http.MethodPost, Path: "/api/v1/customers", Tags: []string{"Customers"},
	Summary: "Create a customer", DefaultStatus: http.StatusCreated,
	Description: "Creates a customer in the key's mode. With an Idempotency-Key, retries return the same customer.",
}

func (s *Server) createCustomer(ctx context.Context, in *CreateCustomerInput) (*CustomerOutput, error) {
	a := merchantOf(ctx)
	var idem gateway.Idempotency
	if info := infoFrom(ctx); info != nil {
		idem = info.Idempotency
	}
	c, err := s.gw.CreateCustomer(ctx, a, gateway.CustomerInput{
		Email: in.Body.Email, Name: in.Body.Name, Phone: in.Body.Phone, Description: in.Body.Description, Metadata: in.Body.Metadata,
	}, idem)
	if err != nil {
		return nil, err
	}
	return &CustomerOutput{Body: customerView(c)}, nil
}

// GetCustomerInput names the customer.
type GetCustomerInput struct {
	ID string `path:"id" doc:"The customer id, cus_…"`
}

var getCustomerOp = huma.Operation{
	OperationID: "get-customer", Method: http.MethodGet, Path: "/api/v1/customers/{id}", Tags: []string{"Customers"},
	Summary: "Retrieve a customer", Description: "Errors: resource_missing (404), also for another merchant's or mode's customer.",
}

func (s *Server) getCustomer(ctx context.Context, in *GetCustomerInput) (*CustomerOutput, error) {
	c, err := s.gw.GetCustomer(ctx, merchantOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &CustomerOutput{Body: customerView(c)}, nil
}

// ListCustomersInput filters the list.
type ListCustomersInput struct {
	ListParams
	Email string `query:"email" doc:"Only customers with exactly this email."`
}

// CustomerListOutput is a page of customers.
type CustomerListOutput struct {
	Body List[Customer]
}

var listCustomersOp = huma.Operation{
	OperationID: "list-customers", Method: http.MethodGet, Path: "/api/v1/customers", Tags: []string{"Customers"},
	Summary: "List customers", Description: "Newest first. Page with starting_after (next) or ending_before (previous).",
}

func (s *Server) listCustomers(ctx context.Context, in *ListCustomersInput) (*CustomerListOutput, error) {
	page, err := in.page()
	if err != nil {
		return nil, err
	}
	cs, more, err := s.gw.ListCustomers(ctx, merchantOf(ctx), in.Email, page)
	if err != nil {
		return nil, err
	}
	views := make([]Customer, 0, len(cs))
	for _, c := range cs {
		views = append(views, customerView(c))
	}
	return &CustomerListOutput{Body: newList("/api/v1/customers", views, more)}, nil
}

// registerCustomers registers the routes of customers.
func (s *Server) registerCustomers() {
	register(s, authSecret, createCustomerOp, s.createCustomer)
	register(s, authSecret, getCustomerOp, s.getCustomer)
	register(s, authSecret, listCustomersOp, s.listCustomers)
}
