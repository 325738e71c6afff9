package money_test

import (
	"errors"
	"math"
	"testing"

	"github.com/kassapay/kassa/internal/money"
)

func TestMaxAmountIsAJavaScriptSafeInteger(t *testing.T) {
	t.Parallel()
	const maxSafeInteger = 1<<53 - 1
	if money.MaxAmount > maxSafeInteger {
		t.Errorf("MaxAmount %d exceeds JavaScript's Number.MAX_SAFE_INTEGER", money.MaxAmount)
	}
	if money.MaxAmount != 99_999_999_999 {
		t.Errorf("MaxAmount = %d, want 99999999999", money.MaxAmount)
	}
}

func TestValidateAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		minor    int64
		currency money.Currency
		wantErr  error
	}{
		{1, "USD", nil},
		{1050, "USD", nil},
		{1, "JPY", nil},
		{money.MaxAmount, "USD", nil},
		{money.MaxAmount, "JPY", nil},
		{money.MaxAmount, "CLF", nil},
		{0, "USD", money.ErrAmountNotPositive},
		{-1, "USD", money.ErrAmountNotPositive},
		{math.MinInt64, "USD", money.ErrAmountNotPositive},
		{money.MaxAmount + 1, "USD", money.ErrAmountTooLarge},
		{math.MaxInt64, "KWD", money.ErrAmountTooLarge},
		{100, "usd", money.ErrUnknownCurrency},
		{100, "XXX", money.ErrUnknownCurrency},
		{100, "", money.ErrUnknownCurrency},
	}
	for _, tt := range tests {
		err := money.ValidateAmount(tt.minor, tt.currency)
		if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
			t.Errorf("ValidateAmount(%d, %q) = %v, want %v", tt.minor, tt.currency, err, tt.wantErr)
		}
	}
}
