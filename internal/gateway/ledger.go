package gateway

import (
	"context"
	"time"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/ledger"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
)

// LedgerBalances returns the caller's ledger balances per account and currency.
func (g *Gateway) LedgerBalances(ctx context.Context, a Auth) ([]store.LedgerBalance, error) {
	return g.store.LedgerBalances(ctx, a.Merchant.ID, a.Livemode())
}

// journalCapture writes the ledger journal of a capture (or sale) of amount.
func (g *Gateway) journalCapture(ctx context.Context, tx store.Tx, p payment.Payment, amount int64, ref string, now time.Time) error {
	j := ledger.Capture(p.MerchantID, p.Livemode, p.Currency, amount, ref)
	if err := j.Validate(); err != nil {
		return err
	}
	return tx.InsertJournal(ctx, id.New("jrn_", now), j, now)
}
