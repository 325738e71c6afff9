package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/ledger"
	"github.com/kassapay/kassa/internal/store"
)

// testLedger checks the journal: lines sum into per-account, per-currency balances of one merchant and mode that
// stay balanced, a journal commits or rolls back whole with its transaction, and the schema refuses a line that is
// not exactly one positive debit or credit.
func testLedger(t *testing.T, s store.Store) {
	ctx := context.Background()
	m, other := NewMerchant(t, s), NewMerchant(t, s)
	journal := func(j ledger.Journal) {
		t.Helper()
		if err := j.Validate(); err != nil {
			t.Fatal(err)
		}
		if err := s.InTx(ctx, func(tx store.Tx) error { return tx.InsertJournal(ctx, id.New("jrn_", Now), j, Now) }); err != nil {
			t.Fatal(err)
		}
	}
	journal(ledger.Capture(m.ID, false, "USD", 1000, "txn_1"))
	journal(ledger.Capture(m.ID, false, "USD", 500, "txn_2"))
	journal(ledger.Refund(m.ID, false, "USD", 300, "ref_1"))
	journal(ledger.Capture(m.ID, false, "EUR", 700, "txn_3"))
	journal(ledger.Capture(m.ID, true, "USD", 9000, "txn_4"))
	journal(ledger.Capture(other.ID, false, "USD", 8000, "txn_5"))

	balances := func(merchantID string, livemode bool) []store.LedgerBalance {
		t.Helper()
		b, err := s.LedgerBalances(ctx, merchantID, livemode)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	want := []store.LedgerBalance{
		{Account: ledger.MerchantPayable, Currency: "EUR", Debits: 0, Credits: 700},
		{Account: ledger.MerchantPayable, Currency: "USD", Debits: 300, Credits: 1500},
		{Account: ledger.ProviderClearing, Currency: "EUR", Debits: 700, Credits: 0},
		{Account: ledger.ProviderClearing, Currency: "USD", Debits: 1500, Credits: 300},
	}
	got := balances(m.ID, false)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LedgerBalances (-want +got):\n%s", diff)
	}
	sums := map[string][2]int64{}
	for _, b := range got {
		v := sums[b.Currency]
		sums[b.Currency] = [2]int64{v[0] + b.Debits, v[1] + b.Credits}
	}
	for currency, v := range sums {
		if v[0] != v[1] {
			t.Errorf("%s ledger out of balance: %d debited, %d credited", currency, v[0], v[1])
		}
	}
	if diff := cmp.Diff([]store.LedgerBalance{
		{Account: ledger.MerchantPayable, Currency: "USD", Credits: 9000},
		{Account: ledger.ProviderClearing, Currency: "USD", Debits: 9000},
	}, balances(m.ID, true)); diff != "" {
		t.Errorf("LedgerBalances in live mode (-want +got):\n%s", diff)
	}
	if got := balances("mer_missing", false); len(got) != 0 {
		t.Errorf("LedgerBalances of a merchant without journals: %+v", got)
	}

	// A journal written in a transaction that rolls back leaves no line behind.
	boom := errors.New("boom")
	err := s.InTx(ctx, func(tx store.Tx) error {
		if err := tx.InsertJournal(ctx, id.New("jrn_", Now), ledger.Capture(m.ID, false, "USD", 4000, "txn_6"), Now); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v, want the callback's error", err)
	}
	// A line that is neither one positive debit nor one positive credit is refused, and its journal with it.
	for name, line := range map[string]ledger.Line{
		"an empty line":                  {Account: ledger.ProviderClearing},
		"a debit and a credit":           {Account: ledger.ProviderClearing, Debit: 10, Credit: 10},
		"a negative debit":               {Account: ledger.ProviderClearing, Debit: -10},
		"a credit with a negative debit": {Account: ledger.ProviderClearing, Debit: -10, Credit: 20},
	} {
		j := ledger.Capture(m.ID, false, "USD", 50, "txn_bad")
		j.Lines = append(j.Lines, line)
		err := s.InTx(ctx, func(tx store.Tx) error { return tx.InsertJournal(ctx, id.New("jrn_", Now), j, Now) })
		if err == nil {
			t.Errorf("InsertJournal with %s succeeded", name)
		}
	}
	if diff := cmp.Diff(want, balances(m.ID, false)); diff != "" {
		t.Errorf("LedgerBalances after rolled-back and refused journals (-want +got):\n%s", diff)
	}
}
