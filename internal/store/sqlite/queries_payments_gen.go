// Code generated from ../postgres/queries_payments.go by go generate; DO NOT EDIT.

package sqlite

// Payments, saved cards, transactions, ledger journals and refunds.

import (
	"context"
	"time"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/ledger"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/refund"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/dbtype"
	"github.com/kassapay/kassa/internal/store/sqlite/litedb"
	"github.com/kassapay/kassa/internal/vault"
)

func (s queries) InsertSavedCard(ctx context.Context, c payment.SavedCard) error {
	d := c.Sealed.Display
	return mapErr(s.q.InsertPaymentMethod(ctx, litedb.InsertPaymentMethodParams{
		ID: c.ID, MerchantID: c.MerchantID, Livemode: c.Livemode, Brand: string(d.Brand), First6: d.First6, Last4: d.Last4,
		ExpMonth: int64(d.ExpMonth), ExpYear: int64(d.ExpYear), Fingerprint: c.Sealed.Fingerprint,
		Ciphertext: c.Sealed.Ciphertext, WrappedKey: c.Sealed.WrappedKey, KeyVersion: int64(c.Sealed.KeyVersion),
		CreatedAt: ts(c.CreatedAt),
	}))
}

func (s queries) GetSavedCard(ctx context.Context, cardID string) (payment.SavedCard, error) {
	r, err := s.q.GetPaymentMethod(ctx, cardID)
	if err != nil {
		return payment.SavedCard{}, mapErr(err)
	}
	return payment.SavedCard{
		ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, CreatedAt: r.CreatedAt.UTC(),
		Sealed: vault.Sealed{
			Ciphertext: r.Ciphertext, WrappedKey: r.WrappedKey, KeyVersion: int(r.KeyVersion), Fingerprint: r.Fingerprint,
			Display: vault.Display{Brand: vault.Brand(r.Brand), First6: r.First6, Last4: r.Last4, ExpMonth: int(r.ExpMonth), ExpYear: int(r.ExpYear)},
		},
	}, nil
}

func paymentFromRow(r litedb.Payment) payment.Payment {
	return payment.Payment{
		ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, Status: payment.Status(r.Status), Method: payment.Method(r.Method),
		CaptureMethod: payment.CaptureMethod(r.CaptureMethod), Amount: r.Amount, Currency: r.Currency, Captured: r.AmountCaptured,
		Refunded: r.AmountRefunded, RefundsPending: r.AmountRefundsPending, PaymentMethodID: str(r.PaymentMethodID),
		Card:          payment.CardDisplay{Brand: r.CardBrand, First6: r.CardFirst6, Last4: r.CardLast4, ExpMonth: int(r.CardExpMonth), ExpYear: int(r.CardExpYear)},
		CustomerEmail: r.CustomerEmail, CustomerName: r.CustomerName, Description: r.Description, Metadata: []byte(r.Metadata),
		ExternalOrderID: r.ExternalOrderID, ExternalInvoiceID: r.ExternalInvoiceID, SourceKind: r.SourceKind, SourceID: r.SourceID,
		Provider: r.Provider, ProfileID: r.ProfileID, ProviderTransactionID: r.ProviderTransactionID, Scenario: r.Scenario, FailureCode: r.FailureCode,
		FailureMessage: r.FailureMessage, DeclineCode: r.DeclineCode, RecoveryAttempts: int(r.RecoveryAttempts), VPA: r.Vpa,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), Direct: directFromRow(r),
	}
}

func paymentsFromRows(rows []litedb.Payment) []payment.Payment {
	out := make([]payment.Payment, 0, len(rows))
	for _, r := range rows {
		out = append(out, paymentFromRow(r))
	}
	return out
}

func (s queries) InsertPayment(ctx context.Context, p payment.Payment) error {
	md := dbtype.JSON(p.Metadata)
	if len(md) == 0 {
		md = dbtype.JSON("{}")
	}
	return mapErr(s.q.InsertPayment(ctx, litedb.InsertPaymentParams{
		ID: p.ID, MerchantID: p.MerchantID, Livemode: p.Livemode, Status: string(p.Status), Method: string(p.Method),
		CaptureMethod: string(p.CaptureMethod), Amount: p.Amount, Currency: p.Currency, AmountCaptured: p.Captured,
		AmountRefunded: p.Refunded, AmountRefundsPending: p.RefundsPending, PaymentMethodID: strPtr(p.PaymentMethodID),
		CardBrand: p.Card.Brand, CardFirst6: p.Card.First6, CardLast4: p.Card.Last4, CardExpMonth: int64(p.Card.ExpMonth),
		CardExpYear: int64(p.Card.ExpYear), CustomerEmail: p.CustomerEmail, CustomerName: p.CustomerName,
		Description: p.Description, Metadata: md, ExternalOrderID: p.ExternalOrderID, ExternalInvoiceID: p.ExternalInvoiceID,
		SourceKind: p.SourceKind, SourceID: p.SourceID, Provider: p.Provider, ProviderTransactionID: p.ProviderTransactionID,
		Scenario: p.Scenario, FailureCode: p.FailureCode, FailureMessage: p.FailureMessage, DeclineCode: p.DeclineCode,
		RecoveryAttempts: int64(p.RecoveryAttempts), CreatedAt: ts(p.CreatedAt), UpdatedAt: ts(p.UpdatedAt), Vpa: p.VPA,
		ProfileID: p.ProfileID,
	}))
}

func (s queries) GetPayment(ctx context.Context, merchantID string, livemode bool, paymentID string) (payment.Payment, error) {
	r, err := s.q.GetPayment(ctx, litedb.GetPaymentParams{MerchantID: merchantID, Livemode: livemode, ID: paymentID})
	if err != nil {
		return payment.Payment{}, mapErr(err)
	}
	return paymentFromRow(r), nil
}

func (s queries) GetPaymentByID(ctx context.Context, paymentID string) (payment.Payment, error) {
	r, err := s.q.GetPaymentByID(ctx, paymentID)
	if err != nil {
		return payment.Payment{}, mapErr(err)
	}
	return paymentFromRow(r), nil
}

func (s queries) LockPayment(ctx context.Context, paymentID string) (payment.Payment, error) {
	r, err := s.q.LockPayment(ctx, paymentID)
	if err != nil {
		return payment.Payment{}, mapErr(err)
	}
	return paymentFromRow(litedb.Payment(r)), nil
}

func (s queries) UpdatePayment(ctx context.Context, p payment.Payment) error {
	n, err := s.q.UpdatePayment(ctx, litedb.UpdatePaymentParams{
		ID: p.ID, Status: string(p.Status), AmountCaptured: p.Captured, AmountRefunded: p.Refunded,
		AmountRefundsPending: p.RefundsPending, ProviderTransactionID: p.ProviderTransactionID, FailureCode: p.FailureCode,
		FailureMessage: p.FailureMessage, DeclineCode: p.DeclineCode, RecoveryAttempts: int64(p.RecoveryAttempts),
		Provider: p.Provider, ProfileID: p.ProfileID, UpdatedAt: ts(p.UpdatedAt),
	})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) ListPayments(ctx context.Context, f store.PaymentFilter) ([]payment.Payment, error) {
	return s.ListCardPayments(ctx, store.CardPaymentFilter{PaymentFilter: f})
}

func (s queries) ListStalePendingPayments(ctx context.Context, before time.Time, limit int) ([]payment.Payment, error) {
	rows, err := s.q.ListStalePendingPayments(ctx, litedb.ListStalePendingPaymentsParams{Before: ts(before), RowLimit: int64(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return paymentsFromRows(rows), nil
}

func transactionFromRow(r litedb.Transaction) payment.Transaction {
	return payment.Transaction{
		ID: r.ID, PaymentID: r.PaymentID, MerchantID: r.MerchantID, Livemode: r.Livemode, Type: payment.TransactionType(r.Type),
		Status: payment.TransactionStatus(r.Status), Amount: r.Amount, Currency: r.Currency, Provider: r.Provider, ProfileID: r.ProfileID,
		ProviderTransactionID: r.ProviderTransactionID, AuthCode: r.AuthCode, ResponseCode: r.ResponseCode,
		ResponseMessage: r.ResponseMessage, CreatedAt: r.CreatedAt.UTC(),
	}
}

func (s queries) InsertTransaction(ctx context.Context, t payment.Transaction) error {
	return mapErr(s.q.InsertTransaction(ctx, litedb.InsertTransactionParams{
		ID: t.ID, PaymentID: t.PaymentID, MerchantID: t.MerchantID, Livemode: t.Livemode, Type: string(t.Type),
		Status: string(t.Status), Amount: t.Amount, Currency: t.Currency, Provider: t.Provider,
		ProviderTransactionID: t.ProviderTransactionID, AuthCode: t.AuthCode, ResponseCode: t.ResponseCode,
		ResponseMessage: t.ResponseMessage, CreatedAt: ts(t.CreatedAt), ProfileID: t.ProfileID,
	}))
}

func (s queries) GetTransaction(ctx context.Context, merchantID string, livemode bool, txnID string) (payment.Transaction, error) {
	r, err := s.q.GetTransaction(ctx, litedb.GetTransactionParams{MerchantID: merchantID, Livemode: livemode, ID: txnID})
	if err != nil {
		return payment.Transaction{}, mapErr(err)
	}
	return transactionFromRow(r), nil
}

func (s queries) ListTransactions(ctx context.Context, f store.TransactionFilter) ([]payment.Transaction, error) {
	gte, lt := timeRange(f.CreatedGTE, f.CreatedLT)
	rows, err := s.q.ListTransactions(ctx, litedb.ListTransactionsParams{
		MerchantID: f.MerchantID, Livemode: f.Livemode, StartingAfter: f.StartingAfter, PaymentID: f.PaymentID, Type: f.Type,
		Status: f.Status, CreatedGte: gte, CreatedLt: lt, RowLimit: int64(f.Limit),
	})
	return mapRows(rows, err, transactionFromRow)
}

func (s queries) InsertJournal(ctx context.Context, journalID string, j ledger.Journal, at time.Time) error {
	for _, l := range j.Lines {
		err := s.q.InsertLedgerLine(ctx, litedb.InsertLedgerLineParams{
			ID: id.New("led_", at), JournalID: journalID, MerchantID: j.MerchantID, Livemode: j.Livemode, Currency: j.Currency,
			Account: string(l.Account), Debit: l.Debit, Credit: l.Credit, Reference: j.Reference, Memo: j.Memo, CreatedAt: ts(at),
		})
		if err != nil {
			return mapErr(err)
		}
	}
	return nil
}

func (s queries) LedgerBalances(ctx context.Context, merchantID string, livemode bool) ([]store.LedgerBalance, error) {
	rows, err := s.q.SumLedger(ctx, litedb.SumLedgerParams{MerchantID: merchantID, Livemode: livemode})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]store.LedgerBalance, 0, len(rows))
	for _, r := range rows {
		out = append(out, store.LedgerBalance{Account: ledger.Account(r.Account), Currency: r.Currency, Debits: r.Debits, Credits: r.Credits})
	}
	return out, nil
}

func refundFromRow(r litedb.Refund) refund.Refund {
	return refund.Refund{
		ID: r.ID, PaymentID: r.PaymentID, MerchantID: r.MerchantID, Livemode: r.Livemode, Amount: r.Amount, Currency: r.Currency,
		Status: refund.Status(r.Status), Reason: r.Reason, Metadata: []byte(r.Metadata), IdempotencyKey: r.IdempotencyKey,
		IdempotencyHash: r.IdempotencyHash, ProviderTransactionID: r.ProviderTransactionID, FailureCode: r.FailureCode,
		FailureMessage: r.FailureMessage, RecoveryAttempts: int(r.RecoveryAttempts), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

func (s queries) InsertRefund(ctx context.Context, r refund.Refund) (bool, error) {
	md := dbtype.JSON(r.Metadata)
	if len(md) == 0 {
		md = dbtype.JSON("{}")
	}
	n, err := s.q.InsertRefund(ctx, litedb.InsertRefundParams{
		ID: r.ID, PaymentID: r.PaymentID, MerchantID: r.MerchantID, Livemode: r.Livemode, Amount: r.Amount, Currency: r.Currency,
		Status: string(r.Status), Reason: r.Reason, Metadata: md, IdempotencyKey: r.IdempotencyKey, IdempotencyHash: r.IdempotencyHash,
		ProviderTransactionID: r.ProviderTransactionID, FailureCode: r.FailureCode, FailureMessage: r.FailureMessage,
		RecoveryAttempts: int64(r.RecoveryAttempts), CreatedAt: ts(r.CreatedAt), UpdatedAt: ts(r.UpdatedAt),
	})
	return n == 1, mapErr(err)
}

func (s queries) GetRefund(ctx context.Context, merchantID string, livemode bool, refundID string) (refund.Refund, error) {
	r, err := s.q.GetRefund(ctx, litedb.GetRefundParams{MerchantID: merchantID, Livemode: livemode, ID: refundID})
	if err != nil {
		return refund.Refund{}, mapErr(err)
	}
	return refundFromRow(r), nil
}

func (s queries) GetRefundByID(ctx context.Context, refundID string) (refund.Refund, error) {
	r, err := s.q.GetRefundByID(ctx, refundID)
	if err != nil {
		return refund.Refund{}, mapErr(err)
	}
	return refundFromRow(r), nil
}

func (s queries) GetRefundByIdempotencyKey(ctx context.Context, merchantID string, livemode bool, key string) (refund.Refund, error) {
	r, err := s.q.GetRefundByIdempotencyKey(ctx, litedb.GetRefundByIdempotencyKeyParams{MerchantID: merchantID, Livemode: livemode, IdempotencyKey: key})
	if err != nil {
		return refund.Refund{}, mapErr(err)
	}
	return refundFromRow(r), nil
}

func (s queries) LockRefund(ctx context.Context, refundID string) (refund.Refund, error) {
	r, err := s.q.LockRefund(ctx, refundID)
	if err != nil {
		return refund.Refund{}, mapErr(err)
	}
	return refundFromRow(litedb.Refund(r)), nil
}

func (s queries) UpdateRefund(ctx context.Context, r refund.Refund) error {
	n, err := s.q.UpdateRefund(ctx, litedb.UpdateRefundParams{
		ID: r.ID, Status: string(r.Status), ProviderTransactionID: r.ProviderTransactionID, FailureCode: r.FailureCode,
		FailureMessage: r.FailureMessage, RecoveryAttempts: int64(r.RecoveryAttempts), UpdatedAt: ts(r.UpdatedAt),
	})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) ListRefunds(ctx context.Context, f store.RefundFilter) ([]refund.Refund, error) {
	rows, err := s.q.ListRefunds(ctx, litedb.ListRefundsParams{
		MerchantID: f.MerchantID, Livemode: f.Livemode, StartingAfter: f.StartingAfter, PaymentID: f.PaymentID, Status: f.Status,
		RowLimit: int64(f.Limit),
	})
	return mapRows(rows, err, refundFromRow)
}

func (s queries) GetPaidSessionByOrder(ctx context.Context, merchantID string, livemode bool, externalOrderID string) (checkout.Session, error) {
	r, err := s.q.GetPaidSessionByOrder(ctx, litedb.GetPaidSessionByOrderParams{MerchantID: merchantID, Livemode: livemode, ExternalOrderID: externalOrderID})
	if err != nil {
		return checkout.Session{}, mapErr(err)
	}
	return sessionFromRow(r), nil
}
