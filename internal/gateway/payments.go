package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kassapay/kassa/internal/customer"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/refund"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/webhook"
)

// Front doors, as payments record them (payment.Payment.SourceKind).
const (
	SourceSession = "checkout_session"
	SourceLink    = "payment_link"
	SourceIntent  = "payment_intent"
	SourceDirect  = "direct"
)

// DirectInput is a card payment the merchant's server sends with the card data (document 002's authorize and
// sale): the merchant runs its own checkout form.
type DirectInput struct {
	Amount        int64
	Currency      string
	Card          CardInput
	CustomerEmail string
	CustomerName  string
	Description   string
	Metadata      json.RawMessage
	// ClientIP is the customer's address as the merchant saw it (optional), for the fraud rules.
	ClientIP string
}

// ChargeCard authorizes (capture false: held for 7 days, captured later) or sells (capture true) with card data
// sent by the merchant's server. The card is vaulted, the attempt is scored for fraud and the provider is called
// over the §5 protocol. A decline answers 402 card_declined with the decline code, the response code and the failed
// payment's id; a provider that does not answer leaves the payment pending for the recovery job.
func (g *Gateway) ChargeCard(ctx context.Context, a Auth, in DirectInput, capture bool) (payment.Payment, error) {
	if paymentID := resumePoint(ctx, "pay_"); paymentID != "" {
		return g.resumeCardPayment(ctx, a, paymentID)
	}
	in.maskCardNumbers()
	var problems []Problem
	add := func(param, code, msg string) {
		problems = append(problems, Problem{Param: param, Code: code, Message: msg})
	}
	validateAmount(in.Amount, in.Currency, add)
	if in.CustomerEmail != "" && !customer.ValidEmail(in.CustomerEmail) {
		add("customer.email", "parameter_invalid", "customer.email must be an email address.")
	}
	if !customer.Printable(in.CustomerName) || utf8.RuneCountInString(in.CustomerName) > 200 {
		add("customer.name", "parameter_invalid", "customer.name must be at most 200 printable characters.")
	}
	if !customer.Printable(in.Card.Name) || utf8.RuneCountInString(in.Card.Name) > 200 {
		add("card.cardholder_name", "parameter_invalid", "card.cardholder_name must be at most 200 printable characters.")
	}
	if utf8.RuneCountInString(in.Description) > 1000 {
		add("description", "parameter_invalid", "description is longer than 1000 characters.")
	}
	if !validMetadata(in.Metadata) {
		add("metadata", "parameter_invalid", "metadata must be a JSON object of at most 8 KB.")
	}
	clientIP, ipErr := normalizeClientIP(in.ClientIP)
	if ipErr != nil {
		add("client_ip", "parameter_invalid", "client_ip must be an IPv4 or IPv6 address.")
	}
	if err := problemsError(problems); err != nil {
		return payment.Payment{}, err
	}
	card, err := g.validateCard(in.Card, directCardCodes)
	if err != nil {
		return payment.Payment{}, err
	}
	if a.Merchant.Status != merchant.StatusActive {
		return payment.Payment{}, errMerchantNotTakingPayments
	}
	routes, err := g.routesFor(ctx, g.store, a.Merchant.ID, a.Livemode(), cardRoute(in.Amount, in.Currency, card))
	if err != nil {
		return payment.Payment{}, err
	}
	now := g.Now()
	method := payment.CaptureAutomatic
	if !capture {
		method = payment.CaptureManual
	}
	at := &cardAttempt{card: card, cvv: in.Card.CVV, p: payment.Payment{
		ID: id.New("pay_", now), MerchantID: a.Merchant.ID, Livemode: a.Livemode(), CaptureMethod: method,
		Amount: in.Amount, Currency: in.Currency, CustomerEmail: strings.ToLower(in.CustomerEmail),
		CustomerName: firstNonEmpty(in.CustomerName, in.Card.Name), Description: in.Description, Metadata: in.Metadata,
		SourceKind: SourceDirect, Direct: payment.Direct{ClientIP: clientIP},
	}}
	at.useRoutes(routes)
	at.p.Provider, at.p.ProfileID = at.prov.Name(), at.profileID
	at.p.SourceID = at.p.ID
	declined := false
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if declined, err = g.beginCardPayment(ctx, tx, at); err != nil {
			return err
		}
		return g.bindRecoveryPoint(ctx, tx, at.p.ID)
	})
	if err != nil {
		return payment.Payment{}, err
	}
	p := at.p
	if !declined {
		res, ok := g.callCardProvider(ctx, at)
		if !ok {
			return at.p, nil // pending on the profile it was last tried on; recovery asks it again
		}
		if p, err = g.finishCardPayment(ctx, p.ID, res); err != nil {
			return p, err
		}
	}
	if p.Status == payment.StatusFailed {
		return p, declineError(p)
	}
	return p, nil
}

// resumeCardPayment answers a retry that took over the idempotency key of a card payment whose first run died after
// its first phase: it finishes the payment the key made (asking the provider with the payment's own key, as the
// recovery job would) and answers as that run would have, a decline included. It never starts a second payment.
func (g *Gateway) resumeCardPayment(ctx context.Context, a Auth, paymentID string) (payment.Payment, error) {
	p, err := g.finishPendingCardPayment(ctx, paymentID)
	if err != nil {
		return payment.Payment{}, err
	}
	if p.MerchantID != a.Merchant.ID || p.Livemode != a.Livemode() {
		return payment.Payment{}, NotFound("payment", paymentID)
	}
	if p.Status == payment.StatusFailed {
		return p, declineError(p)
	}
	return p, nil
}

// finishPendingCardPayment returns a payment after giving a pending one the chance to finish now (RecoverPayment);
// when the provider still gives no outcome the payment stays pending for the recovery job, as after a request
// whose call went unanswered.
func (g *Gateway) finishPendingCardPayment(ctx context.Context, paymentID string) (payment.Payment, error) {
	p, err := g.store.GetPaymentByID(ctx, paymentID)
	if err != nil || p.Status != payment.StatusPending {
		return p, err
	}
	if err := g.RecoverPayment(ctx, paymentID); err != nil {
		g.log.WarnContext(ctx, "resuming a payment: the provider gave no outcome; recovery will ask again", "payment_id", paymentID, "err", err)
	}
	return g.store.GetPaymentByID(ctx, paymentID)
}

// CapturePayment captures an authorization in full (amount nil) or in part (the rest is released).
func (g *Gateway) CapturePayment(ctx context.Context, a Auth, paymentID string, amount *int64) (payment.Payment, error) {
	if amount != nil && *amount <= 0 {
		return payment.Payment{}, InvalidParam("amount", "invalid_amount", "amount must be a positive integer in minor units (omit it to capture the whole authorization).")
	}
	return g.startOperation(ctx, a, paymentID, payment.OperationCapture, func(p payment.Payment) (int64, error) {
		if amount == nil {
			return p.Amount, nil
		}
		if *amount > p.Amount {
			return 0, &Error{Kind: KindInvalid, Code: "capture_amount_exceeds_authorized", Param: "amount",
				Message: fmt.Sprintf("The capture amount %d exceeds the authorized amount %d.", *amount, p.Amount)}
		}
		return *amount, nil
	}, "")
}

// VoidPayment releases an authorization before capture; the reason is required and kept for the audit trail.
func (g *Gateway) VoidPayment(ctx context.Context, a Auth, paymentID, reason string) (payment.Payment, error) {
	reason = maskCardNumbers(reason)
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return payment.Payment{}, InvalidParam("reason", "parameter_missing", "reason is required: why the authorization is voided.")
	}
	if utf8.RuneCountInString(reason) > 500 {
		return payment.Payment{}, InvalidParam("reason", "parameter_invalid", "reason is longer than 500 characters.")
	}
	return g.startOperation(ctx, a, paymentID, payment.OperationVoid, func(p payment.Payment) (int64, error) { return p.Amount, nil }, reason)
}

// operationError maps payment.CheckOperation's errors to the API's codes.
func operationError(p payment.Payment, op payment.Operation, err error) error {
	switch {
	case errors.Is(err, payment.ErrOperationInFlight):
		return Errorf(KindConflict, "payment_operation_in_progress", "A %s of this payment is being processed; retry after it is recorded.", p.Operation)
	case errors.Is(err, payment.ErrAlreadyCaptured) && op == payment.OperationVoid:
		return Errorf(KindConflict, "payment_already_captured", "The payment is captured and cannot be voided; refund it instead (POST /api/v1/payments/%s/refund).", p.ID)
	case errors.Is(err, payment.ErrAlreadyCaptured):
		return Errorf(KindConflict, "payment_already_captured", "The payment is already captured.")
	case errors.Is(err, payment.ErrAlreadyVoided):
		return Errorf(KindConflict, "payment_already_voided", "The payment is already voided.")
	case errors.Is(err, payment.ErrAuthorizationExpired):
		return Errorf(KindGone, "authorization_expired", "The authorization expired (authorizations are valid for 7 days); create a new payment.")
	case errors.Is(err, payment.ErrNotAuthorized):
		return Errorf(KindConflict, "payment_not_authorized", "The payment is %s; only authorized payments can be captured or voided.", p.Status)
	}
	return err
}

// GetPayment returns one of the caller's payments.
func (g *Gateway) GetPayment(ctx context.Context, a Auth, paymentID string) (payment.Payment, error) {
	if !id.HasPrefix(paymentID, "pay_") {
		return payment.Payment{}, NotFound("payment", paymentID)
	}
	p, err := g.store.GetPayment(ctx, a.Merchant.ID, a.Livemode(), paymentID)
	return p, notFoundAs(err, "payment", paymentID)
}

// ListPayments returns a page of the caller's payments, newest first.
func (g *Gateway) ListPayments(ctx context.Context, a Auth, f store.PaymentFilter) ([]payment.Payment, bool, error) {
	f.MerchantID, f.Livemode = a.Merchant.ID, a.Livemode()
	return listPage(&f.Limit, false, func() ([]payment.Payment, error) { return g.store.ListPayments(ctx, f) })
}

// ListCardPayments returns a page of the caller's payments, newest first, with the created range, front door and
// offset filters.
func (g *Gateway) ListCardPayments(ctx context.Context, a Auth, f store.CardPaymentFilter) ([]payment.Payment, bool, error) {
	f.MerchantID, f.Livemode = a.Merchant.ID, a.Livemode()
	return listPage(&f.Limit, false, func() ([]payment.Payment, error) { return g.store.ListCardPayments(ctx, f) })
}

// SearchPayments returns a page of the caller's payments matching the dashboard's filters, newest first.
func (g *Gateway) SearchPayments(ctx context.Context, a Auth, f store.PaymentSearch) ([]payment.Payment, bool, error) {
	f.MerchantID, f.Livemode = a.Merchant.ID, a.Livemode()
	return listPage(&f.Limit, false, func() ([]payment.Payment, error) { return g.store.SearchPayments(ctx, f) })
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
