package merchant

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// ValidateName checks a merchant's display name.
func ValidateName(field, s string) error {
	if n := utf8.RuneCountInString(strings.TrimSpace(s)); n == 0 || n > 200 {
		return &FieldError{Field: field, Err: ErrInvalidName}
	}
	return nil
}

// ValidateEmail checks a bare email address (no display name).
func ValidateEmail(field, s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 {
		return &FieldError{Field: field, Value: s, Err: ErrInvalidEmail}
	}
	return nil
}
