package gateway

import (
	"context"
	"time"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/store"
)

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
	return listPage(&f.Limit, false, func() ([]payment.Transaction, error) { return g.store.ListTransactions(ctx, f) })
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

// TransactionObject is a transaction as the API shows it.
type TransactionObject struct {
	Object                string    `json:"object" enum:"transaction"`
	ID                    string    `json:"id"`
	Livemode              bool      `json:"livemode"`
	PaymentID             string    `json:"payment_id"`
	Type                  string    `json:"type" enum:"authorize,capture,sale,void,refund"`
	Status                string    `json:"status" enum:"succeeded,failed"`
	Amount                int64     `json:"amount"`
	Currency              string    `json:"currency"`
	Provider              string    `json:"provider"`
	ProfileID             *string   `json:"profile_id" doc:"The payment profile the call went to."`
	ProviderTransactionID *string   `json:"provider_transaction_id"`
	AuthCode              *string   `json:"auth_code"`
	ResponseCode          string    `json:"response_code"`
	ResponseMessage       string    `json:"response_message"`
	CreatedAt             time.Time `json:"created_at"`
}

// TransactionView renders a transaction.
func TransactionView(t payment.Transaction) TransactionObject {
	return TransactionObject{
		Object: "transaction", ID: t.ID, Livemode: t.Livemode, PaymentID: t.PaymentID, Type: string(t.Type),
		Status: string(t.Status), Amount: t.Amount, Currency: t.Currency, Provider: t.Provider, ProfileID: optional(t.ProfileID),
		ProviderTransactionID: optional(t.ProviderTransactionID), AuthCode: optional(t.AuthCode), ResponseCode: t.ResponseCode,
		ResponseMessage: t.ResponseMessage, CreatedAt: t.CreatedAt,
	}
}

// providerTransaction is the append-only row of one provider answer about p: succeeded when the provider says so,
// failed otherwise.
func providerTransaction(p payment.Payment, typ payment.TransactionType, amount int64, res provider.Result, now time.Time) payment.Transaction {
	t := payment.Transaction{
		ID: id.New("txn_", now), PaymentID: p.ID, MerchantID: p.MerchantID, Livemode: p.Livemode, Type: typ,
		Status: payment.TxnFailed, Amount: amount, Currency: p.Currency, Provider: p.Provider, ProfileID: p.ProfileID,
		ProviderTransactionID: res.ProviderTransactionID, AuthCode: res.AuthCode, ResponseCode: res.ResponseCode,
		ResponseMessage: res.ResponseMessage, CreatedAt: now,
	}
	if res.Status == provider.StatusSucceeded {
		t.Status = payment.TxnSucceeded
	}
	return t
}
