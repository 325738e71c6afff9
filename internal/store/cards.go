package store

import "time"

// CardPaymentFilter selects payments for the direct card API's list: PaymentFilter's fields plus a created range,
// the front door and an offset (document 002's paging; cursors are preferred).
type CardPaymentFilter struct {
	PaymentFilter
	SourceKind string
	CreatedGTE time.Time
	CreatedLT  time.Time
	Offset     int
}
