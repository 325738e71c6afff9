package vault

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

// Card is cardholder data in memory only. CVV is never a field here: it lives only in the request that carries it.
//
// A Card keeps its number to itself: fmt (every verb, %#v included), slog and String show only the brand and the
// last four digits, and JSON, XML, gob and any other encoder that honours encoding.TextMarshaler or
// encoding.BinaryMarshaler fail with ErrMarshal, so a Card cannot slip into a response, an event or a log line by
// accident. Two holes remain that no method can close: reflection-based printers that ignore methods (go-cmp's
// diffs among them, which is fine in tests), and fmt printing a Card held in an unexported struct field, where fmt
// cannot call methods. Keep Cards out of structs that get printed.
type Card struct {
	Number   string
	ExpMonth int
	ExpYear  int
	Name     string
}

// ErrMarshal is returned by Card's marshalers: card data leaves the process only sealed (Vault.Seal) or as Display.
var ErrMarshal = errors.New("vault: card data cannot be marshaled; seal it or use DisplayOf")

// MarshalJSON always fails with ErrMarshal.
func (Card) MarshalJSON() ([]byte, error) { return nil, ErrMarshal }

// MarshalText always fails with ErrMarshal. It stops the encoders that fall back on encoding.TextMarshaler
// (encoding/xml, map keys in encoding/json).
func (Card) MarshalText() ([]byte, error) { return nil, ErrMarshal }

// MarshalBinary always fails with ErrMarshal. It stops the encoders that honour encoding.BinaryMarshaler
// (encoding/gob, which ignores MarshalText).
func (Card) MarshalBinary() ([]byte, error) { return nil, ErrMarshal }

// String returns the brand and last four digits ("visa ****4242"); just "unknown ****" when the number is not
// 13–19 digits, so a short or garbled number is not shown in part either.
func (c Card) String() string {
	b, last4 := c.redacted()
	return string(b) + " ****" + last4
}

// GoString is what %#v prints: the same as String, in a Go-like wrapper.
func (c Card) GoString() string {
	return "vault.Card{" + c.String() + "}"
}

// Format makes every fmt verb print the redacted form: %#v prints GoString, %q the quoted String, anything else
// String. Without it, %d or %x would print the fields.
func (c Card) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, c.GoString())
	case verb == 'q':
		_, _ = io.WriteString(f, strconv.Quote(c.String()))
	default:
		_, _ = io.WriteString(f, c.String())
	}
}

// LogValue logs a Card as a group of its brand and last four digits.
func (c Card) LogValue() slog.Value {
	b, last4 := c.redacted()
	return slog.GroupValue(slog.String("brand", string(b)), slog.String("last4", last4))
}

// redacted returns what may be shown of c's number: its brand and last four digits, or BrandUnknown and nothing
// when the number is not 13–19 digits (spaces and dashes aside).
func (c Card) redacted() (Brand, string) {
	digits, err := panDigits(c.Number)
	if err != nil {
		return BrandUnknown, ""
	}
	return DetectBrand(digits), digits[len(digits)-4:]
}

// Display is the card data that may leave the vault in clear: what a dashboard, a receipt, an API response or an
// event shows. First6 and Last4 are the most of a number PCI DSS allows to be displayed.
type Display struct {
	Brand    Brand  `json:"brand"`
	First6   string `json:"first6"`
	Last4    string `json:"last4"`
	ExpMonth int    `json:"exp_month"`
	ExpYear  int    `json:"exp_year"`
}

// DisplayOf returns the display data of c. The number is not validated; when it is not 13–19 digits (spaces and
// dashes aside) Brand is BrandUnknown and First6 and Last4 are empty. The expiry is copied as it is.
func DisplayOf(c Card) Display {
	d := Display{Brand: BrandUnknown, ExpMonth: c.ExpMonth, ExpYear: c.ExpYear}
	if digits, err := panDigits(c.Number); err == nil {
		d.Brand = DetectBrand(digits)
		d.First6 = digits[:6]
		d.Last4 = digits[len(digits)-4:]
	}
	return d
}
