package store

// OrderFilter selects orders of one merchant and mode.
type OrderFilter struct {
	MerchantID string
	Livemode   bool
	Status     string
	Page
}
