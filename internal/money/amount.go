package money

import (
	"errors"
	"fmt"
)

// MaxAmount is the largest amount, in minor units, that Kassa accepts in any currency: eleven nines. It is below
// JavaScript's largest safe integer (2^53 − 1), so browsers and Node read amounts exactly, and it fits the
// 12-digit amount fields of card processors. The same cap for every currency keeps the rule easy to state; it is
// about a billion US dollars or a hundred billion yen.
const MaxAmount int64 = 99_999_999_999

// ErrAmountNotPositive means an amount of zero or less where a payment, capture or refund amount is expected.
var ErrAmountNotPositive = errors.New("money: amount must be positive")

// ErrAmountTooLarge means an amount above MaxAmount, or a decimal too large for an int64.
var ErrAmountTooLarge = errors.New("money: amount too large")

// ValidateAmount checks that minor is an amount Kassa accepts in c: c is in the table and minor is 1 to MaxAmount.
// Errors wrap ErrUnknownCurrency, ErrAmountNotPositive or ErrAmountTooLarge.
func ValidateAmount(minor int64, c Currency) error {
	if _, ok := iso4217[c]; !ok {
		return fmt.Errorf("%w: %s", ErrUnknownCurrency, quote(string(c)))
	}
	if minor < 1 {
		return fmt.Errorf("%w: got %d", ErrAmountNotPositive, minor)
	}
	if minor > MaxAmount {
		return fmt.Errorf("%w: %d is above the maximum of %d minor units", ErrAmountTooLarge, minor, MaxAmount)
	}
	return nil
}
