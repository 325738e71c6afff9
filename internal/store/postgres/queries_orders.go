package postgres

// Orders.

import (
	"context"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/dbtype"
	"github.com/kassapay/kassa/internal/store/postgres/pgdb"
)

func orderFromRow(r pgdb.Order) checkout.Order {
	return checkout.Order{
		ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, Amount: r.Amount, Currency: r.Currency, Receipt: r.Receipt,
		Notes: []byte(r.Notes), Status: checkout.OrderStatus(r.Status), PaymentID: str(r.PaymentID),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

func (s queries) InsertOrder(ctx context.Context, o checkout.Order) error {
	notes := dbtype.JSON(o.Notes)
	if len(notes) == 0 {
		notes = dbtype.JSON("{}")
	}
	return mapErr(s.q.InsertOrder(ctx, pgdb.InsertOrderParams{
		ID: o.ID, MerchantID: o.MerchantID, Livemode: o.Livemode, Amount: o.Amount, Currency: o.Currency, Receipt: o.Receipt,
		Notes: notes, Status: string(o.Status), PaymentID: strPtr(o.PaymentID), CreatedAt: ts(o.CreatedAt), UpdatedAt: ts(o.UpdatedAt),
	}))
}

func (s queries) GetOrder(ctx context.Context, merchantID string, livemode bool, orderID string) (checkout.Order, error) {
	r, err := s.q.GetOrder(ctx, pgdb.GetOrderParams{MerchantID: merchantID, Livemode: livemode, ID: orderID})
	if err != nil {
		return checkout.Order{}, mapErr(err)
	}
	return orderFromRow(r), nil
}

func (s queries) GetOrderByID(ctx context.Context, orderID string) (checkout.Order, error) {
	r, err := s.q.GetOrderByID(ctx, orderID)
	if err != nil {
		return checkout.Order{}, mapErr(err)
	}
	return orderFromRow(r), nil
}

func (s queries) LockOrder(ctx context.Context, orderID string) (checkout.Order, error) {
	r, err := s.q.LockOrder(ctx, orderID)
	if err != nil {
		return checkout.Order{}, mapErr(err)
	}
	return orderFromRow(pgdb.Order(r)), nil
}

func (s queries) UpdateOrder(ctx context.Context, o checkout.Order) error {
	n, err := s.q.UpdateOrder(ctx, pgdb.UpdateOrderParams{
		ID: o.ID, Status: string(o.Status), PaymentID: strPtr(o.PaymentID), UpdatedAt: ts(o.UpdatedAt),
	})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) ListOrders(ctx context.Context, f store.OrderFilter) ([]checkout.Order, error) {
	rows, err := s.q.ListOrders(ctx, pgdb.ListOrdersParams{
		MerchantID: f.MerchantID, Livemode: f.Livemode, StartingAfter: f.StartingAfter, Status: f.Status, RowLimit: int64(f.Limit),
	})
	return mapRows(rows, err, orderFromRow)
}
