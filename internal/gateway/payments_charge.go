package gateway

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/crashpoint"
	"github.com/kassapay/kassa/internal/customer"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/vault"
	"github.com/kassapay/kassa/internal/webhook"
	"github.com/riverqueue/river"
)

// CardInput is card data as a customer typed it. It lives only in memory: the number goes to the vault, the CVV
// only to the provider call.
type CardInput struct {
	Number   string
	ExpMonth int
	ExpYear  int
	CVV      string
	Name     string
	// Remember is the shopper's "remember this card" on the hosted page: a successful payment saves the card to
	// the wallet of the payment's e-mail (DESIGN §15). The direct API never sets it.
	Remember bool
}

// cardCodes are the error codes bad card data gets: the hosted page, the direct API and intents use document 002's,
// orders document 004's (invalid_card, expired_card).
type cardCodes struct{ number, luhn, expiryMonth, expiryYear, expired, cvv string }

var (
	directCardCodes = cardCodes{number: "invalid_card_number", luhn: "invalid_card_number", expiryMonth: "invalid_expiry_month",
		expiryYear: "invalid_expiry_year", expired: "expired_card", cvv: "invalid_cvc"}
	orderCardCodes = cardCodes{number: "invalid_card", luhn: "invalid_card", expiryMonth: "expired_card",
		expiryYear: "expired_card", expired: "expired_card", cvv: "invalid_card"}
)

// validateCard checks card data (number and Luhn, expiry, CVV for the brand) before anything is stored or sent, and
// names the field at fault with the front door's code.
func (g *Gateway) validateCard(c CardInput, codes cardCodes) (vault.Card, error) {
	number, err := vault.NormalizeNumber(c.Number)
	switch {
	case errors.Is(err, vault.ErrNumberLuhn):
		return vault.Card{}, InvalidParam("card.number", codes.luhn, "The card number is not valid (check digit).")
	case err != nil:
		return vault.Card{}, InvalidParam("card.number", codes.number, "The card number must be 13 to 19 digits.")
	}
	year, err := vault.ValidateExpiry(c.ExpMonth, c.ExpYear, g.Now())
	switch {
	case errors.Is(err, vault.ErrExpired):
		return vault.Card{}, InvalidParam("card.exp_year", codes.expired, "The card has expired.")
	case errors.Is(err, vault.ErrExpiryMonth):
		return vault.Card{}, InvalidParam("card.exp_month", codes.expiryMonth, "The expiry month must be 1 to 12.")
	case err != nil:
		return vault.Card{}, InvalidParam("card.exp_year", codes.expiryYear, "The expiry year must have 2 or 4 digits and lie at most 20 years ahead.")
	}
	if err := vault.ValidateCVV(c.CVV, vault.DetectBrand(number)); err != nil {
		return vault.Card{}, InvalidParam("card.cvv", codes.cvv, "The security code must be 3 digits (4 for American Express).")
	}
	return vault.Card{Number: number, ExpMonth: c.ExpMonth, ExpYear: year, Name: c.Name}, nil
}

// cardAttempt is one card payment attempt on its way to the provider. The card (with its number) and the CVV live
// only here, in memory.
type cardAttempt struct {
	p        payment.Payment
	card     vault.Card
	cvv      string
	scenario provider.Scenario
	prov     provider.Provider
	// profileID is the profile prov serves; next are the routes to fall back to, in order.
	profileID string
	next      []route
	// settled is the session a fraud decline settled, for a session's or link's payment.
	settled checkout.Session
}

// useRoutes puts the attempt on the first of routes and keeps the others to fall back to.
func (at *cardAttempt) useRoutes(routes []route) {
	at.prov, at.profileID, at.next = routes[0].prov, routes[0].profile.ID, routes[1:]
}

// shopperAttempt checks what a shopper typed on a page (the card, the cardholder name, the e-mail) before anything
// is locked or stored, and starts the attempt; nameParam and emailParam name the fields as the page's front door
// does. An unknown scenario is none.
func (g *Gateway) shopperAttempt(in CardInput, email string, scenario provider.Scenario, nameParam, emailParam string) (*cardAttempt, error) {
	card, err := g.validateCard(in, directCardCodes)
	if err != nil {
		return nil, err
	}
	if !customer.Printable(in.Name) || utf8.RuneCountInString(in.Name) > 200 {
		return nil, InvalidParam(nameParam, "parameter_invalid", "The cardholder name must be at most 200 printable characters.")
	}
	if email != "" && !customer.ValidEmail(email) {
		return nil, InvalidParam(emailParam, "parameter_invalid", "The email address is not valid.")
	}
	if !scenario.Valid() {
		scenario = provider.ScenarioNone
	}
	return &cardAttempt{card: card, cvv: in.CVV, scenario: scenario}, nil
}

// cardOperation is the provider operation of a card payment: a sale, or an authorization for manual capture.
func cardOperation(p payment.Payment) provider.Operation {
	if p.CaptureMethod == payment.CaptureManual {
		return provider.OperationAuthorize
	}
	return provider.OperationSale
}

// beginCardPayment is phase 1's common part, inside the front door's transaction: it vaults the card, scores the
// attempt and inserts the payment. A payment the fraud rules decline is recorded failed at once, with its front
// door's bookkeeping and events, and declined is true: there is no provider call. Otherwise the payment is pending
// and its recovery job is queued.
func (g *Gateway) beginCardPayment(ctx context.Context, tx store.Tx, at *cardAttempt) (declined bool, err error) {
	p := &at.p
	now := g.Now()
	if err := g.vaultCard(ctx, tx, p, at.card); err != nil {
		return false, err
	}
	p.Status, p.Method, p.CreatedAt, p.UpdatedAt = payment.StatusPending, payment.MethodCard, now, now
	if p.CaptureMethod == "" {
		p.CaptureMethod = payment.CaptureAutomatic
	}
	decline, err := g.assessFraud(ctx, tx, p, at.card)
	if err != nil {
		return false, err
	}
	if err := tx.InsertPayment(ctx, *p); err != nil {
		return false, err
	}
	if err := tx.UpdatePaymentCard(ctx, *p); err != nil {
		return false, err
	}
	if decline {
		res := provider.Result{Status: provider.StatusDeclined, DeclineCode: DeclineFraudulent,
			ResponseMessage: fmt.Sprintf("Declined as high fraud risk (score %d)", p.Fraud.Score)}
		at.settled, err = g.recordCardOutcome(ctx, tx, p, res, false)
		return true, err
	}
	return false, tx.Enqueue(ctx, RecoverPaymentArgs{PaymentID: p.ID}, &river.InsertOpts{ScheduledAt: now.Add(recoveryDelay)})
}

// vaultCard seals card into a new saved card ("pm_…") of p's merchant and mode and puts on p what may be kept of it:
// the vault reference, the fingerprint and the display data.
func (g *Gateway) vaultCard(ctx context.Context, tx store.Tx, p *payment.Payment, card vault.Card) error {
	now := g.Now()
	saved := payment.SavedCard{ID: id.New("pm_", now), MerchantID: p.MerchantID, Livemode: p.Livemode, CreatedAt: now}
	var err error
	if saved.Sealed, err = g.payments.Vault.Seal(saved.ID, card); err != nil {
		return err
	}
	if err := tx.InsertSavedCard(ctx, saved); err != nil {
		return err
	}
	d := saved.Sealed.Display
	p.PaymentMethodID, p.CardFingerprint = saved.ID, saved.Sealed.Fingerprint
	p.Card = payment.CardDisplay{Brand: string(d.Brand), First6: d.First6, Last4: d.Last4, ExpMonth: d.ExpMonth, ExpYear: d.ExpYear}
	return nil
}

// callCardProvider is phase 2: the provider call with a key derived from the payment and its profile. ok is false
// when the outcome is unknown; the recovery job then asks the same profile again with the same key. A definitive
// failure that moved no money moves the payment to the next route and calls again (fallBack); any other answer is
// the outcome.
func (g *Gateway) callCardProvider(ctx context.Context, at *cardAttempt) (provider.Result, bool) {
	for {
		res, ok := g.callRoute(ctx, at)
		if !ok || len(at.next) == 0 || !provider.Fallback(res) {
			return res, ok
		}
		moved, err := g.fallBack(ctx, &at.p, res, at.next[0])
		if err != nil {
			g.log.ErrorContext(ctx, "falling back to the next payment profile failed; the payment fails", "payment_id", at.p.ID, "err", err)
		}
		if !moved {
			return res, true
		}
		at.useRoutes(at.next)
		crashpoint.Hit("card.fellback") // the payment is on the next profile, which nobody has asked yet
	}
}

// callRoute is one provider call of phase 2, on the profile the attempt is on.
func (g *Gateway) callRoute(ctx context.Context, at *cardAttempt) (provider.Result, bool) {
	crashpoint.Hit("card.begun")
	callCtx, cancel := providerContext(ctx)
	defer cancel()
	op := cardOperation(at.p)
	res, err := at.prov.Do(callCtx, provider.Request{
		Operation: op, IdempotencyKey: chargeKey(at.p, op), Amount: at.p.Amount, Currency: at.p.Currency,
		Card:     &provider.Card{Number: at.card.Number, ExpMonth: at.card.ExpMonth, ExpYear: at.card.ExpYear, CVV: at.cvv, Name: at.card.Name},
		Scenario: at.scenario,
	})
	crashpoint.Hit("card.called")
	if err != nil {
		g.log.WarnContext(ctx, "provider call without an outcome; recovery will ask again", "payment_id", at.p.ID, "err", err)
		return provider.Result{}, false
	}
	return res, true
}

// finishCardPayment is phase 3: it records a card payment's outcome unless it was recorded already (the request and
// the recovery job raced), and returns the payment as it stands.
func (g *Gateway) finishCardPayment(ctx context.Context, paymentID string, res provider.Result) (payment.Payment, error) {
	p, _, _, err := g.settleCardPayment(ctx, paymentID, res)
	return p, err
}

// settleCardPayment is finishCardPayment that also returns the session the outcome settled, for a session's
// payment; recorded is false when the outcome had been recorded already (and the session was not read).
func (g *Gateway) settleCardPayment(ctx context.Context, paymentID string, res provider.Result) (p payment.Payment, s checkout.Session, recorded bool, err error) {
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if p, err = tx.LockPayment(ctx, paymentID); err != nil {
			return err
		}
		if p.Status != payment.StatusPending {
			return nil
		}
		s, err = g.recordCardOutcome(ctx, tx, &p, res, true)
		recorded = err == nil
		return err
	})
	return p, s, recorded, err
}

// recordCardOutcome moves a pending card payment to its outcome: the transaction (when the provider was called),
// the new status, the ledger journal of a capture, the front door's bookkeeping and the events. A session's or
// link's payment returns the session as the outcome left it.
func (g *Gateway) recordCardOutcome(ctx context.Context, tx store.Tx, p *payment.Payment, res provider.Result, called bool) (checkout.Session, error) {
	from := p.Status
	now := g.Now()
	op := cardOperation(*p)
	if called {
		txn := providerTransaction(*p, payment.TransactionType(op), p.Amount, res, now)
		if err := tx.InsertTransaction(ctx, txn); err != nil {
			return checkout.Session{}, err
		}
		p.LastTransactionID = txn.ID
	}
	p.ProviderTransactionID, p.UpdatedAt = res.ProviderTransactionID, now
	p.AuthCode, p.ResponseCode, p.ResponseMessage = res.AuthCode, res.ResponseCode, res.ResponseMessage
	if res.Status == provider.StatusSucceeded {
		p.FailureCode, p.FailureMessage, p.DeclineCode = "", "", ""
		if op == provider.OperationAuthorize {
			exp := now.Add(payment.AuthorizationLifetime)
			p.Status, p.AuthorizedAt, p.ExpiresAt = payment.StatusAuthorized, &now, &exp
		} else {
			p.Status, p.Captured, p.CapturedAt = payment.StatusCaptured, p.Amount, &now
			if err := g.journalCapture(ctx, tx, *p, p.Amount, p.LastTransactionID, now); err != nil {
				return checkout.Session{}, err
			}
		}
	} else {
		p.Status = payment.StatusFailed
		p.FailureCode = firstNonEmpty(res.ResponseCode, res.DeclineCode)
		p.FailureMessage, p.DeclineCode = res.ResponseMessage, res.DeclineCode
	}
	if err := payment.Transition(from, p.Status); err != nil {
		return checkout.Session{}, err
	}
	if err := tx.UpdatePayment(ctx, *p); err != nil {
		return checkout.Session{}, err
	}
	if err := tx.UpdatePaymentCard(ctx, *p); err != nil {
		return checkout.Session{}, err
	}
	if res.Status == provider.StatusSucceeded && p.SaveToWallet {
		if err := g.saveToWallet(ctx, tx, *p, now); err != nil {
			return checkout.Session{}, err
		}
	}
	switch p.SourceKind {
	case SourceSession, SourceLink:
		return g.sessionOutcome(ctx, tx, *p)
	case SourceIntent:
		return checkout.Session{}, g.intentOutcome(ctx, tx, *p)
	}
	return checkout.Session{}, g.recordPaymentEvent(ctx, tx, *p, paymentEventOf(*p))
}

// paymentEventOf is the event a card payment's outcome sends.
func paymentEventOf(p payment.Payment) webhook.EventType {
	switch p.Status {
	case payment.StatusAuthorized:
		return webhook.EventPaymentAuthorized
	case payment.StatusCaptured:
		return webhook.EventPaymentCaptured
	}
	return webhook.EventPaymentFailed
}

// recordPaymentEvent records an event whose data is the payment.
func (g *Gateway) recordPaymentEvent(ctx context.Context, tx store.Tx, p payment.Payment, typ webhook.EventType) error {
	_, err := g.RecordEvent(ctx, tx, EventInput{MerchantID: p.MerchantID, Livemode: p.Livemode, Type: typ, ObjectID: p.ID, Data: PaymentView(p)})
	return err
}

// declineError is the 402 a declined card payment answers with.
func declineError(p payment.Payment) *Error {
	msg := fmt.Sprintf("The card was declined: %s (response code %s).", p.FailureMessage, p.ResponseCode)
	if p.DeclineCode == DeclineFraudulent {
		msg = fmt.Sprintf("The payment was declined as high fraud risk (score %d).", p.Fraud.Score)
	}
	return &Error{Kind: KindCardDeclined, Code: "card_declined", Message: msg, DeclineCode: p.DeclineCode,
		PaymentID: p.ID, ResponseCode: p.ResponseCode}
}

// abandonedAfter is how long a card payment stays pending before the front door's next attempt may finish it: a
// request's provider call is bounded by providerTimeout, so by then no request is still waiting for its answer.
const abandonedAfter = providerTimeout + 5*time.Second

// finishAbandonedAttempt is the next attempt on a session, link or intent whose previous attempt's request died
// after its first phase (the front door is still "being processed"): once that payment is abandoned, it is finished
// now (finishPendingCardPayment) rather than left for the recovery job, so the customer's retry learns its outcome
// and never starts a second charge beside it. done is false while the payment is not abandoned or stays pending.
func (g *Gateway) finishAbandonedAttempt(ctx context.Context, p payment.Payment) (_ payment.Payment, done bool, err error) {
	if p.Status != payment.StatusPending || p.Method != payment.MethodCard || g.Now().Sub(p.CreatedAt) < abandonedAfter {
		return p, false, nil
	}
	g.log.InfoContext(ctx, "finishing an abandoned payment attempt on the next attempt", "payment_id", p.ID)
	if p, err = g.finishPendingCardPayment(ctx, p.ID); err != nil {
		return p, false, err
	}
	return p, p.Status != payment.StatusPending, nil
}

// RecoverPaymentArgs is the job that finishes a payment whose provider call may have been interrupted (§5): it asks
// the provider again with the same idempotency key.
type RecoverPaymentArgs struct {
	PaymentID string `json:"payment_id"`
}

// Kind implements river.JobArgs.
func (RecoverPaymentArgs) Kind() string { return "payment_recovery" }

// recoveryDelay is when the recovery job first looks at a payment; by then the request that made it has answered.
const recoveryDelay = 30 * time.Second

// providerTimeout bounds a request's provider call, well below recoveryDelay: when recovery runs, the request's
// call has ended, so recovery never races it (and never records a timeout while a charge is still in flight).
const providerTimeout = 20 * time.Second

// providerContext is the context of a provider call made for a request: bounded by providerTimeout and not
// cancelled when the client goes away, so a charge the provider makes is always recorded by phase 3.
func providerContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), providerTimeout)
}

// JobProviderTimeout bounds a provider call made by a job (recovery, an order payment's worker, an asynchronous
// refund), shorter than a request's providerTimeout: no customer waits on it, and an unanswered call is an unknown
// outcome that the job's next run asks again with the same idempotency key. It keeps every job's attempt, and so
// River's rescue of a killed instance's jobs (internal/jobs), within seconds.
const JobProviderTimeout = 5 * time.Second

// maxRecoveryAttempts is how often recovery asks a provider that does not answer before recording a timeout.
const maxRecoveryAttempts = 3

// errMerchantNotTakingPayments refuses a payment of a merchant that is not active.
var errMerchantNotTakingPayments = &Error{Kind: KindForbidden, Code: "merchant_inactive", Message: "This merchant cannot take payments at the moment."}

// takingPayments reads the merchant in the payment's transaction and refuses the payment unless it is active (a
// customer-facing front door has no API key whose check would have refused it earlier).
func takingPayments(ctx context.Context, tx store.Tx, merchantID string) error {
	m, err := tx.GetMerchant(ctx, merchantID)
	if err != nil {
		return err
	}
	if m.Status != merchant.StatusActive {
		return errMerchantNotTakingPayments
	}
	return nil
}

// RecoverPayment finishes a payment left pending by an interrupted provider call: it asks the provider again with
// the same idempotency key (the card comes from the vault; the CVV is gone, which providers accept on a retried
// key). After maxRecoveryAttempts unanswered calls it records a timeout.
func (g *Gateway) RecoverPayment(ctx context.Context, paymentID string) error {
	p, err := g.store.GetPaymentByID(ctx, paymentID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	}
	if p.SourceKind == sourceOrder {
		return g.ProcessOrderPayment(ctx, p.ID) // the stale-payment sweep finds order payments too
	}
	if p.Status != payment.StatusPending || p.Method != payment.MethodCard {
		return nil
	}
	prov, err := g.providerOf(ctx, g.store, p)
	if err != nil {
		return err
	}
	saved, err := g.store.GetSavedCard(ctx, p.PaymentMethodID)
	if err != nil {
		return err
	}
	card, err := g.payments.Vault.Open(saved.ID, saved.Sealed)
	if err != nil {
		return fmt.Errorf("gateway: open vaulted card of %s: %w", p.ID, err)
	}
	callCtx, cancel := context.WithTimeout(ctx, JobProviderTimeout)
	defer cancel()
	op := cardOperation(p)
	res, callErr := prov.Do(callCtx, provider.Request{
		Operation: op, IdempotencyKey: chargeKey(p, op), Amount: p.Amount, Currency: p.Currency,
		Card:     &provider.Card{Number: card.Number, ExpMonth: card.ExpMonth, ExpYear: card.ExpYear, Name: card.Name},
		Scenario: provider.Scenario(p.Scenario),
	})
	if callErr != nil {
		if err := g.unanswered(ctx, "recovery of "+p.ID, p.ID, callErr); err != nil {
			return err
		}
		res = provider.TimeoutResult()
	}
	_, err = g.finishCardPayment(ctx, p.ID, res)
	return err
}

// EnqueueStalePayments queues recovery for card payments pending for over two minutes (a safety net for lost
// recovery jobs).
func (g *Gateway) EnqueueStalePayments(ctx context.Context) (int, error) {
	stale, err := g.store.ListStalePendingPayments(ctx, g.Now().Add(-2*time.Minute), 500)
	if err != nil || len(stale) == 0 {
		return 0, err
	}
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		for _, p := range stale {
			opts := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: 5 * time.Minute}}
			if err := tx.Enqueue(ctx, RecoverPaymentArgs{PaymentID: p.ID}, opts); err != nil {
				return err
			}
		}
		return nil
	})
	return len(stale), err
}

// unanswered handles a job's provider call that got no outcome: it counts the attempt on the payment and asks the
// job to run again (an error naming what) until maxRecoveryAttempts, then answers nil: record a timeout.
func (g *Gateway) unanswered(ctx context.Context, what, paymentID string, callErr error) error {
	attempts, err := g.countRecoveryAttempt(ctx, paymentID)
	if err != nil {
		return err
	}
	if attempts < maxRecoveryAttempts {
		return fmt.Errorf("gateway: %s: provider gave no outcome (attempt %d): %w", what, attempts, callErr)
	}
	return nil
}

// countRecoveryAttempt counts one more provider call of a payment's recovery that got no answer, under the payment's
// row lock, and returns the count (maxRecoveryAttempts of them end in a timeout).
func (g *Gateway) countRecoveryAttempt(ctx context.Context, paymentID string) (int, error) {
	attempts := 0
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		cur, err := tx.LockPayment(ctx, paymentID)
		if err != nil {
			return err
		}
		cur.RecoveryAttempts++
		attempts, cur.UpdatedAt = cur.RecoveryAttempts, g.Now()
		return tx.UpdatePayment(ctx, cur)
	})
	return attempts, err
}
