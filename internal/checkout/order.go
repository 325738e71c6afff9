package checkout

import (
	"encoding/json"
	"time"
)

// OrderStatus is where an order stands. Orders have no expiry: the merchant's own system decides when to stop
// offering one.
type OrderStatus string

const (
	// OrderCreated orders have had no payment attempt yet.
	OrderCreated OrderStatus = "created"
	// OrderAttempted orders have had at least one payment attempt and none succeeded yet; the latest may be pending.
	OrderAttempted OrderStatus = "attempted"
	// OrderPaid orders have a captured payment. Final: refunds change the payment, not the order.
	OrderPaid OrderStatus = "paid"
)

// OrderStatuses lists every order status.
func OrderStatuses() []OrderStatus { return []OrderStatus{OrderCreated, OrderAttempted, OrderPaid} }

// MinOrderAmount is the smallest order in minor units (the reference gateway's 100 paise).
const MinOrderAmount = 100

// DefaultOrderCurrency is an order's currency when the merchant names none.
const DefaultOrderCurrency = "INR"

// MaxReceiptLength bounds an order's receipt, the merchant's own reference.
const MaxReceiptLength = 255

// Order is an amount a merchant wants to collect ("order_…"). The customer pays it with POST /api/v1/payments (UPI
// or card, from the merchant's server or the embedded checkout); a worker settles the payment.
type Order struct {
	ID         string
	MerchantID string
	Livemode   bool
	Amount     int64 // minor units of Currency, at least MinOrderAmount
	Currency   string
	Receipt    string
	// Notes is the merchant's JSON object, echoed back.
	Notes  json.RawMessage
	Status OrderStatus
	// PaymentID is the latest payment attempt, if any.
	PaymentID string
	CreatedAt time.Time
	UpdatedAt time.Time
}
