package money

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrInvalidDecimal means a string that is not a plain decimal amount: digits, optionally a point and more digits.
var ErrInvalidDecimal = errors.New("money: not a decimal amount")

// ErrTooManyDecimals means a decimal with more digits after the point than the currency's exponent, such as
// "10.505" for USD or "100.5" for JPY. Rounding is the caller's decision, so ParseDecimal never rounds.
var ErrTooManyDecimals = errors.New("money: more decimal places than the currency has")

// Decimal renders minor units of c as a plain decimal string with the currency's exponent, for machines: no
// grouping, no symbol, "-" before negative values. Decimal(1050, "USD") is "10.50", Decimal(1050, "JPY") is
// "1050", Decimal(5, "KWD") is "0.005". A code not in the table renders as a whole number.
func Decimal(minor int64, c Currency) string {
	negative, whole, frac := split(minor, c)
	var b strings.Builder
	if negative {
		b.WriteByte('-')
	}
	b.WriteString(whole)
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// ParseDecimal parses a decimal amount of c, such as "10.50" for USD, into minor units (1050). It accepts ASCII
// digits with an optional point followed by at most c.Exponent() digits ("10", "10.5" and "10.50" are all 1050).
// It rejects signs, exponents, spaces, grouping, a leading or trailing point, and values beyond int64. It does
// not apply MaxAmount or reject zero: that is ValidateAmount's job.
//
// Errors wrap ErrUnknownCurrency, ErrInvalidDecimal, ErrTooManyDecimals or ErrAmountTooLarge.
func ParseDecimal(s string, c Currency) (int64, error) {
	info, ok := iso4217[c]
	if !ok {
		return 0, fmt.Errorf("%w: %s", ErrUnknownCurrency, quote(string(c)))
	}
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" || (hasPoint && frac == "") || !isDigits(whole) || !isDigits(frac) {
		return 0, fmt.Errorf("%w: %s", ErrInvalidDecimal, quote(s))
	}
	if len(frac) > info.exponent {
		return 0, fmt.Errorf("%w: %s has %d digits after the point, %s has %d",
			ErrTooManyDecimals, quote(s), len(frac), c, info.exponent)
	}
	var v int64
	for _, digits := range [...]string{whole, frac, strings.Repeat("0", info.exponent-len(frac))} {
		for i := range len(digits) {
			d := int64(digits[i] - '0')
			if v > (math.MaxInt64-d)/10 {
				return 0, fmt.Errorf("%w: %s", ErrAmountTooLarge, quote(s))
			}
			v = v*10 + d
		}
	}
	return v, nil
}

// isDigits reports whether s holds only ASCII digits; unicode.IsDigit would also accept "٣" and "３".
func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// split breaks minor units of c into a sign and the digits before and after the decimal point. It works on the
// magnitude as a uint64, so math.MinInt64 has no positive twin to overflow into.
func split(minor int64, c Currency) (negative bool, whole, frac string) {
	magnitude := uint64(minor)
	if minor < 0 {
		negative, magnitude = true, -magnitude
	}
	digits := strconv.FormatUint(magnitude, 10)
	exponent := max(c.Exponent(), 0)
	if exponent == 0 {
		return negative, digits, ""
	}
	if len(digits) <= exponent { // pad so there is at least one digit before the point
		digits = strings.Repeat("0", exponent-len(digits)+1) + digits
	}
	cut := len(digits) - exponent
	return negative, digits[:cut], digits[cut:]
}
