package gateway

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/crashpoint"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/webhook"
	"github.com/riverqueue/river"
)

// RecoverOperationArgs is the job that finishes a capture, void or expiry whose provider call was interrupted.
type RecoverOperationArgs struct {
	PaymentID   string `json:"payment_id"`
	OperationID string `json:"operation_id"`
}

// Kind implements river.JobArgs.
func (RecoverOperationArgs) Kind() string { return "payment_operation_recovery" }

// startOperation runs a capture or void requested by the merchant.
func (g *Gateway) startOperation(ctx context.Context, a Auth, paymentID string, op payment.Operation, amountOf func(payment.Payment) (int64, error), reason string) (payment.Payment, error) {
	if !id.HasPrefix(paymentID, "pay_") {
		return payment.Payment{}, NotFound("payment", paymentID)
	}
	cur, err := g.store.GetPayment(ctx, a.Merchant.ID, a.Livemode(), paymentID)
	if err != nil {
		return payment.Payment{}, notFoundAs(err, "payment", paymentID)
	}
	if operationID := resumePoint(ctx, "txn_"); operationID != "" {
		return g.resumeOperation(ctx, paymentID, operationID, op)
	}
	// The operation goes to the profile that took the payment.
	prov, err := g.providerOf(ctx, g.store, cur)
	if err != nil {
		return payment.Payment{}, err
	}
	var p payment.Payment
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if p, err = tx.LockPayment(ctx, paymentID); err != nil {
			return err
		}
		if err := p.CheckOperation(g.Now()); err != nil {
			return operationError(p, op, err)
		}
		amount, err := amountOf(p)
		if err != nil {
			return err
		}
		if err := g.markOperation(ctx, tx, &p, op, amount, reason); err != nil {
			return err
		}
		return g.bindRecoveryPoint(ctx, tx, p.OperationID)
	})
	if err != nil {
		return payment.Payment{}, err
	}
	crashpoint.Hit("operation.begun")
	res, callErr := g.callOperation(ctx, prov, p, providerTimeout)
	crashpoint.Hit("operation.called")
	if callErr != nil {
		g.log.WarnContext(ctx, "provider call without an outcome; recovery will ask again", "payment_id", p.ID, "operation", p.Operation, "err", callErr)
		return p, nil
	}
	p, err = g.finishOperation(ctx, p.ID, p.OperationID, res)
	if err != nil {
		return p, err
	}
	if res.Status != provider.StatusSucceeded {
		return p, operationRefused(p, op, res)
	}
	return p, nil
}

// operationRefused is the 402 of a capture or void the provider refused.
func operationRefused(p payment.Payment, op payment.Operation, res provider.Result) error {
	return &Error{Kind: KindCardDeclined, Code: op.String() + "_failed", DeclineCode: res.DeclineCode, PaymentID: p.ID,
		ResponseCode: res.ResponseCode, Message: fmt.Sprintf("The provider refused the %s: %s (response code %s).", op, res.ResponseMessage, res.ResponseCode)}
}

// resumeOperation answers a retry that took over the idempotency key of a capture or void whose first run died
// after marking it in flight: it finishes that operation (asking the provider again with the operation's key, as
// the recovery job would) and answers from its transaction as the first run would have. It never starts a second
// capture or void.
func (g *Gateway) resumeOperation(ctx context.Context, paymentID, operationID string, op payment.Operation) (payment.Payment, error) {
	p, err := g.store.GetPaymentByID(ctx, paymentID)
	if err != nil {
		return p, err
	}
	if p.OperationID == operationID {
		if err := g.RecoverOperation(ctx, paymentID, operationID); err != nil {
			g.log.WarnContext(ctx, "resuming a payment operation: the provider gave no outcome; recovery will ask again",
				"payment_id", paymentID, "operation_id", operationID, "err", err)
			return p, nil
		}
		if p, err = g.store.GetPaymentByID(ctx, paymentID); err != nil {
			return p, err
		}
	}
	txn, err := g.store.GetTransaction(ctx, p.MerchantID, p.Livemode, operationID)
	if err != nil {
		return p, err
	}
	if txn.Status != payment.TxnSucceeded {
		res := provider.ResultFor(txn.ResponseCode)
		res.ResponseMessage = txn.ResponseMessage
		return p, operationRefused(p, op, res)
	}
	return p, nil
}

// markOperation is phase 1: the operation is recorded in flight with its recovery job.
func (g *Gateway) markOperation(ctx context.Context, tx store.Tx, p *payment.Payment, op payment.Operation, amount int64, reason string) error {
	now := g.Now()
	// The operation's id is that of the transaction that will record its outcome, so the idempotency key bound to
	// it (bindRecoveryPoint) leads a retry to that outcome.
	p.Operation, p.OperationID, p.OperationAmount, p.OperationReason = op, id.New("txn_", now), amount, reason
	p.RecoveryAttempts, p.UpdatedAt = 0, now
	if err := tx.UpdatePayment(ctx, *p); err != nil {
		return err
	}
	if err := tx.UpdatePaymentCard(ctx, *p); err != nil {
		return err
	}
	return tx.Enqueue(ctx, RecoverOperationArgs{PaymentID: p.ID, OperationID: p.OperationID}, &river.InsertOpts{ScheduledAt: now.Add(recoveryDelay)})
}

// callOperation is phase 2.
func (g *Gateway) callOperation(ctx context.Context, prov provider.Provider, p payment.Payment, timeout time.Duration) (provider.Result, error) {
	callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	pop := provider.OperationVoid
	if p.Operation == payment.OperationCapture {
		pop = provider.OperationCapture
	}
	return prov.Do(callCtx, provider.Request{
		Operation: pop, IdempotencyKey: p.OperationID + ":" + string(pop), Amount: p.OperationAmount, Currency: p.Currency,
		ProviderTransactionID: p.ProviderTransactionID,
	})
}

// finishOperation is phase 3: it records the operation's outcome unless it was recorded already.
func (g *Gateway) finishOperation(ctx context.Context, paymentID, operationID string, res provider.Result) (payment.Payment, error) {
	var out payment.Payment
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		p, err := tx.LockPayment(ctx, paymentID)
		if err != nil {
			return err
		}
		out = p
		if p.OperationID != operationID || p.Operation == payment.OperationNone {
			return nil // recorded already
		}
		from := p.Status
		now := g.Now()
		op := p.Operation
		typ := payment.TxnVoid
		if op == payment.OperationCapture {
			typ = payment.TxnCapture
		}
		txn := providerTransaction(p, typ, p.OperationAmount, res, now)
		if id.HasPrefix(operationID, "txn_") {
			txn.ID = operationID
		}
		ok := res.Status == provider.StatusSucceeded
		if err := tx.InsertTransaction(ctx, txn); err != nil {
			return err
		}
		p.LastTransactionID, p.UpdatedAt = txn.ID, now
		var ev webhook.EventType
		switch {
		case op == payment.OperationCapture && ok:
			p.Status, p.Captured, p.CapturedAt = payment.StatusCaptured, p.OperationAmount, &now
			p.ProviderTransactionID = res.ProviderTransactionID // refunds name the capture
			if err := g.journalCapture(ctx, tx, p, p.OperationAmount, txn.ID, now); err != nil {
				return err
			}
			ev = webhook.EventPaymentCaptured
		case op == payment.OperationVoid && ok:
			p.Status, p.VoidedAt, p.VoidReason = payment.StatusVoided, &now, p.OperationReason
			ev = webhook.EventPaymentVoided
		case op == payment.OperationExpire:
			// The authorization lapsed by our rules whatever the provider answered; the issuer drops the hold too.
			p.Status, p.VoidedAt, p.VoidReason = payment.StatusExpired, &now, p.OperationReason
			ev = webhook.EventPaymentExpired
		}
		p.Operation, p.OperationID, p.OperationAmount, p.OperationReason = payment.OperationNone, "", 0, ""
		if p.Status != from {
			if err := payment.Transition(from, p.Status); err != nil {
				return err
			}
		}
		if err := tx.UpdatePayment(ctx, p); err != nil {
			return err
		}
		if err := tx.UpdatePaymentCard(ctx, p); err != nil {
			return err
		}
		out = p
		if ev == "" {
			return nil // a refused capture or void leaves the authorization as it was
		}
		if p.SourceKind == SourceIntent {
			if err := g.intentFollowsPayment(ctx, tx, p); err != nil {
				return err
			}
		}
		return g.recordPaymentEvent(ctx, tx, p, ev)
	})
	return out, err
}

// RecoverOperation finishes a capture, void or expiry left in flight by an interrupted provider call, asking again
// with the same key; after maxRecoveryAttempts unanswered calls it records a timeout (the authorization stays).
func (g *Gateway) RecoverOperation(ctx context.Context, paymentID, operationID string) error {
	p, err := g.store.GetPaymentByID(ctx, paymentID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	}
	if p.OperationID != operationID || p.Operation == payment.OperationNone {
		return nil
	}
	prov, err := g.providerOf(ctx, g.store, p)
	if err != nil {
		return err
	}
	res, callErr := g.callOperation(ctx, prov, p, JobProviderTimeout)
	if callErr != nil {
		if err := g.unanswered(ctx, fmt.Sprintf("recovery of %s %s", p.Operation, p.ID), p.ID, callErr); err != nil {
			return err
		}
		res = provider.TimeoutResult()
	}
	_, err = g.finishOperation(ctx, paymentID, operationID, res)
	return err
}

// EnqueueStaleOperations queues recovery for captures, voids and expiries in flight for over two minutes (a safety
// net for lost recovery jobs).
func (g *Gateway) EnqueueStaleOperations(ctx context.Context) (int, error) {
	stale, err := g.store.ListStaleOperations(ctx, g.Now().Add(-2*time.Minute), 500)
	if err != nil || len(stale) == 0 {
		return 0, err
	}
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		for _, p := range stale {
			opts := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: 5 * time.Minute}}
			if err := tx.Enqueue(ctx, RecoverOperationArgs{PaymentID: p.ID, OperationID: p.OperationID}, opts); err != nil {
				return err
			}
		}
		return nil
	})
	return len(stale), err
}

// ExpireAuthorizations voids authorizations past their expires_at (payment.expired) and expires open payment
// intents past theirs. It returns how many payments expired.
func (g *Gateway) ExpireAuthorizations(ctx context.Context) (int, error) {
	if _, err := g.ExpireIntents(ctx); err != nil {
		return 0, err
	}
	due, err := g.store.ListExpiredAuthorizations(ctx, g.Now(), 200)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	n := 0
	for _, d := range due {
		var p payment.Payment
		started := false
		err := g.store.InTx(ctx, func(tx store.Tx) error {
			var err error
			if p, err = tx.LockPayment(ctx, d.ID); err != nil {
				return err
			}
			if p.Status != payment.StatusAuthorized || p.Operation != payment.OperationNone || p.ExpiresAt == nil || g.Now().Before(*p.ExpiresAt) {
				return nil // captured, voided or being worked on meanwhile
			}
			started = true
			return g.markOperation(ctx, tx, &p, payment.OperationExpire, p.Amount, "authorization expired")
		})
		if err != nil {
			return n, err
		}
		if !started {
			continue
		}
		prov, err := g.providerOf(ctx, g.store, p)
		if err != nil {
			return n, err
		}
		res, callErr := g.callOperation(ctx, prov, p, JobProviderTimeout)
		if callErr != nil {
			continue // the recovery job finishes it
		}
		if _, err := g.finishOperation(ctx, p.ID, p.OperationID, res); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// intentFollowsPayment moves a manual-capture intent along with its authorized payment: captured when it is
// captured, canceled when it is voided (payment_intent.canceled), expired when the authorization lapses.
func (g *Gateway) intentFollowsPayment(ctx context.Context, tx store.Tx, p payment.Payment) error {
	to, ok := map[payment.Status]checkout.IntentStatus{
		payment.StatusCaptured: checkout.IntentCaptured,
		payment.StatusVoided:   checkout.IntentCanceled,
		payment.StatusExpired:  checkout.IntentExpired,
	}[p.Status]
	if !ok {
		return nil
	}
	pi, err := tx.LockPaymentIntent(ctx, p.SourceID)
	if err != nil {
		return err
	}
	if pi.PaymentID != p.ID || !pi.Status.CanTransition(to) {
		return nil
	}
	pi.Status, pi.UpdatedAt = to, p.UpdatedAt
	if err := tx.UpdatePaymentIntent(ctx, pi); err != nil {
		return err
	}
	if to == checkout.IntentCanceled {
		return g.recordIntentEvent(ctx, tx, pi, webhook.EventPaymentIntentCanceled)
	}
	return nil
}
