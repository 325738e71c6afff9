package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/crashpoint"
	"github.com/kassapay/kassa/internal/customer"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/ledger"
	"github.com/kassapay/kassa/internal/money"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/vault"
	"github.com/kassapay/kassa/internal/webhook"
)

// sourceOrder is the source_kind of payments made for orders.
const sourceOrder = "order"

// OrderInput is a new order.
type OrderInput struct {
	Amount   int64
	Currency string // default INR
	Receipt  string
	Notes    json.RawMessage
}

// CreateOrder records an order to be paid with CreateOrderPayment. Every invalid field is reported, the first in
// param.
func (g *Gateway) CreateOrder(ctx context.Context, a Auth, in OrderInput) (checkout.Order, error) {
	in.maskCardNumbers()
	var problems []Problem
	add := func(param, code, msg string) {
		problems = append(problems, Problem{Param: param, Code: code, Message: msg})
	}
	if in.Amount < checkout.MinOrderAmount || in.Amount > money.MaxAmount {
		add("amount", "invalid_amount", fmt.Sprintf("amount must be an integer in minor units from %d to %d.", checkout.MinOrderAmount, money.MaxAmount))
	}
	if in.Currency == "" {
		in.Currency = checkout.DefaultOrderCurrency
	}
	if _, err := money.ParseCurrency(in.Currency); err != nil {
		add("currency", "invalid_currency", "currency must be an ISO 4217 code in upper case, e.g. INR.")
	}
	if utf8.RuneCountInString(in.Receipt) > checkout.MaxReceiptLength || !customer.Printable(in.Receipt) {
		add("receipt", "parameter_invalid", fmt.Sprintf("receipt must be at most %d printable characters.", checkout.MaxReceiptLength))
	}
	if len(in.Notes) == 0 || string(in.Notes) == "null" {
		in.Notes = json.RawMessage("{}")
	} else if !json.Valid(in.Notes) || in.Notes[0] != '{' || len(in.Notes) > maxMetadataBytes {
		add("notes", "parameter_invalid", "notes must be a JSON object of at most 8 KB.")
	}
	if len(problems) > 0 {
		first := problems[0]
		e := &Error{Kind: KindInvalid, Code: first.Code, Message: first.Message, Param: first.Param}
		if len(problems) > 1 {
			e.Problems = problems
		}
		return checkout.Order{}, e
	}
	now := g.Now()
	o := checkout.Order{
		ID: id.New("order_", now), MerchantID: a.Merchant.ID, Livemode: a.Livemode(), Amount: in.Amount, Currency: in.Currency,
		Receipt: in.Receipt, Notes: in.Notes, Status: checkout.OrderCreated, CreatedAt: now, UpdatedAt: now,
	}
	return o, g.store.InsertOrder(ctx, o)
}

// GetOrder returns one of the caller's orders.
func (g *Gateway) GetOrder(ctx context.Context, a Auth, orderID string) (checkout.Order, error) {
	if !id.HasPrefix(orderID, "order_") {
		return checkout.Order{}, NotFound("order", orderID)
	}
	o, err := g.store.GetOrder(ctx, a.Merchant.ID, a.Livemode(), orderID)
	return o, notFoundAs(err, "order", orderID)
}

// ListOrders returns a page of the caller's orders, newest first.
func (g *Gateway) ListOrders(ctx context.Context, a Auth, f store.OrderFilter) ([]checkout.Order, bool, error) {
	f.MerchantID, f.Livemode = a.Merchant.ID, a.Livemode()
	return listPage(&f.Limit, false, func() ([]checkout.Order, error) { return g.store.ListOrders(ctx, f) })
}

// OrderObject is an order as the API shows it.
type OrderObject struct {
	Object    string          `json:"object" enum:"order"`
	ID        string          `json:"id"`
	Livemode  bool            `json:"livemode"`
	Amount    int64           `json:"amount" doc:"Minor units of currency (at least 100)."`
	Currency  string          `json:"currency"`
	Receipt   string          `json:"receipt"`
	Notes     json.RawMessage `json:"notes"`
	Status    string          `json:"status" enum:"created,attempted,paid"`
	PaymentID *string         `json:"payment_id" doc:"The latest payment attempt."`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
}

// OrderView renders an order.
func OrderView(o checkout.Order) OrderObject {
	return OrderObject{
		Object: "order", ID: o.ID, Livemode: o.Livemode, Amount: o.Amount, Currency: o.Currency, Receipt: o.Receipt,
		Notes: PublicMetadata(o.Notes), Status: string(o.Status), PaymentID: optional(o.PaymentID),
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
	}
}

// OrderPaymentInput is a payment of an order: UPI with a VPA, or a card.
type OrderPaymentInput struct {
	OrderID string
	Method  string // "upi" or "card"
	VPA     string
	Card    *CardInput
	Email   string
	// ClientIP is the customer's address (the browser's on the public route, the merchant's word on the secret one),
	// for the fraud rules.
	ClientIP string
}

// ProcessOrderPaymentArgs is the job that settles an order payment (ProcessOrderPayment). It is inserted in the
// transaction that records the payment, so a payment is never left without its worker.
type ProcessOrderPaymentArgs struct {
	PaymentID string `json:"payment_id"`
}

// Kind implements river.JobArgs.
func (ProcessOrderPaymentArgs) Kind() string { return "order_payment" }

// Errors of CreateOrderPayment beyond field validation.
var (
	errOrderPaid = &Error{Kind: KindConflict, Code: "order_already_paid", Message: "This order is already paid."}
	errOrderBusy = &Error{Kind: KindConflict, Code: "payment_in_progress",
		Message: "A payment of this order is being processed; wait for its outcome before trying again."}
)

// validateOrderCard checks an order's card with document 004's codes (validateCard) and its cardholder name.
func (g *Gateway) validateOrderCard(c CardInput) (vault.Card, error) {
	card, err := g.validateCard(c, orderCardCodes)
	if err != nil {
		return card, err
	}
	if !customer.Printable(c.Name) || utf8.RuneCountInString(c.Name) > 200 {
		return vault.Card{}, InvalidParam("card.name", "parameter_invalid", "The cardholder name must be at most 200 printable characters.")
	}
	return card, nil
}

// CreateOrderPayment starts a payment of an order and returns it pending; a River job (ProcessOrderPayment) settles it
// after PaymentOptions.AsyncDelay. Amount and currency come from the order. The payment, the order's new status and the
// job commit together.
//
// The provider's first phase runs here, in the request, while the customer is present: a UPI collect request goes out
// at once (the payer approves it in their app while the job waits), and a card is authorized with its CVV. The CVV
// exists only in this request's memory (docs/architecture.md §9): it is neither stored nor put in the job's arguments.
// The job repeats the first phase with the same idempotency key and the vaulted card without CVV, which the provider
// contract answers from its record of the key (see provider.Request), and then captures. If the process dies before the
// authorization went out, that repeat is the first call the provider sees: the authorization is then made without CVV,
// as for a stored card, which the contract also requires providers to accept.
func (g *Gateway) CreateOrderPayment(ctx context.Context, a Auth, in OrderPaymentInput) (payment.Payment, error) {
	if paymentID := resumePoint(ctx, "pay_"); paymentID != "" {
		return g.resumeOrderPayment(ctx, a, paymentID)
	}
	in.maskCardNumbers()
	var card vault.Card
	switch in.Method {
	case string(payment.MethodUPI):
		if in.Card != nil {
			return payment.Payment{}, InvalidParam("card", "parameter_conflict", "Send a card only with method card.")
		}
		if in.VPA == "" {
			return payment.Payment{}, InvalidParam("vpa", "parameter_missing", "vpa is required for method upi.")
		}
		if !payment.ValidVPA(in.VPA) {
			return payment.Payment{}, InvalidParam("vpa", "invalid_vpa", "The UPI address must look like name@bank (letters, digits, . _ - before the @; letters and digits after).")
		}
	case string(payment.MethodCard):
		if in.VPA != "" {
			return payment.Payment{}, InvalidParam("vpa", "parameter_conflict", "Send a vpa only with method upi.")
		}
		if in.Card == nil {
			return payment.Payment{}, InvalidParam("card", "parameter_missing", "card is required for method card.")
		}
		var err error
		if card, err = g.validateOrderCard(*in.Card); err != nil {
			return payment.Payment{}, err
		}
	default:
		return payment.Payment{}, InvalidParam("method", "parameter_invalid", "method must be upi or card.")
	}
	if in.Email != "" && !customer.ValidEmail(in.Email) {
		return payment.Payment{}, InvalidParam("email", "parameter_invalid", "The email address is not valid.")
	}
	clientIP, err := normalizeClientIP(in.ClientIP)
	if err != nil {
		return payment.Payment{}, InvalidParam("client_ip", "parameter_invalid", "client_ip must be an IPv4 or IPv6 address.")
	}
	order, err := g.GetOrder(ctx, a, in.OrderID)
	if err != nil {
		return payment.Payment{}, err
	}
	// An order payment is tried on its first route only: its worker settles it later, with no customer waiting.
	want := provider.Route{Method: in.Method, Currency: order.Currency, Amount: order.Amount}
	if in.Method == string(payment.MethodCard) {
		want = cardRoute(order.Amount, order.Currency, card)
	}
	routes, err := g.routesFor(ctx, g.store, a.Merchant.ID, a.Livemode(), want)
	if err != nil {
		return payment.Payment{}, err
	}
	prov := routes[0].prov
	var p payment.Payment
	var fraudDeclined bool
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		fraudDeclined = false
		o, err := tx.LockOrder(ctx, in.OrderID)
		if err != nil {
			return err
		}
		if o.Status == checkout.OrderPaid {
			return errOrderPaid
		}
		if o.PaymentID != "" {
			prev, err := tx.LockPayment(ctx, o.PaymentID)
			if err != nil {
				return err
			}
			if prev.Status == payment.StatusPending {
				return errOrderBusy
			}
		}
		if err := takingPayments(ctx, tx, o.MerchantID); err != nil {
			return err
		}
		now := g.Now()
		p = payment.Payment{
			ID: id.New("pay_", now), MerchantID: o.MerchantID, Livemode: o.Livemode, Status: payment.StatusPending,
			Method: payment.Method(in.Method), CaptureMethod: payment.CaptureAutomatic, Amount: o.Amount, Currency: o.Currency,
			CustomerEmail: strings.ToLower(in.Email), Metadata: o.Notes, SourceKind: sourceOrder, SourceID: o.ID, Provider: prov.Name(), ProfileID: routes[0].profile.ID,
			VPA: in.VPA, CreatedAt: now, UpdatedAt: now,
		}
		if p.Method == payment.MethodCard {
			p.CustomerName = in.Card.Name
			p.ClientIP = clientIP
			if err := g.vaultCard(ctx, tx, &p, card); err != nil {
				return err
			}
			// Scored like every card payment, before any provider call (docs/architecture.md §9, internal/fraud).
			if fraudDeclined, err = g.assessFraud(ctx, tx, &p, card); err != nil {
				return err
			}
		}
		if err := tx.InsertPayment(ctx, p); err != nil {
			return err
		}
		if p.Method == payment.MethodCard {
			if err := tx.UpdatePaymentCard(ctx, p); err != nil {
				return err
			}
		}
		if o.Status == checkout.OrderCreated {
			o.Status = checkout.OrderAttempted
		}
		o.PaymentID, o.UpdatedAt = p.ID, now
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
		if err := g.bindRecoveryPoint(ctx, tx, p.ID); err != nil {
			return err
		}
		if fraudDeclined {
			res := provider.Result{Status: provider.StatusDeclined, DeclineCode: DeclineFraudulent,
				ResponseMessage: fmt.Sprintf("Declined as high fraud risk (score %d)", p.Fraud.Score)}
			_, err := g.recordCardOutcome(ctx, tx, &p, res, false)
			return err
		}
		return tx.Enqueue(ctx, ProcessOrderPaymentArgs{PaymentID: p.ID}, &river.InsertOpts{ScheduledAt: now.Add(g.asyncDelay())})
	})
	if err != nil {
		return payment.Payment{}, err
	}
	if fraudDeclined {
		return payment.Payment{}, declineError(p)
	}
	req := orderFirstPhase(p)
	if p.Method == payment.MethodCard {
		req.Card = &provider.Card{Number: card.Number, ExpMonth: card.ExpMonth, ExpYear: card.ExpYear, CVV: in.Card.CVV, Name: card.Name}
	}
	crashpoint.Hit("order.begun")
	callCtx, cancel := providerContext(ctx)
	defer cancel()
	res, err := prov.Do(callCtx, req)
	crashpoint.Hit("order.called")
	if err != nil {
		// The job repeats the call with the same key; nothing is lost.
		g.log.WarnContext(ctx, "order payment: first provider call without an outcome; the worker asks again", "payment_id", p.ID, "err", err)
		return p, nil
	}
	if p.Method == payment.MethodCard {
		// The worker waits for this answer (see ProcessOrderPayment): a decline is recorded now, an authorization is
		// noted on the payment so that the worker may capture it at once.
		if err := g.noteOrderAuthorization(ctx, p.ID, res); err != nil {
			g.log.WarnContext(ctx, "order payment: recording the authorization's answer; the worker asks again", "payment_id", p.ID, "err", err)
		}
	}
	return p, nil
}

// resumeOrderPayment answers a retry that took over the idempotency key of an order payment whose first run died
// after recording it: the payment the key made, as it stands (its worker settles it as for any order payment), or the
// fraud decline that run answered with. It never starts a second payment of the order.
func (g *Gateway) resumeOrderPayment(ctx context.Context, a Auth, paymentID string) (payment.Payment, error) {
	p, err := g.store.GetPayment(ctx, a.Merchant.ID, a.Livemode(), paymentID)
	if err != nil {
		return payment.Payment{}, notFoundAs(err, "payment", paymentID)
	}
	if p.Status == payment.StatusFailed && p.DeclineCode == DeclineFraudulent {
		return payment.Payment{}, declineError(p)
	}
	return p, nil
}

// noteOrderAuthorization records the answer to an order's card authorization made in the request: a decline
// finishes the payment, a success stores the authorization's provider transaction id on the pending payment.
func (g *Gateway) noteOrderAuthorization(ctx context.Context, paymentID string, res provider.Result) error {
	if res.Status != provider.StatusSucceeded {
		if !res.Final() {
			return nil
		}
		return g.finishOrderPayment(ctx, paymentID, res, res)
	}
	return g.store.InTx(ctx, func(tx store.Tx) error {
		p, err := tx.LockPayment(ctx, paymentID)
		if err != nil || p.Status != payment.StatusPending || p.ProviderTransactionID != "" {
			return err
		}
		p.ProviderTransactionID, p.UpdatedAt = res.ProviderTransactionID, g.Now()
		return tx.UpdatePayment(ctx, p)
	})
}

// orderAuthorizationWait is how long after a card order payment's creation the worker leaves the authorization to
// the request: the request's call, with the CVV, is bounded by providerTimeout.
const orderAuthorizationWait = providerTimeout + time.Second

func (g *Gateway) asyncDelay() time.Duration { return max(g.payments.AsyncDelay, 0) }

// orderFirstPhase is the provider request that starts an order payment (without card data): a UPI sale, or a card
// authorization. Its idempotency key is derived from the payment, so every repeat is the same request.
func orderFirstPhase(p payment.Payment) provider.Request {
	if p.Method == payment.MethodUPI {
		return provider.Request{Operation: provider.OperationSale, IdempotencyKey: p.ID + ":sale", Amount: p.Amount,
			Currency: p.Currency, VPA: p.VPA}
	}
	return provider.Request{Operation: provider.OperationAuthorize, IdempotencyKey: p.ID + ":authorize", Amount: p.Amount,
		Currency: p.Currency}
}

// ProcessOrderPayment settles a pending order payment; it is the order_payment job's work and is safe to run any
// number of times, concurrently too: the outcome is recorded once, under the payment's row lock, with its
// transactions, ledger journal, the order's new status and exactly one payment.succeeded or payment.failed.
//
// UPI: the sale is asked again (same key) for its transaction id, then Lookup gives the payer's decision; while it
// is still pending the job waits (a *NotDueError). Card: the authorization is asked again (same key, no CVV), then
// captured. A provider that gives no outcome makes the job fail and River retry it; after maxRecoveryAttempts such
// calls the payment fails with a timeout.
func (g *Gateway) ProcessOrderPayment(ctx context.Context, paymentID string) error {
	p, err := g.store.GetPaymentByID(ctx, paymentID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	}
	if p.Status != payment.StatusPending || p.SourceKind != sourceOrder {
		return nil
	}
	if p.Method == payment.MethodCard && p.ProviderTransactionID == "" {
		// The request authorizes the card with its CVV; repeating the authorization without CVV while that call
		// may still be in flight could reach the provider first and skip the CVV check. Wait for its answer or
		// for its time limit.
		if until := p.CreatedAt.Add(orderAuthorizationWait); g.Now().Before(until) {
			return &NotDueError{Until: until}
		}
	}
	prov, err := g.providerOf(ctx, g.store, p)
	if err != nil {
		return err
	}
	req := orderFirstPhase(p)
	if p.Method == payment.MethodCard {
		saved, err := g.store.GetSavedCard(ctx, p.PaymentMethodID)
		if err != nil {
			return err
		}
		c, err := g.payments.Vault.Open(saved.ID, saved.Sealed)
		if err != nil {
			return fmt.Errorf("gateway: open vaulted card of %s: %w", p.ID, err)
		}
		req.Card = &provider.Card{Number: c.Number, ExpMonth: c.ExpMonth, ExpYear: c.ExpYear, Name: c.Name}
	}
	callCtx, cancel := context.WithTimeout(ctx, JobProviderTimeout)
	defer cancel()
	first, callErr := prov.Do(callCtx, req)
	second := first
	if callErr == nil {
		switch {
		case first.Status == provider.StatusPending:
			second, callErr = prov.Lookup(callCtx, first.ProviderTransactionID)
			if callErr == nil && second.Status == provider.StatusPending {
				wait := max(second.PollAfter, first.PollAfter, time.Second)
				return &NotDueError{Until: time.Now().Add(wait)}
			}
		case p.Method == payment.MethodCard && first.Status == provider.StatusSucceeded:
			second, callErr = prov.Do(callCtx, provider.Request{
				Operation: provider.OperationCapture, IdempotencyKey: p.ID + ":capture", Amount: p.Amount, Currency: p.Currency,
				ProviderTransactionID: first.ProviderTransactionID,
			})
		}
	}
	if callErr != nil {
		if err := g.unanswered(ctx, "order payment "+p.ID, p.ID, callErr); err != nil {
			return err
		}
		if first.ProviderTransactionID == "" {
			first = provider.TimeoutResult()
		}
		second = provider.TimeoutResult()
		if p.Method == payment.MethodCard && first.Status == provider.StatusSucceeded {
			// The card is authorized but its capture never got an answer: the payment fails, and the hold is
			// released rather than left on the customer's card until it lapses.
			// Only the run that recorded the failure voids: another run may have captured it meanwhile.
			recorded, err := g.recordOrderOutcome(ctx, p.ID, first, second)
			if err != nil || !recorded {
				return err
			}
			return g.voidOrderAuthorization(ctx, prov, p, first.ProviderTransactionID)
		}
	}
	crashpoint.Hit("order.job.called")
	return g.finishOrderPayment(ctx, p.ID, first, second)
}

// voidOrderAuthorization releases the authorization of an order payment whose capture got no answer, and records
// the void as a transaction of the (failed) payment. A void without an answer is logged: the hold then lapses at
// the issuer.
func (g *Gateway) voidOrderAuthorization(ctx context.Context, prov provider.Provider, p payment.Payment, authID string) error {
	callCtx, cancel := context.WithTimeout(ctx, JobProviderTimeout)
	defer cancel()
	res, err := prov.Do(callCtx, provider.Request{Operation: provider.OperationVoid, IdempotencyKey: p.ID + ":void",
		Amount: p.Amount, Currency: p.Currency, ProviderTransactionID: authID})
	if err != nil {
		g.log.WarnContext(ctx, "order payment: void of an uncaptured authorization got no answer; the hold lapses at the issuer", "payment_id", p.ID, "err", err)
		return nil
	}
	return g.store.InsertTransaction(ctx, providerTransaction(p, payment.TxnVoid, p.Amount, res, g.Now()))
}

// finishOrderPayment records an order payment's outcome unless it was recorded already. For a card, first is the
// authorization and final the capture (the same result when the authorization failed); for UPI, first is the sale's
// pending answer and final the payer's decision.
//
// Locks are taken order first, then payment, as CreateOrderPayment takes them: the opposite order deadlocks on
// PostgreSQL when a customer retries an order while its payment settles.
func (g *Gateway) finishOrderPayment(ctx context.Context, paymentID string, first, final provider.Result) error {
	_, err := g.recordOrderOutcome(ctx, paymentID, first, final)
	return err
}

// recordOrderOutcome is finishOrderPayment; recorded says whether this call recorded the outcome (false when another
// run had already moved the payment on).
func (g *Gateway) recordOrderOutcome(ctx context.Context, paymentID string, first, final provider.Result) (recorded bool, err error) {
	unlocked, err := g.store.GetPaymentByID(ctx, paymentID)
	if err != nil {
		return false, err
	}
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		recorded = false
		o, err := tx.LockOrder(ctx, unlocked.SourceID)
		if err != nil {
			return err
		}
		p, err := tx.LockPayment(ctx, paymentID)
		if err != nil {
			return err
		}
		if p.Status != payment.StatusPending {
			return nil // recorded already (two workers raced)
		}
		recorded = true
		now := g.Now()
		txn := func(typ payment.TransactionType, r provider.Result) payment.Transaction {
			return providerTransaction(p, typ, p.Amount, r, now)
		}
		var txns []payment.Transaction
		if p.Method == payment.MethodCard {
			txns = append(txns, txn(payment.TxnAuthorize, first))
			if first.Status == provider.StatusSucceeded {
				txns = append(txns, txn(payment.TxnCapture, final))
			}
		} else {
			txns = append(txns, txn(payment.TxnSale, final))
		}
		p.ProviderTransactionID, p.UpdatedAt = firstNonEmpty(final.ProviderTransactionID, first.ProviderTransactionID), now
		evType := webhook.EventPaymentSucceeded
		if final.Status == provider.StatusSucceeded && (p.Method != payment.MethodCard || first.Status == provider.StatusSucceeded) {
			p.Status, p.Captured = payment.StatusCaptured, p.Amount
			o.Status = checkout.OrderPaid
			j := ledger.Capture(p.MerchantID, p.Livemode, p.Currency, p.Amount, txns[len(txns)-1].ID)
			if err := j.Validate(); err != nil {
				return err
			}
			if err := tx.InsertJournal(ctx, id.New("jrn_", now), j, now); err != nil {
				return err
			}
		} else {
			p.Status, p.FailureCode, p.FailureMessage, p.DeclineCode = payment.StatusFailed, final.ResponseCode, final.ResponseMessage, final.DeclineCode
			evType = webhook.EventPaymentFailed
		}
		if err := payment.Transition(payment.StatusPending, p.Status); err != nil {
			return err
		}
		for _, t := range txns {
			if err := tx.InsertTransaction(ctx, t); err != nil {
				return err
			}
		}
		if err := tx.UpdatePayment(ctx, p); err != nil {
			return err
		}
		o.UpdatedAt = now
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
		_, err = g.RecordEvent(ctx, tx, EventInput{MerchantID: p.MerchantID, Livemode: p.Livemode, Type: evType, ObjectID: p.ID, Data: PaymentView(p)})
		return err
	})
	return recorded, err
}
