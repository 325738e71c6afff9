package merchant

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/kassapay/kassa/internal/field"
)

// ValidateName checks a merchant's display name.
func ValidateName(name, s string) error {
	if n := utf8.RuneCountInString(strings.TrimSpace(s)); n == 0 || n > 200 {
		return &field.Error{Field: name, Err: ErrInvalidName}
	}
	return nil
}

// ValidateEmail checks a bare email address (no display name).
func ValidateEmail(name, s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 {
		return &field.Error{Field: name, Value: s, Err: ErrInvalidEmail}
	}
	return nil
}
