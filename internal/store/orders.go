package store

import (
	"context"

	"github.com/kassapay/kassa/internal/checkout"
)

// OrderFilter selects orders of one merchant and mode.
type OrderFilter struct {
	MerchantID string
	Livemode   bool
	Status     string
	Page
}

// OrderQueries store orders (the Order front door).
type OrderQueries interface {
	InsertOrder(ctx context.Context, o checkout.Order) error
	GetOrder(ctx context.Context, merchantID string, livemode bool, id string) (checkout.Order, error)
	// GetOrderByID reads any order by id (the embedded checkout and workers).
	GetOrderByID(ctx context.Context, id string) (checkout.Order, error)
	LockOrder(ctx context.Context, id string) (checkout.Order, error)
	// UpdateOrder saves the mutable fields: status, payment id, updated_at.
	UpdateOrder(ctx context.Context, o checkout.Order) error
	ListOrders(ctx context.Context, f OrderFilter) ([]checkout.Order, error)
}
