// Package money owns how Kassa counts money: amounts are int64 counts of a currency's minor unit (cents, fils,
// yen), and currencies are ISO 4217 codes checked against Kassa's own table of exponents (iso4217_table.go).
//
// It validates amounts, renders them for people (Format) and for machines (Decimal), and parses decimal strings
// back (ParseDecimal) with exact integer arithmetic. There are no floats in this package, and none should touch an
// amount anywhere else.
package money

//go:generate go run ./internal/gen -o iso4217_table.go

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Currency is an ISO 4217 alphabetic code in upper case, such as "USD". Get one from ParseCurrency (or a constant
// known to be in the table): for a Currency not in the table, Name and Number return "" and Exponent returns -1.
type Currency string

// currencyInfo is one row of the ISO 4217 table.
type currencyInfo struct {
	exponent int    // digits after the decimal point: USD 2, JPY 0, KWD 3, CLF 4
	number   string // ISO 4217 numeric code, three digits
	name     string // ISO's English name
}

// ErrUnknownCurrency means a code that is not an ISO 4217 currency Kassa accepts.
var ErrUnknownCurrency = errors.New("money: unknown currency")

// ErrCurrencyCase means a currency code that would be known in upper case, such as "usd". The API asks for upper
// case, so it is rejected rather than folded, with an error that says what to send instead.
var ErrCurrencyCase = errors.New("money: currency code must be upper case")

// ParseCurrency returns s as a Currency if it is exactly three upper-case ASCII letters naming a currency in the
// table. A known code in another case wraps ErrCurrencyCase; anything else wraps ErrUnknownCurrency.
func ParseCurrency(s string) (Currency, error) {
	if _, ok := iso4217[Currency(s)]; ok {
		return Currency(s), nil
	}
	if upper, ok := asciiUpper(s); ok {
		if _, known := iso4217[Currency(upper)]; known {
			return "", fmt.Errorf("%w: %s, not %s", ErrCurrencyCase, upper, quote(s))
		}
	}
	return "", fmt.Errorf("%w: %s", ErrUnknownCurrency, quote(s))
}

// asciiUpper upper-cases s if it is three ASCII letters. strings.ToUpper is not used because it folds non-ASCII
// letters too ("ſ" becomes "S"), which would let "uſd" pass for USD.
func asciiUpper(s string) (string, bool) {
	if len(s) != 3 {
		return "", false
	}
	b := []byte(s)
	for i, c := range b {
		switch {
		case 'A' <= c && c <= 'Z':
		case 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
		default:
			return "", false
		}
	}
	return string(b), true
}

// Exponent is the number of digits after the decimal point in c's minor unit: 2 for USD (cents), 0 for JPY, 3 for
// KWD, 4 for CLF. It is -1 for a code not in the table, so that misuse fails loudly rather than scaling by 1.
func (c Currency) Exponent() int {
	info, ok := iso4217[c]
	if !ok {
		return -1
	}
	return info.exponent
}

// Name is ISO's English name for c ("US Dollar", "Kuwaiti Dinar"), or "" for a code not in the table.
func (c Currency) Name() string {
	return iso4217[c].name
}

// Number is c's three-digit ISO 4217 numeric code ("840" for USD), as ISO 8583 and many processors' currency
// fields want it, or "" for a code not in the table. Two currencies can share a number while one replaces the
// other: ANG and XCG are both 532.
func (c Currency) Number() string {
	return iso4217[c].number
}

// Currencies returns every currency Kassa accepts, sorted by code, for pickers and API schemas.
func Currencies() []Currency {
	return slices.Sorted(maps.Keys(iso4217))
}

// quote renders user input for an error message, cut short so that a huge input does not make a huge message.
func quote(s string) string {
	const limit = 32
	if len(s) > limit {
		return fmt.Sprintf("%q…", s[:limit])
	}
	return fmt.Sprintf("%q", s)
}
