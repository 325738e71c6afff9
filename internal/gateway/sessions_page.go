package gateway

import (
	"context"
	"strings"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/webhook"
)

// PayResult is the outcome of a customer's attempt to pay a session.
type PayResult struct {
	Session checkout.Session
	Payment payment.Payment
	// RedirectURL is where to send the customer when the session is paid.
	RedirectURL string
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
	if hostedPageNeeded(s) && !s.Expired(g.Now()) {
		if s, err = g.openHostedPage(ctx, s); err != nil {
			return s, err
		}
		if hostedPageNeeded(s) {
			return s, errHostedPageUnavailable
		}
	}
	if s.Status.Open() && s.Status != checkout.StatusPending && s.Expired(g.Now()) {
		if settled, paid, err := g.closeHostedPage(ctx, s); err != nil || paid {
			return settled, err
		}
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

// PaySession is a customer paying a session or link with a card on the hosted page or the embed (docs/architecture.md
// §5): the payment is recorded pending with a recovery job, the provider is called, and the outcome is recorded with
// its transaction, ledger entries and events. scenario forces a sandbox outcome and is ignored in live mode; clientIP
// is the customer's address (clientip.Resolver), which the fraud rules count and match.
func (g *Gateway) PaySession(ctx context.Context, sessionID string, in CardInput, email string, scenario provider.Scenario, clientIP string) (PayResult, error) {
	// The session's state answers first: a card error on a paid or canceled session would mislead the customer.
	cur, err := g.GetCheckoutPage(ctx, sessionID)
	if err != nil {
		return PayResult{}, err
	}
	return g.PayCheckedSession(ctx, cur, in, email, scenario, clientIP)
}

// PayCheckedSession is PaySession for a caller that has just read the session with GetCheckoutPage (the hosted
// page's form handler), which spares a second read: its state answers first, and the payment's transaction reads
// the session again under its lock.
func (g *Gateway) PayCheckedSession(ctx context.Context, cur checkout.Session, in CardInput, email string, scenario provider.Scenario, clientIP string) (PayResult, error) {
	in.maskCardNumbers()
	sessionID := cur.ID
	if err := payable(cur); err != nil {
		return PayResult{}, err
	}
	at, err := g.shopperAttempt(in, email, scenario, "card.name", "email")
	if err != nil {
		return PayResult{}, err
	}
	var s checkout.Session
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
		routes, err := g.routesFor(ctx, tx, s.MerchantID, s.Livemode, cardRoute(s.Amount, s.Currency, at.card))
		if err != nil {
			return err
		}
		at.useRoutes(routes)
		if s.Livemode {
			at.scenario = provider.ScenarioNone
		}
		at.p = payment.Payment{
			ID: id.New("pay_", now), MerchantID: s.MerchantID, Livemode: s.Livemode,
			CaptureMethod: payment.CaptureAutomatic, Amount: s.Amount, Currency: s.Currency,
			CustomerEmail: strings.ToLower(firstNonEmpty(email, s.Customer.Email)), CustomerName: firstNonEmpty(in.Name, s.Customer.Name),
			Description: s.Description, Metadata: s.Metadata, ExternalOrderID: s.ExternalOrderID,
			ExternalInvoiceID: s.ExternalInvoiceID, SourceKind: sourceKind(s.Kind), SourceID: s.ID, Provider: at.prov.Name(), ProfileID: at.profileID,
			Scenario: string(at.scenario), Direct: payment.Direct{ClientIP: clientIP},
		}
		at.p.SaveToWallet = in.Remember && at.p.CustomerEmail != "" && g.WalletAvailable(s.Livemode)
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
		return payResult(at.p, at.settled), nil
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
	case s.ProfileID != "":
		return errHostedSession // paid on the processor's page, never with a card sent to Kassa
	}
	return nil
}

func sourceKind(k checkout.Kind) string {
	if k == checkout.KindLink {
		return "payment_link"
	}
	return "checkout_session"
}

// finishSale records a session payment's outcome (phase 3 of §5) unless it was recorded already, and returns the
// session as it stands.
func (g *Gateway) finishSale(ctx context.Context, paymentID string, res provider.Result) (PayResult, error) {
	p, s, recorded, err := g.settleCardPayment(ctx, paymentID, res)
	if err != nil {
		return PayResult{}, err
	}
	if !recorded {
		// Recovery recorded it first; read the session as it left it.
		return g.sessionResult(ctx, paymentID)
	}
	return payResult(p, s), nil
}

// sessionResult reads a session payment and its session after the outcome was recorded.
func (g *Gateway) sessionResult(ctx context.Context, paymentID string) (PayResult, error) {
	p, err := g.store.GetPaymentByID(ctx, paymentID)
	if err != nil {
		return PayResult{}, err
	}
	s, err := g.store.GetCheckoutSessionByID(ctx, p.SourceID)
	if err != nil {
		return PayResult{}, err
	}
	return payResult(p, s), nil
}

// payResult is the outcome of a session payment: where the customer goes once the session is paid by this payment.
func payResult(p payment.Payment, s checkout.Session) PayResult {
	out := PayResult{Session: s, Payment: p}
	if s.Status == checkout.StatusPaid && s.PaymentID == p.ID {
		out.RedirectURL = checkout.ResolveReturnURL(s.SuccessURL, s.ID)
	}
	return out
}

// sessionOutcome moves a session or link with the outcome of its payment and records payment.succeeded or
// payment.failed with the session as data.
func (g *Gateway) sessionOutcome(ctx context.Context, tx store.Tx, p payment.Payment) (checkout.Session, error) {
	s, err := tx.LockCheckoutSession(ctx, p.SourceID)
	if err != nil {
		return s, err
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
		return s, err
	}
	_, err = g.RecordEvent(ctx, tx, EventInput{MerchantID: s.MerchantID, Livemode: s.Livemode, Type: evType, ObjectID: s.ID, Data: g.SessionView(s), SessionEndpointID: s.WebhookEndpointID})
	return s, err
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
