package provider

import (
	"context"
	"errors"
	"time"
)

// HostedPages is a provider whose processor takes a payment on its own hosted page (document 000's
// provider_checkout_url): Kassa opens the page, sends the customer there, and learns the outcome by asking the
// processor, never from the customer's return alone. The card never passes through Kassa.
//
// The calls answer as Do does: a Result (or a Page) is definitive, an error means the answer is unknown and the
// caller asks again (OpenPage with the same PageRequest.IdempotencyKey, which gives the same page).
type HostedPages interface {
	// Provider is the connector's side for card data sent to Kassa, and names the payments its pages take.
	Provider
	// OpenPage opens a page for one payment of r.Amount. An error wrapping ErrPageRefused means the processor
	// refused the request for good (a currency it does not take, a bad key): asking again will not help.
	OpenPage(ctx context.Context, r PageRequest) (Page, error)
	// PageOutcome is the payment's state on the page named by Page.ID: StatusSucceeded once the customer paid
	// (ProviderTransactionID names the processor's payment, for refunds), StatusPending while the customer is still
	// on the page, a decline or failure once the page closed without a payment.
	PageOutcome(ctx context.Context, pageID string) (Result, error)
	// ClosePage closes the page so that nobody can pay on it any more, and returns its outcome as PageOutcome then
	// gives it: StatusSucceeded when the customer had paid before it closed (the caller records that payment
	// instead of cancelling), a decline otherwise. Closing a closed page is not an error.
	ClosePage(ctx context.Context, pageID string) (Result, error)
}

// PageRequest asks for a hosted page.
type PageRequest struct {
	// IdempotencyKey is derived from the Kassa object the page is for; the same key gives the same page.
	IdempotencyKey string
	// Amount in minor units of Currency (ISO 4217, upper case).
	Amount   int64
	Currency string
	// Description is the line the customer sees; CustomerEmail prefills the page when known.
	Description   string
	CustomerEmail string
	// ReturnURL is where the processor sends the customer after paying, CancelURL where it sends a customer who
	// leaves without paying: both are Kassa's, which then asks PageOutcome.
	ReturnURL, CancelURL string
	// ExpiresAt is when the page should stop taking payments. A processor clamps it to the window it allows,
	// counted from OpenedAt (when the Kassa object was created), so that asking again sends the same request.
	OpenedAt, ExpiresAt time.Time
}

// Page is an opened hosted page.
type Page struct {
	// ID is the processor's id of the page, for PageOutcome and ClosePage.
	ID string
	// URL is where the customer pays.
	URL string
}

// ErrPageRefused means the processor refused to open a page for the request; retrying it will not help.
var ErrPageRefused = errors.New("provider: hosted page refused")
