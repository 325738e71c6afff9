package money_test

import (
	"errors"
	"math"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/money"
)

func TestDecimal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		minor    int64
		currency money.Currency
		want     string
	}{
		{1050, "USD", "10.50"},
		{0, "USD", "0.00"},
		{1, "USD", "0.01"},
		{10, "USD", "0.10"},
		{100, "USD", "1.00"},
		{-1, "USD", "-0.01"},
		{-1050, "USD", "-10.50"},
		{123456789, "USD", "1234567.89"},
		{money.MaxAmount, "USD", "999999999.99"},
		{0, "JPY", "0"},
		{1, "JPY", "1"},
		{1050, "JPY", "1050"},
		{-1050, "JPY", "-1050"},
		{money.MaxAmount, "JPY", "99999999999"},
		{5, "KWD", "0.005"},
		{1234567, "KWD", "1234.567"},
		{1, "CLF", "0.0001"},
		{12345, "CLF", "1.2345"},
		{money.MaxAmount, "CLF", "9999999.9999"},
		{math.MaxInt64, "USD", "92233720368547758.07"},
		{math.MinInt64, "USD", "-92233720368547758.08"},
		{math.MinInt64, "JPY", "-9223372036854775808"},
		{math.MinInt64, "CLF", "-922337203685477.5808"},
		{1050, "QQQ", "1050"}, // not in the table: a whole number
		{1050, "", "1050"},
	}
	for _, tt := range tests {
		if got := money.Decimal(tt.minor, tt.currency); got != tt.want {
			t.Errorf("Decimal(%d, %q) = %q, want %q", tt.minor, tt.currency, got, tt.want)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		currency money.Currency
		want     int64
		wantErr  error
	}{
		{in: "10.50", currency: "USD", want: 1050},
		{in: "10.5", currency: "USD", want: 1050},
		{in: "10", currency: "USD", want: 1000},
		{in: "0", currency: "USD", want: 0},
		{in: "0.00", currency: "USD", want: 0},
		{in: "0.01", currency: "USD", want: 1},
		{in: "007.50", currency: "USD", want: 750},
		{in: "999999999.99", currency: "USD", want: money.MaxAmount},
		{in: "92233720368547758.07", currency: "USD", want: math.MaxInt64},
		{in: "1234", currency: "JPY", want: 1234},
		{in: "99999999999", currency: "JPY", want: money.MaxAmount},
		{in: "9223372036854775807", currency: "JPY", want: math.MaxInt64},
		{in: "1.234", currency: "KWD", want: 1234},
		{in: "0.005", currency: "KWD", want: 5},
		{in: "1.2345", currency: "CLF", want: 12345},
		{in: "1", currency: "CLF", want: 10000},

		{in: "10.505", currency: "USD", wantErr: money.ErrTooManyDecimals},
		{in: "10.500", currency: "USD", wantErr: money.ErrTooManyDecimals}, // never rounds, not even zeros
		{in: "100.5", currency: "JPY", wantErr: money.ErrTooManyDecimals},
		{in: "100.0", currency: "JPY", wantErr: money.ErrTooManyDecimals},
		{in: "1.23456", currency: "CLF", wantErr: money.ErrTooManyDecimals},

		{in: "92233720368547758.08", currency: "USD", wantErr: money.ErrAmountTooLarge},
		{in: "9223372036854775808", currency: "JPY", wantErr: money.ErrAmountTooLarge},
		{in: "100000000000000000000000", currency: "USD", wantErr: money.ErrAmountTooLarge},
		{in: "922337203685477.5808", currency: "CLF", wantErr: money.ErrAmountTooLarge},

		{in: "", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: ".", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: ".50", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: "10.", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: "10.", currency: "JPY", wantErr: money.ErrInvalidDecimal},
		{in: "-10.50", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: "+10.50", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: "1e3", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: "1E3", currency: "JPY", wantErr: money.ErrInvalidDecimal},
		{in: " 10.50", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: "10.50 ", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: "10 .50", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: "1,000.50", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: "1_000", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: "10,50", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: "1.2.3", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: "0x10", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: "NaN", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: "Inf", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: "١٠", currency: "JPY", wantErr: money.ErrInvalidDecimal}, // Arabic-Indic digits
		{in: "１０", currency: "JPY", wantErr: money.ErrInvalidDecimal}, // full-width digits
		{in: "$10.50", currency: "USD", wantErr: money.ErrInvalidDecimal},
		{in: "10\x00", currency: "USD", wantErr: money.ErrInvalidDecimal},

		{in: "10.50", currency: "usd", wantErr: money.ErrUnknownCurrency},
		{in: "10", currency: "XXX", wantErr: money.ErrUnknownCurrency},
	}
	for _, tt := range tests {
		got, err := money.ParseDecimal(tt.in, tt.currency)
		if got != tt.want || !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
			t.Errorf("ParseDecimal(%q, %q) = %d, %v; want %d, %v", tt.in, tt.currency, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseDecimalErrorSaysWhatWasWrong(t *testing.T) {
	t.Parallel()
	_, err := money.ParseDecimal("10.505", "USD")
	want := `money: more decimal places than the currency has: "10.505" has 3 digits after the point, USD has 2`
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error message (-want +got):\n%s", diff)
	}
}

func TestParseDecimalReadsBackDecimalForEveryCurrency(t *testing.T) {
	t.Parallel()
	values := []int64{0, 1, 5, 9, 10, 99, 100, 101, 999, 1000, 1050, 12345, 100000, 123456789, money.MaxAmount,
		math.MaxInt64 - 1, math.MaxInt64}
	for p := int64(1); p <= math.MaxInt64/10; p *= 10 {
		values = append(values, p, p-1, p+1)
	}
	for _, c := range money.Currencies() {
		var got, want []int64
		for _, v := range values {
			back, err := money.ParseDecimal(money.Decimal(v, c), c)
			if err != nil {
				t.Errorf("%s: ParseDecimal(Decimal(%d)) = %v", c, v, err)
			}
			got, want = append(got, back), append(want, v)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: ParseDecimal(Decimal(x)) != x (-want +got):\n%s", c, diff)
		}
	}
}

// fuzzCurrencies cover every exponent in the table.
var fuzzCurrencies = []money.Currency{"JPY", "USD", "KWD", "CLF"}

func FuzzParseDecimal(f *testing.F) {
	seeds := []string{
		"0", "1", "10.50", "10.5", "0.01", "007.50", "999999999.99", "92233720368547758.07", "92233720368547758.08",
		"9223372036854775807", "9223372036854775808", "1.2345", "1.23456", "", ".", ".5", "5.", "-1", "+1", "1e3",
		" 1", "1,000", "1.2.3", "١٠", "１０", strings.Repeat("9", 40), "0." + strings.Repeat("0", 40),
	}
	for _, s := range seeds {
		for i := range fuzzCurrencies {
			f.Add(s, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, s string, pick uint8) {
		c := fuzzCurrencies[int(pick)%len(fuzzCurrencies)]
		got, err := money.ParseDecimal(s, c)
		want, wantErr := parseDecimalWithBig(s, c.Exponent())
		if got != want || !errors.Is(err, wantErr) || (err == nil) != (wantErr == nil) {
			t.Fatalf("ParseDecimal(%q, %s) = %d, %v; the math/big oracle says %d, %v", s, c, got, err, want, wantErr)
		}
		if err != nil {
			return
		}
		back, err := money.ParseDecimal(money.Decimal(got, c), c)
		if err != nil || back != got {
			t.Fatalf("ParseDecimal(Decimal(%d, %s)) = %d, %v", got, c, back, err)
		}
	})
}

var decimalSyntax = regexp.MustCompile(`^([0-9]+)(?:\.([0-9]+))?$`)

// parseDecimalWithBig is ParseDecimal written another way, as the fuzz oracle: a regular expression for the syntax
// and math/big for the value.
func parseDecimalWithBig(s string, exponent int) (int64, error) {
	m := decimalSyntax.FindStringSubmatch(s)
	if m == nil {
		return 0, money.ErrInvalidDecimal
	}
	whole, frac := m[1], m[2]
	if len(frac) > exponent {
		return 0, money.ErrTooManyDecimals
	}
	v, ok := new(big.Int).SetString(whole+frac+strings.Repeat("0", exponent-len(frac)), 10)
	if !ok {
		panic("regexp let through a non-number: " + s)
	}
	if !v.IsInt64() {
		return 0, money.ErrAmountTooLarge
	}
	return v.Int64(), nil
}
