package vault

import (
	"errors"
	"time"

	"github.com/kassapay/kassa/internal/pan"
)

// Validation errors. They are bare sentinels on purpose: a message never carries the number, the expiry or the CVV
// it judged, so an error can be logged, wrapped or returned to a client as it is.
var (
	ErrNumberFormat = errors.New("vault: card number must be 13 to 19 digits")
	ErrNumberLuhn   = errors.New("vault: card number fails its check digit")
	ErrExpiryMonth  = errors.New("vault: expiry month must be 1 to 12")
	ErrExpiryYear   = errors.New("vault: expiry year must be 2 or 4 digits and at most 20 years ahead")
	ErrExpired      = errors.New("vault: card has expired")
	ErrCVV          = errors.New("vault: CVV must be 3 digits (4 for American Express)")
)

const (
	// minPANDigits and maxPANDigits bound the length of a card number (ISO/IEC 7812-1).
	minPANDigits = pan.MinDigits
	maxPANDigits = pan.MaxDigits

	// maxExpiryYearsAhead is how far in the future an expiry may lie. Cards are issued for a few years; a date
	// further out is a typo (or a probe), and rejecting it keeps junk out of the vault.
	maxExpiryYearsAhead = 20
)

// NormalizeNumber returns the card number with spaces and dashes removed, once it is 13 to 19 digits
// (ErrNumberFormat otherwise) and passes the Luhn check (ErrNumberLuhn otherwise). Nothing else is stripped:
// a number with letters, dots or other whitespace is a format error rather than something to guess at.
func NormalizeNumber(s string) (string, error) {
	digits, err := panDigits(s)
	if err != nil {
		return "", err
	}
	if !Luhn(digits) {
		return "", ErrNumberLuhn
	}
	return digits, nil
}

// panDigits is NormalizeNumber without the Luhn check. It stops at the 20th digit, so an oversized input is
// rejected without being copied.
func panDigits(s string) (string, error) {
	var buf [maxPANDigits]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-':
		case c >= '0' && c <= '9':
			if n == maxPANDigits {
				return "", ErrNumberFormat
			}
			buf[n] = c
			n++
		default:
			return "", ErrNumberFormat
		}
	}
	if n < minPANDigits {
		return "", ErrNumberFormat
	}
	return string(buf[:n]), nil
}

// Luhn reports whether digits, a non-empty string of ASCII digits only, passes the Luhn (mod 10) check
// (pan.Luhn, the check every card number rule of Kassa uses).
func Luhn(digits string) bool { return pan.Luhn(digits) }

// lastTimeZone is the zone where a calendar month ends last (UTC−12). ValidateExpiry reads the current month there:
// a card is good through the last day of its month, and the gateway cannot know the issuer's zone. Accepting a card
// for a few hours after its month ended somewhere costs one issuer decline; rejecting a good card loses a sale.
var lastTimeZone = time.FixedZone("UTC-12", -12*60*60)

// ValidateExpiry checks an expiry date and returns its four-digit year. month must be 1 to 12 (ErrExpiryMonth).
// year is two digits (0–99, read as 20YY) or four (1000–9999); anything else, or a year more than 20 years after
// the current one, is ErrExpiryYear. A card is valid through the last day of its expiry month, so the current month
// passes and any earlier one is ErrExpired. "Current" is read in UTC−12, where a month ends last.
func ValidateExpiry(month, year int, now time.Time) (fullYear int, err error) {
	if month < 1 || month > 12 {
		return 0, ErrExpiryMonth
	}
	switch {
	case year >= 0 && year <= 99:
		fullYear = 2000 + year
	case year >= 1000 && year <= 9999:
		fullYear = year
	default:
		return 0, ErrExpiryYear
	}
	nowYear, nowMonth, _ := now.In(lastTimeZone).Date()
	if fullYear > nowYear+maxExpiryYearsAhead {
		return 0, ErrExpiryYear
	}
	if fullYear < nowYear || (fullYear == nowYear && time.Month(month) < nowMonth) {
		return 0, ErrExpired
	}
	return fullYear, nil
}

// ValidateCVV checks that cvv is ASCII digits of the length the brand prints: 4 for American Express, 3 for the
// other brands. For BrandUnknown (or any Brand value not defined here) either is accepted, since the network that
// would decide is not known.
func ValidateCVV(cvv string, b Brand) error {
	for i := 0; i < len(cvv); i++ {
		if cvv[i] < '0' || cvv[i] > '9' {
			return ErrCVV
		}
	}
	want3, want4 := true, true // unknown brand, or a Brand value this package does not know
	switch b {
	case BrandAmex:
		want3 = false
	case BrandVisa, BrandMastercard, BrandDiscover, BrandRuPay, BrandJCB, BrandDiners, BrandUnionPay:
		want4 = false
	}
	if (len(cvv) == 3 && want3) || (len(cvv) == 4 && want4) {
		return nil
	}
	return ErrCVV
}
