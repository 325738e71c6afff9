// Package customer owns Customer records: the people who pay a merchant, to which saved payment methods (the
// wallet) attach.
package customer

import (
	"errors"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kassapay/kassa/internal/field"
)

// Customer is a payer known to a merchant. Objects of test and live mode never mix.
type Customer struct {
	ID          string
	MerchantID  string
	Livemode    bool
	Email       string
	Name        string
	Phone       string
	Description string
	Metadata    map[string]string
	// IdempotencyKey is the key of the request that created the customer, if any; unique per merchant and mode, so
	// a retried create can never make a second customer even if the idempotency record is lost.
	IdempotencyKey string
	// IdempotencyHash fingerprints the creating request, to tell a retry from a reuse of the key.
	IdempotencyHash string
	CreatedAt       time.Time
}

// Errors for invalid input; wrapped in *field.Error.
var (
	ErrInvalidEmail       = errors.New("must be an email address")
	ErrInvalidPhone       = errors.New("must be an E.164 number such as +15555550100")
	ErrTooLong            = errors.New("is too long")
	ErrInvalidMetadataKey = errors.New("keys must be 1 to 40 characters")
	ErrTooManyMetadata    = errors.New("at most 50 keys")
	ErrMetadataValue      = errors.New("values must be at most 500 characters")
)

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// ValidEmail reports whether s is a bare email address (no display name) of at most 254 bytes. Every place that
// takes a payer's email uses it: customers, checkout sessions, the hosted page.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && len(s) <= 254
}

// ValidPhone reports whether s is an E.164 number such as +15555550100.
func ValidPhone(s string) bool { return e164.MatchString(s) }

// Printable reports whether s is valid UTF-8 without control characters (NUL included, which PostgreSQL text
// cannot hold): the rule for free-text names.
func Printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// Validate checks the fields a merchant can set.
func (c Customer) Validate() error {
	if c.Email != "" && !ValidEmail(c.Email) {
		return &field.Error{Field: "email", Err: ErrInvalidEmail}
	}
	if c.Phone != "" && !ValidPhone(c.Phone) {
		return &field.Error{Field: "phone", Err: ErrInvalidPhone}
	}
	if utf8.RuneCountInString(c.Name) > 200 {
		return &field.Error{Field: "name", Err: ErrTooLong}
	}
	if utf8.RuneCountInString(c.Description) > 1000 {
		return &field.Error{Field: "description", Err: ErrTooLong}
	}
	return ValidateMetadata("metadata", c.Metadata)
}

// ValidateMetadata checks a merchant's free-form key/value metadata: at most 50 keys of 1–40 characters, values of
// at most 500 characters.
func ValidateMetadata(name string, m map[string]string) error {
	if len(m) > 50 {
		return &field.Error{Field: name, Err: ErrTooManyMetadata}
	}
	for k, v := range m {
		if n := utf8.RuneCountInString(k); n == 0 || n > 40 || strings.TrimSpace(k) == "" {
			return &field.Error{Field: name + "." + k, Err: ErrInvalidMetadataKey}
		}
		if utf8.RuneCountInString(v) > 500 {
			return &field.Error{Field: name + "." + k, Err: ErrMetadataValue}
		}
	}
	return nil
}
