package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/crashpoint"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/ledger"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/refund"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/webhook"
)

// RefundInput names what to refund: a transaction, a payment, or the merchant's order id (its most recent paid
// session), with an optional amount (0: the whole remaining balance).
type RefundInput struct {
	TransactionID   string
	PaymentID       string
	ExternalOrderID string
	Amount          *int64
	Reason          string
	Metadata        json.RawMessage
	// Async answers with the refund pending and leaves the provider call to a job (ProcessRefundArgs), as
	// POST /api/v1/payments/{id}/refunds does; the idempotency key is then optional.
	Async bool
	// byPaymentRoute is set by RefundPayment: the payment is named by the route, so a missing one is
	// resource_missing and a fully refunded one payment_already_refunded.
	byPaymentRoute bool
}

// RecoverRefundArgs is the job that finishes a refund whose provider call was interrupted.
type RecoverRefundArgs struct {
	RefundID string `json:"refund_id"`
}

// Kind implements river.JobArgs.
func (RecoverRefundArgs) Kind() string { return "refund_recovery" }

// ProcessRefundArgs is the job that sends an asynchronous refund (RefundInput.Async) to the provider and records
// the outcome; its work is RecoverRefund's.
type ProcessRefundArgs struct {
	RefundID string `json:"refund_id"`
}

// Kind implements river.JobArgs.
func (ProcessRefundArgs) Kind() string { return "refund" }

// Errors of CreateRefund, as the reference document names them.
var errTransactionNotFound = &Error{Kind: KindNotFound, Code: "transaction_not_found",
	Message: "No such transaction, payment or paid order for this merchant."}

// CreateRefund refunds all or part of a captured payment (§5): the refund is recorded pending and counted against
// the refundable balance under the payment's row lock, the provider is called with a key derived from the refund,
// and the outcome is recorded with its transaction, ledger journal and refund.succeeded / refund.failed. The
// idempotency key (8–128 characters) is required: the same key and request return the same refund. It returns the
// refund and its payment as the refund left them; the payment is read under its row lock only (once per phase).
func (g *Gateway) CreateRefund(ctx context.Context, a Auth, in RefundInput, idem Idempotency) (refund.Refund, payment.Payment, error) {
	in.maskCardNumbers()
	if in.TransactionID == "" && in.PaymentID == "" && in.ExternalOrderID == "" {
		return refund.Refund{}, payment.Payment{}, InvalidParam("transaction_id", "missing_target", "Name what to refund: transaction_id, payment_id or external_order_id.")
	}
	if idem.Key == "" && in.Async {
		// Without a key every request is a new refund: a key of its own keeps the refunds' unique index satisfied.
		idem = Idempotency{Key: id.New("auto_", g.Now()), Hash: "none"}
	}
	if idem.Key == "" {
		return refund.Refund{}, payment.Payment{}, InvalidParam("idempotency_key", "missing_idempotency_key", "An idempotency key (8 to 128 characters) is required for refunds.")
	}
	if n := len(idem.Key); n < 8 || n > 128 {
		return refund.Refund{}, payment.Payment{}, InvalidParam("idempotency_key", "invalid_idempotency_key", "A refund's idempotency key must be 8 to 128 characters.")
	}
	if in.Amount != nil && *in.Amount <= 0 {
		return refund.Refund{}, payment.Payment{}, InvalidParam("amount", "invalid_amount", "amount must be a positive integer in minor units (omit it to refund the remaining balance).")
	}
	if utf8.RuneCountInString(in.Reason) > 512 {
		return refund.Refund{}, payment.Payment{}, InvalidParam("reason", "parameter_invalid", "reason is longer than 512 characters.")
	}
	if len(in.Metadata) == 0 || string(in.Metadata) == "null" {
		in.Metadata = json.RawMessage("{}")
	} else if !json.Valid(in.Metadata) || in.Metadata[0] != '{' || len(in.Metadata) > maxMetadataBytes {
		return refund.Refund{}, payment.Payment{}, InvalidParam("metadata", "parameter_invalid", "metadata must be a JSON object of at most 8 KB.")
	}
	if existing, err := g.store.GetRefundByIdempotencyKey(ctx, a.Merchant.ID, a.Livemode(), idem.Key); err == nil {
		// The key's refund exists: this is a retry, perhaps of a run that died after recording the refund pending.
		if existing.IdempotencyHash != idem.Hash {
			return refund.Refund{}, payment.Payment{}, errKeyReused
		}
		if existing.Status == refund.StatusPending && !in.Async {
			if existing, err = g.finishPendingRefund(ctx, existing); err != nil {
				return refund.Refund{}, payment.Payment{}, err
			}
		}
		p, err := g.store.GetPaymentByID(ctx, existing.PaymentID)
		return existing, p, err
	}
	paymentID, err := g.refundTarget(ctx, a, in)
	if err != nil {
		return refund.Refund{}, payment.Payment{}, err
	}
	var prov provider.Provider
	var r refund.Refund
	var p payment.Payment
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		p, err = tx.LockPayment(ctx, paymentID)
		if err == nil && (p.MerchantID != a.Merchant.ID || p.Livemode != a.Livemode()) {
			err = store.ErrNotFound // another merchant's or mode's payment is not found
		}
		switch {
		case errors.Is(err, store.ErrNotFound) && in.byPaymentRoute:
			return NotFound("payment", paymentID)
		case err != nil:
			return notFoundAsCode(err)
		case in.byPaymentRoute && p.Status == payment.StatusRefunded:
			return Errorf(KindConflict, "payment_already_refunded", "The payment is already fully refunded.")
		}
		// The refund goes to the profile that took the payment.
		if prov, err = g.providerOf(ctx, tx, p); err != nil {
			return err
		}
		amount := int64(0)
		if in.Amount != nil {
			amount = *in.Amount
		}
		amount = refund.Amount(amount, p.Amounts())
		switch err := refund.Check(p.Status, p.Amounts(), amount); {
		case errors.Is(err, refund.ErrNotRefundable):
			return Errorf(KindConflict, "non_refundable_state", "The payment is %s; only captured payments can be refunded.", p.Status)
		case errors.Is(err, refund.ErrOverRefund), errors.Is(err, refund.ErrAmount) && in.Amount == nil:
			return Errorf(KindConflict, "over_refund", "The refundable balance is %d; %d was asked.", p.Amounts().Refundable(), amount)
		case err != nil:
			return InvalidParam("amount", "invalid_amount", err.Error())
		}
		now := g.Now()
		r = refund.Refund{
			ID: id.New("ref_", now), PaymentID: p.ID, MerchantID: p.MerchantID, Livemode: p.Livemode, Amount: amount,
			Currency: p.Currency, Status: refund.StatusPending, Reason: in.Reason, Metadata: in.Metadata,
			IdempotencyKey: idem.Key, IdempotencyHash: idem.Hash, CreatedAt: now, UpdatedAt: now,
		}
		inserted, err := tx.InsertRefund(ctx, r)
		if err != nil {
			return err
		}
		if !inserted {
			return errInProgress
		}
		p.RefundsPending += amount
		p.UpdatedAt = now
		if err := tx.UpdatePayment(ctx, p); err != nil {
			return err
		}
		if err := g.bindRecoveryPoint(ctx, tx, r.ID); err != nil {
			return err
		}
		if in.Async {
			return tx.Enqueue(ctx, ProcessRefundArgs{RefundID: r.ID}, &river.InsertOpts{ScheduledAt: now.Add(g.asyncDelay())})
		}
		return tx.Enqueue(ctx, RecoverRefundArgs{RefundID: r.ID}, &river.InsertOpts{ScheduledAt: now.Add(recoveryDelay)})
	})
	if err != nil {
		return refund.Refund{}, payment.Payment{}, err
	}
	if in.Async {
		return r, p, nil
	}
	crashpoint.Hit("refund.begun")
	callCtx, cancel := providerContext(ctx)
	defer cancel()
	res, callErr := prov.Do(callCtx, provider.Request{
		Operation: provider.OperationRefund, IdempotencyKey: r.ID + ":refund", Amount: r.Amount, Currency: r.Currency,
		ProviderTransactionID: p.ProviderTransactionID,
	})
	crashpoint.Hit("refund.called")
	if callErr != nil {
		g.log.WarnContext(ctx, "refund call without an outcome; recovery will ask again", "refund_id", r.ID, "err", callErr)
		return r, p, nil
	}
	return g.finishRefund(ctx, r.ID, res)
}

// finishPendingRefund gives a refund left pending by a run that died after recording it the chance to finish now
// (RecoverRefund asks the provider with the refund's own key) and returns it as it stands: a retry answers with the
// refund's outcome and never makes a second refund.
func (g *Gateway) finishPendingRefund(ctx context.Context, r refund.Refund) (refund.Refund, error) {
	if err := g.RecoverRefund(ctx, r.ID); err != nil {
		g.log.WarnContext(ctx, "resuming a refund: the provider gave no outcome; recovery will ask again", "refund_id", r.ID, "err", err)
	}
	return g.store.GetRefundByID(ctx, r.ID)
}

// refundTarget resolves the payment a refund names; another merchant's objects are "not found".
func (g *Gateway) refundTarget(ctx context.Context, a Auth, in RefundInput) (string, error) {
	switch {
	case in.TransactionID != "":
		t, err := g.store.GetTransaction(ctx, a.Merchant.ID, a.Livemode(), in.TransactionID)
		if err != nil {
			return "", notFoundAsCode(err)
		}
		return t.PaymentID, nil
	case in.PaymentID != "":
		// Read under the row lock in CreateRefund's transaction, which checks the merchant and mode.
		return in.PaymentID, nil
	default:
		s, err := g.store.GetPaidSessionByOrder(ctx, a.Merchant.ID, a.Livemode(), in.ExternalOrderID)
		if err != nil {
			return "", notFoundAsCode(err)
		}
		return s.PaymentID, nil
	}
}

func notFoundAsCode(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errTransactionNotFound
	}
	return err
}

// finishRefund records a refund's outcome unless it was recorded already.
func (g *Gateway) finishRefund(ctx context.Context, refundID string, res provider.Result) (refund.Refund, payment.Payment, error) {
	var out refund.Refund
	var outP payment.Payment
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		r, err := tx.LockRefund(ctx, refundID)
		if err != nil {
			return err
		}
		p, err := tx.LockPayment(ctx, r.PaymentID)
		if err != nil {
			return err
		}
		out, outP = r, p
		if r.Status != refund.StatusPending {
			return nil
		}
		now := g.Now()
		txn := providerTransaction(p, payment.TxnRefund, r.Amount, res, now)
		p.RefundsPending -= r.Amount
		r.ProviderTransactionID, r.UpdatedAt, p.UpdatedAt = res.ProviderTransactionID, now, now
		evType := webhook.EventRefundSucceeded
		if res.Status == provider.StatusSucceeded {
			r.Status = refund.StatusSucceeded
			p.Refunded += r.Amount
			to := refund.PaymentStatusAfter(p.Amounts())
			if err := payment.Transition(p.Status, to); err != nil {
				return err
			}
			p.Status = to
			j := ledger.Refund(p.MerchantID, p.Livemode, p.Currency, r.Amount, r.ID)
			if err := j.Validate(); err != nil {
				return err
			}
			if err := tx.InsertJournal(ctx, id.New("jrn_", now), j, now); err != nil {
				return err
			}
		} else {
			r.Status = refund.StatusFailed
			r.FailureCode, r.FailureMessage = firstNonEmpty(res.DeclineCode, res.ResponseCode), res.ResponseMessage
			evType = webhook.EventRefundFailed
		}
		for _, save := range []func() error{
			func() error { return tx.InsertTransaction(ctx, txn) },
			func() error { return tx.UpdateRefund(ctx, r) },
			func() error { return tx.UpdatePayment(ctx, p) },
		} {
			if err := save(); err != nil {
				return err
			}
		}
		sessionStatus, sessionEndpoint := "", ""
		if fromSession(p) {
			s, err := tx.LockCheckoutSession(ctx, p.SourceID)
			if err != nil {
				return err
			}
			if st := sessionStatusOf(p.Status); r.Status == refund.StatusSucceeded && st != "" {
				s.Status, s.UpdatedAt = st, now
				if err := tx.UpdateCheckoutSession(ctx, s); err != nil {
					return err
				}
			}
			sessionStatus, sessionEndpoint = string(s.Status), s.WebhookEndpointID
		}
		out, outP = r, p
		view := RefundView(r, p, sessionStatus)
		if _, err := g.RecordEvent(ctx, tx, EventInput{MerchantID: r.MerchantID, Livemode: r.Livemode, Type: evType, ObjectID: r.ID, Data: view, SessionEndpointID: sessionEndpoint}); err != nil {
			return err
		}
		if r.Status == refund.StatusSucceeded && p.Status == payment.StatusRefunded {
			_, err := g.RecordEvent(ctx, tx, EventInput{MerchantID: p.MerchantID, Livemode: p.Livemode, Type: webhook.EventPaymentRefunded, ObjectID: p.ID, Data: PaymentView(p), SessionEndpointID: sessionEndpoint})
			return err
		}
		return nil
	})
	return out, outP, err
}

// RecoverRefund finishes a refund left pending by an interrupted provider call, asking again with the same key.
func (g *Gateway) RecoverRefund(ctx context.Context, refundID string) error {
	r, err := g.store.GetRefundByID(ctx, refundID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	}
	if r.Status != refund.StatusPending {
		return nil
	}
	p, err := g.store.GetPaymentByID(ctx, r.PaymentID)
	if err != nil {
		return err
	}
	prov, err := g.providerOf(ctx, g.store, p)
	if err != nil {
		return err
	}
	callCtx, cancel := context.WithTimeout(ctx, JobProviderTimeout)
	defer cancel()
	res, callErr := prov.Do(callCtx, provider.Request{
		Operation: provider.OperationRefund, IdempotencyKey: r.ID + ":refund", Amount: r.Amount, Currency: r.Currency,
		ProviderTransactionID: p.ProviderTransactionID,
	})
	if callErr != nil {
		attempts := 0
		err := g.store.InTx(ctx, func(tx store.Tx) error {
			cur, err := tx.LockRefund(ctx, r.ID)
			if err != nil {
				return err
			}
			cur.RecoveryAttempts++
			attempts, cur.UpdatedAt = cur.RecoveryAttempts, g.Now()
			return tx.UpdateRefund(ctx, cur)
		})
		if err != nil {
			return err
		}
		if attempts < maxRecoveryAttempts {
			return fmt.Errorf("gateway: recovery of %s: provider gave no outcome (attempt %d): %w", r.ID, attempts, callErr)
		}
		res = provider.TimeoutResult()
	}
	_, _, err = g.finishRefund(ctx, r.ID, res)
	return err
}

// GetRefund returns one of the caller's refunds with its payment.
func (g *Gateway) GetRefund(ctx context.Context, a Auth, refundID string) (refund.Refund, payment.Payment, error) {
	if !id.HasPrefix(refundID, "ref_") {
		return refund.Refund{}, payment.Payment{}, NotFound("refund", refundID)
	}
	r, err := g.store.GetRefund(ctx, a.Merchant.ID, a.Livemode(), refundID)
	if err != nil {
		return r, payment.Payment{}, notFoundAs(err, "refund", refundID)
	}
	p, err := g.store.GetPaymentByID(ctx, r.PaymentID)
	return r, p, err
}

// ListRefunds returns a page of the caller's refunds, newest first.
func (g *Gateway) ListRefunds(ctx context.Context, a Auth, f store.RefundFilter) ([]refund.Refund, bool, error) {
	f.MerchantID, f.Livemode = a.Merchant.ID, a.Livemode()
	return listPage(&f.Limit, false, func() ([]refund.Refund, error) { return g.store.ListRefunds(ctx, f) })
}

// RefundObject is a refund as the API and its events show it.
type RefundObject struct {
	Object            string          `json:"object" enum:"refund"`
	ID                string          `json:"id"`
	Livemode          bool            `json:"livemode"`
	PaymentID         string          `json:"payment_id"`
	SessionID         *string         `json:"session_id" doc:"The checkout session or payment link that was paid."`
	ExternalOrderID   string          `json:"external_order_id"`
	ExternalInvoiceID *string         `json:"external_invoice_id"`
	Amount            int64           `json:"amount"`
	Currency          string          `json:"currency"`
	Status            string          `json:"status" enum:"pending,succeeded,failed"`
	SessionStatus     *string         `json:"session_status" doc:"The session's status after this refund (partially_refunded or refunded)."`
	PaymentStatus     string          `json:"payment_status"`
	Reason            string          `json:"reason"`
	FailureCode       *string         `json:"failure_code"`
	FailureMessage    *string         `json:"failure_message"`
	Metadata          json.RawMessage `json:"metadata"`
	CreatedAt         time.Time       `json:"created_at"`
}

// RefundView renders a refund; sessionStatus is empty when the payment did not come from a session or link.
func RefundView(r refund.Refund, p payment.Payment, sessionStatus string) RefundObject {
	var sessionID *string
	if fromSession(p) {
		sessionID = optional(p.SourceID)
	}
	return RefundObject{
		Object: "refund", ID: r.ID, Livemode: r.Livemode, PaymentID: r.PaymentID, SessionID: sessionID,
		ExternalOrderID: p.ExternalOrderID, ExternalInvoiceID: optional(p.ExternalInvoiceID), Amount: r.Amount,
		Currency: r.Currency, Status: string(r.Status), SessionStatus: optional(sessionStatus), PaymentStatus: string(p.Status),
		Reason: r.Reason, FailureCode: optional(r.FailureCode), FailureMessage: optional(r.FailureMessage),
		Metadata: PublicMetadata(r.Metadata), CreatedAt: r.CreatedAt,
	}
}

func fromSession(p payment.Payment) bool {
	return p.SourceKind == "checkout_session" || p.SourceKind == "payment_link"
}

// SessionStatusOf is the status of the session or link a payment paid, as its refunds leave it ("" when the
// payment did not come from one).
func SessionStatusOf(p payment.Payment) string {
	if !fromSession(p) {
		return ""
	}
	return string(sessionStatusOf(p.Status))
}

// sessionStatusOf is the status a paid session takes from its payment's ("" for a payment status a paid session
// does not follow).
func sessionStatusOf(s payment.Status) checkout.Status {
	switch s {
	case payment.StatusCaptured:
		return checkout.StatusPaid
	case payment.StatusPartiallyRefunded:
		return checkout.StatusPartiallyRefunded
	case payment.StatusRefunded:
		return checkout.StatusRefunded
	}
	return ""
}

// RefundPayment refunds a payment named by its id (POST /api/v1/payments/{id}/refund): CreateRefund, with a
// missing payment named as such and the fully refunded case named (unless the refund that refunded it is this
// request's own, retried: CreateRefund answers a known key before it looks at the payment).
func (g *Gateway) RefundPayment(ctx context.Context, a Auth, in RefundInput, idem Idempotency) (refund.Refund, payment.Payment, error) {
	if !id.HasPrefix(in.PaymentID, "pay_") {
		return refund.Refund{}, payment.Payment{}, NotFound("payment", in.PaymentID)
	}
	in.byPaymentRoute = true
	return g.CreateRefund(ctx, a, in, idem)
}

// RefundStats sums the caller's succeeded refunds created in [from, to) by currency.
func (g *Gateway) RefundStats(ctx context.Context, a Auth, from, to time.Time) ([]store.RefundStat, error) {
	return g.store.RefundStats(ctx, a.Merchant.ID, a.Livemode(), from, to)
}
