package money_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/money"
)

func TestExponentFollowsISO4217(t *testing.T) {
	t.Parallel()
	tests := []struct {
		currency money.Currency
		want     int
	}{
		{"USD", 2},
		{"EUR", 2},
		{"JPY", 0},
		{"KRW", 0},
		{"XAF", 0},
		{"XOF", 0},
		{"XPF", 0},
		{"KWD", 3},
		{"BHD", 3},
		{"CLF", 4},
		{"UYW", 4},
		{"HUF", 2},
		{"XCG", 2},
		{"XCD", 2},
		{"SLE", 2},
		{"VES", 2},
		{"VED", 2},
		{"ZWG", 2},
		{"MRU", 2},
		{"XXX", -1}, // excluded: no minor unit
		{"usd", -1},
		{"", -1},
	}
	for _, tt := range tests {
		if got := tt.currency.Exponent(); got != tt.want {
			t.Errorf("Currency(%q).Exponent() = %d, want %d", tt.currency, got, tt.want)
		}
	}
}

func TestEveryCurrencyHasAnUpperCaseCodeAndAnExponentFrom0To4(t *testing.T) {
	t.Parallel()
	all := money.Currencies()
	if len(all) < 160 {
		t.Fatalf("only %d currencies in the table", len(all))
	}
	for i, c := range all {
		if len(c) != 3 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' || c[2] < 'A' || c[2] > 'Z' {
			t.Errorf("code %q is not three upper-case letters", c)
		}
		if i > 0 && all[i-1] >= c {
			t.Errorf("Currencies() not sorted or not unique at %q, %q", all[i-1], c)
		}
		if e := c.Exponent(); e < 0 || e > 4 {
			t.Errorf("%s.Exponent() = %d, want 0..4", c, e)
		}
		if c.Name() == "" {
			t.Errorf("%s has no name", c)
		}
		if n := c.Number(); len(n) != 3 || n[0] < '0' || n[0] > '9' || n[1] < '0' || n[1] > '9' || n[2] < '0' || n[2] > '9' {
			t.Errorf("%s.Number() = %q, want three digits", c, n)
		}
		if got, err := money.ParseCurrency(string(c)); err != nil || got != c {
			t.Errorf("ParseCurrency(%q) = %q, %v", c, got, err)
		}
	}
}

func TestNameAndNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		currency   money.Currency
		wantName   string
		wantNumber string
	}{
		{"USD", "US Dollar", "840"},
		{"KWD", "Kuwaiti Dinar", "414"},
		{"XCG", "Caribbean Guilder", "532"},
		{"ZWG", "Zimbabwe Gold", "924"},
		{"QQQ", "", ""},
	}
	for _, tt := range tests {
		got := []string{tt.currency.Name(), tt.currency.Number()}
		if diff := cmp.Diff([]string{tt.wantName, tt.wantNumber}, got); diff != "" {
			t.Errorf("%q name and number (-want +got):\n%s", tt.currency, diff)
		}
	}
}

func TestParseCurrency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    money.Currency
		wantErr error
		wantMsg string
	}{
		{in: "USD", want: "USD"},
		{in: "JPY", want: "JPY"},
		{in: "XCG", want: "XCG"},
		{in: "CLF", want: "CLF"},
		{in: "usd", wantErr: money.ErrCurrencyCase, wantMsg: `money: currency code must be upper case: USD, not "usd"`},
		{in: "Usd", wantErr: money.ErrCurrencyCase},
		{in: "uSD", wantErr: money.ErrCurrencyCase},
		{in: "abc", wantErr: money.ErrUnknownCurrency, wantMsg: `money: unknown currency: "abc"`},
		{in: "uſd", wantErr: money.ErrUnknownCurrency}, // "ſ" upper-cases to "S" in Unicode, not in ASCII
		{in: "US", wantErr: money.ErrUnknownCurrency},
		{in: "USDX", wantErr: money.ErrUnknownCurrency},
		{in: "", wantErr: money.ErrUnknownCurrency, wantMsg: `money: unknown currency: ""`},
		{in: " USD", wantErr: money.ErrUnknownCurrency},
		{in: "USD\x00", wantErr: money.ErrUnknownCurrency},
		{in: "ABC", wantErr: money.ErrUnknownCurrency},
		{in: "123", wantErr: money.ErrUnknownCurrency},
		{in: "XXX", wantErr: money.ErrUnknownCurrency},
		{in: "XTS", wantErr: money.ErrUnknownCurrency},
		{in: "XAU", wantErr: money.ErrUnknownCurrency},
		{in: "XAG", wantErr: money.ErrUnknownCurrency},
		{in: "XPT", wantErr: money.ErrUnknownCurrency},
		{in: "XPD", wantErr: money.ErrUnknownCurrency},
		{in: "XBA", wantErr: money.ErrUnknownCurrency},
		{in: "XBD", wantErr: money.ErrUnknownCurrency},
		{in: "XDR", wantErr: money.ErrUnknownCurrency},
		{in: "XSU", wantErr: money.ErrUnknownCurrency},
		{in: "XUA", wantErr: money.ErrUnknownCurrency},
		{in: "HRK", wantErr: money.ErrUnknownCurrency}, // withdrawn before the 2024 list
		{in: "SLL", wantErr: money.ErrUnknownCurrency},
		{
			in:      "a-very-long-string-that-should-not-be-echoed-in-full",
			wantErr: money.ErrUnknownCurrency,
			wantMsg: `money: unknown currency: "a-very-long-string-that-should-n"…`,
		},
	}
	for _, tt := range tests {
		got, err := money.ParseCurrency(tt.in)
		if got != tt.want || !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
			t.Errorf("ParseCurrency(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.wantErr)
			continue
		}
		if tt.wantMsg != "" && err.Error() != tt.wantMsg {
			t.Errorf("ParseCurrency(%q) error = %q, want %q", tt.in, err, tt.wantMsg)
		}
	}
}
