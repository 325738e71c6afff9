// Package ledger keeps Kassa's double-entry journal: every money movement (a capture, a refund) is a journal of
// lines whose debits equal their credits, written in the same transaction as the state change it records, so the
// books always balance and every balance can be rebuilt from the journal.
package ledger

import (
	"errors"
	"fmt"
)

// Account names where money sits, per merchant and currency.
type Account string

// Accounts.
const (
	// ProviderClearing is money the provider holds for the merchant until it settles: captures raise it, refunds
	// lower it.
	ProviderClearing Account = "provider_clearing"
	// MerchantPayable is what Kassa owes the merchant for its captured, unrefunded payments.
	MerchantPayable Account = "merchant_payable"
)

// Line is one side of a journal: a debit or a credit to one account, in minor units.
type Line struct {
	Account Account
	Debit   int64
	Credit  int64
}

// Journal is one balanced money movement.
type Journal struct {
	MerchantID string
	Livemode   bool
	Currency   string
	// Reference names the object that moved the money (a transaction or refund id).
	Reference string
	Memo      string
	Lines     []Line
}

// Errors of Validate.
var (
	ErrUnbalanced = errors.New("ledger: debits and credits differ")
	ErrLine       = errors.New("ledger: a line must be either a positive debit or a positive credit")
	ErrEmpty      = errors.New("ledger: a journal needs at least two lines")
)

// Validate checks that j balances.
func (j Journal) Validate() error {
	if len(j.Lines) < 2 {
		return ErrEmpty
	}
	var debits, credits int64
	for i, l := range j.Lines {
		if (l.Debit > 0) == (l.Credit > 0) || l.Debit < 0 || l.Credit < 0 {
			return fmt.Errorf("%w (line %d)", ErrLine, i)
		}
		debits += l.Debit
		credits += l.Credit
	}
	if debits != credits {
		return fmt.Errorf("%w: %d debited, %d credited", ErrUnbalanced, debits, credits)
	}
	return nil
}

// Capture records captured money: the provider now holds it for the merchant.
func Capture(merchantID string, livemode bool, currency string, amount int64, reference string) Journal {
	return Journal{MerchantID: merchantID, Livemode: livemode, Currency: currency, Reference: reference, Memo: "capture",
		Lines: []Line{{Account: ProviderClearing, Debit: amount}, {Account: MerchantPayable, Credit: amount}}}
}

// Refund records refunded money: it leaves the provider's hold and what is owed to the merchant.
func Refund(merchantID string, livemode bool, currency string, amount int64, reference string) Journal {
	return Journal{MerchantID: merchantID, Livemode: livemode, Currency: currency, Reference: reference, Memo: "refund",
		Lines: []Line{{Account: MerchantPayable, Debit: amount}, {Account: ProviderClearing, Credit: amount}}}
}

// Balances sums journals into each account's balance (debits positive).
func Balances(journals []Journal) map[Account]int64 {
	out := map[Account]int64{}
	for _, j := range journals {
		for _, l := range j.Lines {
			out[l.Account] += l.Debit - l.Credit
		}
	}
	return out
}
