package gateway

import (
	"context"
	"strings"

	"github.com/kassapay/kassa/internal/customer"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/store"
)

// CustomerInput is what a merchant sets on a customer.
type CustomerInput struct {
	Email       string
	Name        string
	Phone       string
	Description string
	Metadata    map[string]string
}

// Idempotency names the idempotency key of a request and the fingerprint of the request itself.
type Idempotency struct {
	Key  string
	Hash string
}

// CreateCustomer makes a customer. With an idempotency key, a second call with the same key and request returns
// the first customer: the key is unique per merchant and mode in the customers table itself, so this holds even
// after the request-level idempotency record is gone. The same key with another request is 409.
func (g *Gateway) CreateCustomer(ctx context.Context, a Auth, in CustomerInput, idem Idempotency) (customer.Customer, error) {
	in.maskCardNumbers()
	now := g.Now()
	c := customer.Customer{
		ID: id.New("cus_", now), MerchantID: a.Merchant.ID, Livemode: a.Livemode(),
		Email: strings.TrimSpace(in.Email), Name: strings.TrimSpace(in.Name), Phone: in.Phone,
		Description: in.Description, Metadata: in.Metadata, IdempotencyKey: idem.Key, IdempotencyHash: idem.Hash,
		CreatedAt: now,
	}
	if err := c.Validate(); err != nil {
		return customer.Customer{}, fieldError(err)
	}
	inserted, err := g.store.InsertCustomer(ctx, c)
	if err != nil {
		return customer.Customer{}, err
	}
	if !inserted {
		existing, err := g.store.GetCustomerByIdempotencyKey(ctx, a.Merchant.ID, a.Livemode(), idem.Key)
		if err != nil {
			return customer.Customer{}, err
		}
		if existing.IdempotencyHash != idem.Hash {
			return customer.Customer{}, errKeyReused
		}
		return existing, nil
	}
	return c, nil
}

// GetCustomer returns one of the caller's customers; any other id is 404.
func (g *Gateway) GetCustomer(ctx context.Context, a Auth, customerID string) (customer.Customer, error) {
	if !id.HasPrefix(customerID, "cus_") {
		return customer.Customer{}, NotFound("customer", customerID)
	}
	c, err := g.store.GetCustomer(ctx, a.Merchant.ID, a.Livemode(), customerID)
	return c, notFoundAs(err, "customer", customerID)
}

// ListCustomers returns a page of the caller's customers, newest first, and whether more exist beyond it.
func (g *Gateway) ListCustomers(ctx context.Context, a Auth, email string, page store.Page) ([]customer.Customer, bool, error) {
	want := page.Limit
	page.Limit++
	cs, err := g.store.ListCustomers(ctx, store.CustomerFilter{MerchantID: a.Merchant.ID, Livemode: a.Livemode(), Email: email, Page: page})
	if err != nil {
		return nil, false, err
	}
	return trimPage(cs, want, page.EndingBefore != "")
}
