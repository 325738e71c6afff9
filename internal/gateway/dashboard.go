package gateway

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/refund"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/webhook"
)

// BaseURL is the public URL of this instance (KASSA_BASE_URL).
func (g *Gateway) BaseURL() string { return g.baseURL }

// LiveModeAvailable reports whether live mode can be used on this instance.
func (g *Gateway) LiveModeAvailable() bool { return g.live }

// GetProfile returns a merchant's profile (time zone, branding); a merchant that never saved one gets the zero
// profile (UTC, no branding).
func (g *Gateway) GetProfile(ctx context.Context, merchantID string) (merchant.Profile, error) {
	p, err := g.store.GetMerchantProfile(ctx, merchantID)
	if errors.Is(err, store.ErrNotFound) {
		return merchant.Profile{MerchantID: merchantID}, nil
	}
	return p, err
}

// UpdateProfile validates and saves a merchant's profile.
func (g *Gateway) UpdateProfile(ctx context.Context, a Auth, p merchant.Profile) (merchant.Profile, error) {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return p, fieldError(err)
	}
	p.MerchantID, p.UpdatedAt = a.Merchant.ID, g.Now()
	return p, g.store.SaveMerchantProfile(ctx, p)
}

// SearchPayments returns a page of the caller's payments matching the dashboard's filters, newest first.
func (g *Gateway) SearchPayments(ctx context.Context, a Auth, f store.PaymentSearch) ([]payment.Payment, bool, error) {
	f.MerchantID, f.Livemode = a.Merchant.ID, a.Livemode()
	want := f.Limit
	f.Limit++
	rows, err := g.store.SearchPayments(ctx, f)
	if err != nil {
		return nil, false, err
	}
	return trimPage(rows, want, false)
}

// PaymentStats sums the caller's payments created in each of the ranges bounds[i] ≤ t < bounds[i+1], by status and
// currency: one list per range.
func (g *Gateway) PaymentStats(ctx context.Context, a Auth, bounds []time.Time) ([][]store.PaymentStat, error) {
	out := make([][]store.PaymentStat, 0, len(bounds))
	for i := 0; i+1 < len(bounds); i++ {
		rows, err := g.store.PaymentStats(ctx, a.Merchant.ID, a.Livemode(), bounds[i], bounds[i+1])
		if err != nil {
			return nil, err
		}
		out = append(out, rows)
	}
	return out, nil
}

// RefundStats sums the caller's succeeded refunds created in [from, to) by currency.
func (g *Gateway) RefundStats(ctx context.Context, a Auth, from, to time.Time) ([]store.RefundStat, error) {
	return g.store.RefundStats(ctx, a.Merchant.ID, a.Livemode(), from, to)
}

// PaymentTimeline is everything the dashboard shows about one payment.
type PaymentTimeline struct {
	Payment      payment.Payment
	Transactions []payment.Transaction
	Refunds      []refund.Refund
	// Events are the payment's, its refunds' and its checkout session's, oldest first.
	Events []webhook.Event
	// Deliveries are those of Events, by event id.
	Deliveries map[string][]webhook.Delivery
}

// timelineLimit bounds each list of a timeline.
const timelineLimit = 100

// GetPaymentTimeline returns one of the caller's payments with its transactions, refunds, events and deliveries.
func (g *Gateway) GetPaymentTimeline(ctx context.Context, a Auth, paymentID string) (PaymentTimeline, error) {
	p, err := g.GetPayment(ctx, a, paymentID)
	if err != nil {
		return PaymentTimeline{}, err
	}
	t := PaymentTimeline{Payment: p, Deliveries: map[string][]webhook.Delivery{}}
	page := store.Page{Limit: timelineLimit}
	if t.Transactions, err = g.store.ListTransactions(ctx, store.TransactionFilter{MerchantID: p.MerchantID, Livemode: p.Livemode, PaymentID: p.ID, Page: page}); err != nil {
		return t, err
	}
	if t.Refunds, err = g.store.ListRefunds(ctx, store.RefundFilter{MerchantID: p.MerchantID, Livemode: p.Livemode, PaymentID: p.ID, Page: page}); err != nil {
		return t, err
	}
	objects := []string{p.ID}
	if p.SourceID != "" {
		objects = append(objects, p.SourceID)
	}
	for _, r := range t.Refunds {
		objects = append(objects, r.ID)
	}
	for _, obj := range objects {
		evs, err := g.store.ListEvents(ctx, store.EventFilter{MerchantID: p.MerchantID, Livemode: p.Livemode, ObjectID: obj, Page: page})
		if err != nil {
			return t, err
		}
		t.Events = append(t.Events, evs...)
	}
	slices.SortFunc(t.Events, func(x, y webhook.Event) int { return strings.Compare(x.ID, y.ID) })
	for _, ev := range t.Events {
		ds, err := g.store.ListWebhookDeliveries(ctx, store.DeliveryFilter{MerchantID: p.MerchantID, Livemode: p.Livemode, EventID: ev.ID, Page: page})
		if err != nil {
			return t, err
		}
		t.Deliveries[ev.ID] = ds
	}
	slices.Reverse(t.Transactions)
	slices.Reverse(t.Refunds)
	return t, nil
}
