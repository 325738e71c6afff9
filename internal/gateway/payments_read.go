package gateway

import (
	"context"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
)

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
	want := f.Limit
	f.Limit++
	rows, err := g.store.ListPayments(ctx, f)
	if err != nil {
		return nil, false, err
	}
	return trimPage(rows, want, false)
}

// GetTransaction returns one of the caller's transactions.
func (g *Gateway) GetTransaction(ctx context.Context, a Auth, txnID string) (payment.Transaction, error) {
	if !id.HasPrefix(txnID, "txn_") {
		return payment.Transaction{}, NotFound("transaction", txnID)
	}
	t, err := g.store.GetTransaction(ctx, a.Merchant.ID, a.Livemode(), txnID)
	return t, notFoundAs(err, "transaction", txnID)
}

// ListTransactions returns a page of the caller's transactions, newest first.
func (g *Gateway) ListTransactions(ctx context.Context, a Auth, f store.TransactionFilter) ([]payment.Transaction, bool, error) {
	f.MerchantID, f.Livemode = a.Merchant.ID, a.Livemode()
	want := f.Limit
	f.Limit++
	rows, err := g.store.ListTransactions(ctx, f)
	if err != nil {
		return nil, false, err
	}
	return trimPage(rows, want, false)
}

// LedgerBalances returns the caller's ledger balances per account and currency.
func (g *Gateway) LedgerBalances(ctx context.Context, a Auth) ([]store.LedgerBalance, error) {
	return g.store.LedgerBalances(ctx, a.Merchant.ID, a.Livemode())
}

// ListCardPayments returns a page of the caller's payments, newest first, with the created range, front door and
// offset filters.
func (g *Gateway) ListCardPayments(ctx context.Context, a Auth, f store.CardPaymentFilter) ([]payment.Payment, bool, error) {
	f.MerchantID, f.Livemode = a.Merchant.ID, a.Livemode()
	want := f.Limit
	f.Limit++
	rows, err := g.store.ListCardPayments(ctx, f)
	if err != nil {
		return nil, false, err
	}
	return trimPage(rows, want, false)
}

// ListTransactionsOffset is ListTransactions with document 002's offset.
func (g *Gateway) ListTransactionsOffset(ctx context.Context, a Auth, f store.TransactionFilter, offset int) ([]payment.Transaction, bool, error) {
	f.MerchantID, f.Livemode = a.Merchant.ID, a.Livemode()
	want := f.Limit
	f.Limit++
	rows, err := g.store.ListTransactionsOffset(ctx, f, offset)
	if err != nil {
		return nil, false, err
	}
	return trimPage(rows, want, false)
}
