package money_test

import (
	"math"
	"testing"

	"github.com/kassapay/kassa/internal/money"
)

func TestFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		minor    int64
		currency money.Currency
		want     string
	}{
		{123456, "USD", "$1,234.56"},
		{0, "USD", "$0.00"},
		{1, "USD", "$0.01"},
		{99, "USD", "$0.99"},
		{100000, "USD", "$1,000.00"},
		{99999, "USD", "$999.99"},
		{-500, "USD", "-$5.00"},
		{-123456, "USD", "-$1,234.56"},
		{money.MaxAmount, "USD", "$999,999,999.99"},
		{1234, "JPY", "¥1,234"},
		{0, "JPY", "¥0"},
		{1, "JPY", "¥1"},
		{123, "JPY", "¥123"},
		{-1234, "JPY", "-¥1,234"},
		{money.MaxAmount, "JPY", "¥99,999,999,999"},
		{1234567, "KWD", "KWD 1,234.567"},
		{5, "KWD", "KWD 0.005"},
		{-1234567, "KWD", "-KWD 1,234.567"},
		{12345, "CLF", "CLF 1.2345"},
		{123456, "EUR", "€1,234.56"},
		{123456, "GBP", "£1,234.56"},
		{123456, "INR", "₹1,234.56"},
		{123456, "KRW", "₩123,456"},
		{123456, "CAD", "CAD 1,234.56"}, // "$" would be ambiguous
		{123456, "CNY", "CNY 1,234.56"}, // "¥" is JPY's
		{123456, "XOF", "XOF 123,456"},
		{123456, "XCG", "XCG 1,234.56"},
		{math.MaxInt64, "USD", "$92,233,720,368,547,758.07"},
		{math.MinInt64, "USD", "-$92,233,720,368,547,758.08"},
		{math.MinInt64, "JPY", "-¥9,223,372,036,854,775,808"},
		{math.MinInt64, "CLF", "-CLF 922,337,203,685,477.5808"},
		{1234, "QQQ", "QQQ 1,234"}, // not in the table: a whole number with the code
		{1234, "", "1,234"},
	}
	for _, tt := range tests {
		if got := money.Format(tt.minor, tt.currency); got != tt.want {
			t.Errorf("Format(%d, %q) = %q, want %q", tt.minor, tt.currency, got, tt.want)
		}
	}
}

func TestFormatNeverPanicsOnAnyCurrency(t *testing.T) {
	t.Parallel()
	for _, c := range money.Currencies() {
		for _, v := range []int64{math.MinInt64, math.MinInt64 + 1, -1, 0, 1, money.MaxAmount, math.MaxInt64} {
			if money.Format(v, c) == "" || money.Decimal(v, c) == "" {
				t.Errorf("Format or Decimal(%d, %s) is empty", v, c)
			}
		}
	}
}
