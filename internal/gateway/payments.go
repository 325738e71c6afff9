package gateway

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/customer"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/vault"
	"github.com/kassapay/kassa/internal/webhook"
)

// CardInput is card data as a customer typed it. It lives only in memory: the number goes to the vault, the CVV
// only to the provider call.
type CardInput struct {
	Number   string
	ExpMonth int
	ExpYear  int
	CVV      string
	Name     string
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

// PayResult is the outcome of a customer's attempt to pay a session.
type PayResult struct {
	Session checkout.Session
	Payment payment.Payment
	// RedirectURL is where to send the customer when the session is paid.
	RedirectURL string
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

// providerFor returns the provider of a mode: the sandbox in test mode; live mode has none configured yet.
func (g *Gateway) providerFor(livemode bool) (provider.Provider, error) {
	if livemode || g.payments.Provider == nil || g.payments.Vault == nil {
		return nil, &Error{Kind: KindUnprocessable, Code: "payments_not_configured",
			Message: "No payment provider is configured for this mode."}
	}
	return g.payments.Provider, nil
}

// GetCheckoutPage returns a session or link for its hosted page, expiring it first if its time is up, and finishing
// first the attempt it is "being processed" with when that attempt's request died (finishAbandonedAttempt), so that
// the customer's reload or retry shows its outcome.
func (g *Gateway) GetCheckoutPage(ctx context.Context, sessionID string) (checkout.Session, error) {
	s, err := g.store.GetCheckoutSessionByID(ctx, sessionID)
	if err != nil {
		return s, notFoundAs(err, "checkout session", sessionID)
	}
	if s.Status == checkout.StatusPending {
		if res, done, err := g.finishAbandonedSessionAttempt(ctx, s); err != nil {
			return s, err
		} else if done {
			s = res.Session
		}
	}
	if s.Status.Open() && s.Status != checkout.StatusPending && s.Expired(g.Now()) {
		err = g.store.InTx(ctx, func(tx store.Tx) error {
			cur, err := tx.LockCheckoutSession(ctx, sessionID)
			if err != nil {
				return err
			}
			if cur.Status.Open() && cur.Status != checkout.StatusPending {
				if err := g.expire(ctx, tx, &cur); err != nil {
					return err
				}
			}
			s = cur
			return nil
		})
	}
	return s, err
}

// PaySession is a customer paying a session or link with a card on the hosted page or the embed (DESIGN §5): the
// payment is recorded pending with a recovery job, the provider is called, and the outcome is recorded with its
// transaction, ledger entries and events. scenario forces a sandbox outcome and is ignored in live mode; clientIP is
// the customer's address (clientip.Resolver), which the fraud rules count and match.
func (g *Gateway) PaySession(ctx context.Context, sessionID string, in CardInput, email string, scenario provider.Scenario, clientIP string) (PayResult, error) {
	in.maskCardNumbers()
	// The session's state answers first: a card error on a paid or canceled session would mislead the customer.
	if cur, err := g.GetCheckoutPage(ctx, sessionID); err != nil {
		return PayResult{}, err
	} else if err := payable(cur); err != nil {
		return PayResult{}, err
	}
	card, err := g.validateCard(in, directCardCodes)
	if err != nil {
		return PayResult{}, err
	}
	if !customer.Printable(in.Name) || utf8.RuneCountInString(in.Name) > 200 {
		return PayResult{}, InvalidParam("card.name", "parameter_invalid", "The cardholder name must be at most 200 printable characters.")
	}
	if email != "" && !customer.ValidEmail(email) {
		return PayResult{}, InvalidParam("email", "parameter_invalid", "The email address is not valid.")
	}
	if !scenario.Valid() {
		scenario = provider.ScenarioNone
	}
	var s checkout.Session
	at := &cardAttempt{card: card, cvv: in.CVV}
	declined := false
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		s, err = tx.LockCheckoutSession(ctx, sessionID)
		if err != nil {
			return notFoundAs(err, "checkout session", sessionID)
		}
		now := g.Now()
		if s.Status.Open() && s.Status != checkout.StatusPending && s.Expired(now) {
			if err := g.expire(ctx, tx, &s); err != nil {
				return err
			}
		}
		if err := payable(s); err != nil {
			return err
		}
		if err := takingPayments(ctx, tx, s.MerchantID); err != nil {
			return err
		}
		if at.prov, err = g.providerFor(s.Livemode); err != nil {
			return err
		}
		if s.Livemode {
			scenario = provider.ScenarioNone
		}
		at.scenario = scenario
		at.p = payment.Payment{
			ID: id.New("pay_", now), MerchantID: s.MerchantID, Livemode: s.Livemode,
			CaptureMethod: payment.CaptureAutomatic, Amount: s.Amount, Currency: s.Currency,
			CustomerEmail: strings.ToLower(firstNonEmpty(email, s.Customer.Email)), CustomerName: firstNonEmpty(in.Name, s.Customer.Name),
			Description: s.Description, Metadata: s.Metadata, ExternalOrderID: s.ExternalOrderID,
			ExternalInvoiceID: s.ExternalInvoiceID, SourceKind: sourceKind(s.Kind), SourceID: s.ID, Provider: at.prov.Name(),
			Scenario: string(scenario), Direct: payment.Direct{ClientIP: clientIP},
		}
		s.Status, s.UpdatedAt = checkout.StatusPending, now
		if err := tx.UpdateCheckoutSession(ctx, s); err != nil {
			return err
		}
		declined, err = g.beginCardPayment(ctx, tx, at)
		return err
	})
	if err != nil {
		return PayResult{}, err
	}
	if declined {
		return g.sessionResult(ctx, at.p.ID)
	}
	res, ok := g.callCardProvider(ctx, at)
	if !ok {
		// The outcome is unknown; the recovery job asks again with the same key. The customer sees it pending.
		s.Status = checkout.StatusPending
		return PayResult{Session: s, Payment: at.p}, nil
	}
	return g.finishSale(ctx, at.p.ID, res)
}

// finishAbandonedSessionAttempt finishes the pending payment of a session whose attempt's request died
// (finishAbandonedAttempt) and answers with its outcome; done is false while it is not abandoned.
func (g *Gateway) finishAbandonedSessionAttempt(ctx context.Context, s checkout.Session) (PayResult, bool, error) {
	pending, err := g.store.ListPayments(ctx, store.PaymentFilter{MerchantID: s.MerchantID, Livemode: s.Livemode, SourceID: s.ID,
		Status: string(payment.StatusPending), Page: store.Page{Limit: 1}})
	if err != nil || len(pending) == 0 {
		return PayResult{}, false, err
	}
	p, done, err := g.finishAbandonedAttempt(ctx, pending[0])
	if err != nil || !done {
		return PayResult{}, false, err
	}
	res, err := g.sessionResult(ctx, p.ID)
	return res, true, err
}

// payable answers why a session cannot take a payment attempt, if it cannot.
func payable(s checkout.Session) error {
	noun := sessionNoun(s.Kind)
	switch {
	case s.Status == checkout.StatusPaid || s.Status == checkout.StatusPartiallyRefunded || s.Status == checkout.StatusRefunded:
		return Errorf(KindConflict, "session_already_paid", "This %s is already paid.", noun)
	case s.Status == checkout.StatusCanceled:
		return Errorf(KindGone, "session_canceled", "This %s was canceled.", noun)
	case s.Status == checkout.StatusExpired:
		return Errorf(KindGone, "session_expired", "This %s has expired.", noun)
	case s.Status == checkout.StatusPending:
		return Errorf(KindConflict, "payment_in_progress", "A payment for this %s is being processed.", noun)
	case s.FailedAttempts >= checkout.MaxFailedAttempts:
		return Errorf(KindGone, "max_attempts_reached", "This %s took %d declined attempts and is locked.", noun, checkout.MaxFailedAttempts)
	}
	return nil
}

func sourceKind(k checkout.Kind) string {
	if k == checkout.KindLink {
		return "payment_link"
	}
	return "checkout_session"
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// finishSale records a session payment's outcome (phase 3 of §5) unless it was recorded already, and returns the
// session as it stands.
func (g *Gateway) finishSale(ctx context.Context, paymentID string, res provider.Result) (PayResult, error) {
	if _, err := g.finishCardPayment(ctx, paymentID, res); err != nil {
		return PayResult{}, err
	}
	return g.sessionResult(ctx, paymentID)
}

// sessionResult reads a session payment and its session after the outcome was recorded.
func (g *Gateway) sessionResult(ctx context.Context, paymentID string) (PayResult, error) {
	var out PayResult
	var err error
	if out.Payment, err = g.store.GetPaymentByID(ctx, paymentID); err != nil {
		return out, err
	}
	if out.Session, err = g.store.GetCheckoutSessionByID(ctx, out.Payment.SourceID); err != nil {
		return out, err
	}
	if out.Session.Status == checkout.StatusPaid && out.Session.PaymentID == paymentID {
		out.RedirectURL = checkout.ResolveReturnURL(out.Session.SuccessURL, out.Session.ID)
	}
	return out, nil
}

// sessionOutcome moves a session or link with the outcome of its payment and records payment.succeeded or
// payment.failed with the session as data.
func (g *Gateway) sessionOutcome(ctx context.Context, tx store.Tx, p payment.Payment) error {
	s, err := tx.LockCheckoutSession(ctx, p.SourceID)
	if err != nil {
		return err
	}
	s.Provider, s.ProviderTransactionID, s.UpdatedAt = p.Provider, p.ProviderTransactionID, p.UpdatedAt
	evType := webhook.EventPaymentFailed
	if p.Status == payment.StatusCaptured {
		s.Status, s.PaymentID, s.FailureCode, s.FailureMessage = checkout.StatusPaid, p.ID, "", ""
		evType = webhook.EventPaymentSucceeded
	} else {
		// payment_id names the latest attempt, so payment.failed leads to the payment and its response code.
		s.Status, s.FailedAttempts, s.PaymentID = checkout.StatusFailed, s.FailedAttempts+1, p.ID
		s.FailureCode, s.FailureMessage = p.DeclineCode, p.FailureMessage
	}
	if err := tx.UpdateCheckoutSession(ctx, s); err != nil {
		return err
	}
	_, err = g.RecordEvent(ctx, tx, EventInput{MerchantID: s.MerchantID, Livemode: s.Livemode, Type: evType, ObjectID: s.ID, Data: g.SessionView(s), SessionEndpointID: s.WebhookEndpointID})
	return err
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
	prov, err := g.providerFor(p.Livemode)
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
		Operation: op, IdempotencyKey: p.ID + ":" + string(op), Amount: p.Amount, Currency: p.Currency,
		Card:     &provider.Card{Number: card.Number, ExpMonth: card.ExpMonth, ExpYear: card.ExpYear, Name: card.Name},
		Scenario: provider.Scenario(p.Scenario),
	})
	if callErr != nil {
		attempts, err := g.countRecoveryAttempt(ctx, p.ID)
		if err != nil {
			return err
		}
		if attempts < maxRecoveryAttempts {
			return fmt.Errorf("gateway: recovery of %s: provider gave no outcome (attempt %d): %w", p.ID, attempts, callErr)
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

// CancelCheckout is the customer's Cancel link on a hosted page: the session is canceled (payment.canceled) and the
// customer goes to cancel_url.
func (g *Gateway) CancelCheckout(ctx context.Context, sessionID string) (checkout.Session, string, error) {
	s, err := g.store.GetCheckoutSessionByID(ctx, sessionID)
	if err != nil {
		return s, "", notFoundAs(err, "checkout session", sessionID)
	}
	m, err := g.store.GetMerchant(ctx, s.MerchantID)
	if err != nil {
		return s, "", err
	}
	s, err = g.CancelSession(ctx, Auth{Merchant: m, Key: keyOfMode(s.Livemode)}, s.Kind, sessionID)
	return s, checkout.ResolveReturnURL(s.CancelURL, s.ID), err
}
