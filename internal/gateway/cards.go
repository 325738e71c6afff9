package gateway

// The card payment engine every front door uses (hosted sessions and links, payment intents, the direct card API):
// phase 1 vaults the card, scores the attempt for fraud and records the payment pending with its recovery job;
// phase 2 calls the provider; phase 3 records the outcome, the front door's bookkeeping and the events (DESIGN §5).

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/kassapay/kassa/internal/crashpoint"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/ledger"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/vault"
	"github.com/kassapay/kassa/internal/webhook"
)

// Front doors, as payments record them (payment.Payment.SourceKind).
const (
	SourceSession = "checkout_session"
	SourceLink    = "payment_link"
	SourceIntent  = "payment_intent"
	SourceDirect  = "direct"
)

// DeclineFraudulent is the decline code of an attempt the fraud rules declined before any provider call.
const DeclineFraudulent = "fraudulent"

// cardAttempt is one card payment attempt on its way to the provider. The card (with its number) and the CVV live
// only here, in memory.
type cardAttempt struct {
	p        payment.Payment
	card     vault.Card
	cvv      string
	scenario provider.Scenario
	prov     provider.Provider
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
		return true, g.recordCardOutcome(ctx, tx, p, res, false)
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

// callCardProvider is phase 2: the provider call with a key derived from the payment. ok is false when the outcome
// is unknown; the recovery job then asks again with the same key.
func (g *Gateway) callCardProvider(ctx context.Context, at *cardAttempt) (provider.Result, bool) {
	crashpoint.Hit("card.begun")
	callCtx, cancel := providerContext(ctx)
	defer cancel()
	op := cardOperation(at.p)
	res, err := at.prov.Do(callCtx, provider.Request{
		Operation: op, IdempotencyKey: at.p.ID + ":" + string(op), Amount: at.p.Amount, Currency: at.p.Currency,
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
	var out payment.Payment
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		p, err := tx.LockPayment(ctx, paymentID)
		if err != nil {
			return err
		}
		out = p
		if p.Status != payment.StatusPending {
			return nil
		}
		if err := g.recordCardOutcome(ctx, tx, &p, res, true); err != nil {
			return err
		}
		out = p
		return nil
	})
	return out, err
}

// recordCardOutcome moves a pending card payment to its outcome: the transaction (when the provider was called),
// the new status, the ledger journal of a capture, the front door's bookkeeping and the events.
func (g *Gateway) recordCardOutcome(ctx context.Context, tx store.Tx, p *payment.Payment, res provider.Result, called bool) error {
	from := p.Status
	now := g.Now()
	op := cardOperation(*p)
	if called {
		txn := providerTransaction(*p, payment.TransactionType(op), p.Amount, res, now)
		if err := tx.InsertTransaction(ctx, txn); err != nil {
			return err
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
				return err
			}
		}
	} else {
		p.Status = payment.StatusFailed
		p.FailureCode = firstNonEmpty(res.ResponseCode, res.DeclineCode)
		p.FailureMessage, p.DeclineCode = res.ResponseMessage, res.DeclineCode
	}
	if err := payment.Transition(from, p.Status); err != nil {
		return err
	}
	if err := tx.UpdatePayment(ctx, *p); err != nil {
		return err
	}
	if err := tx.UpdatePaymentCard(ctx, *p); err != nil {
		return err
	}
	switch p.SourceKind {
	case SourceSession, SourceLink:
		return g.sessionOutcome(ctx, tx, *p)
	case SourceIntent:
		return g.intentOutcome(ctx, tx, *p)
	}
	return g.recordPaymentEvent(ctx, tx, *p, paymentEventOf(*p))
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

// providerTransaction is the append-only row of one provider answer about p: succeeded when the provider says so,
// failed otherwise.
func providerTransaction(p payment.Payment, typ payment.TransactionType, amount int64, res provider.Result, now time.Time) payment.Transaction {
	t := payment.Transaction{
		ID: id.New("txn_", now), PaymentID: p.ID, MerchantID: p.MerchantID, Livemode: p.Livemode, Type: typ,
		Status: payment.TxnFailed, Amount: amount, Currency: p.Currency, Provider: p.Provider,
		ProviderTransactionID: res.ProviderTransactionID, AuthCode: res.AuthCode, ResponseCode: res.ResponseCode,
		ResponseMessage: res.ResponseMessage, CreatedAt: now,
	}
	if res.Status == provider.StatusSucceeded {
		t.Status = payment.TxnSucceeded
	}
	return t
}

// recordPaymentEvent records an event whose data is the payment.
func (g *Gateway) recordPaymentEvent(ctx context.Context, tx store.Tx, p payment.Payment, typ webhook.EventType) error {
	_, err := g.RecordEvent(ctx, tx, EventInput{MerchantID: p.MerchantID, Livemode: p.Livemode, Type: typ, ObjectID: p.ID, Data: PaymentView(p)})
	return err
}

// journalCapture writes the ledger journal of a capture (or sale) of amount.
func (g *Gateway) journalCapture(ctx context.Context, tx store.Tx, p payment.Payment, amount int64, ref string, now time.Time) error {
	j := ledger.Capture(p.MerchantID, p.Livemode, p.Currency, amount, ref)
	if err := j.Validate(); err != nil {
		return err
	}
	return tx.InsertJournal(ctx, id.New("jrn_", now), j, now)
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
