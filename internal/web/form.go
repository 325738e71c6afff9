package web

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/kassapay/kassa/internal/customer"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/vault"
)

// cardForm is the posted card form. It holds the card number and CVV, so it is never logged, printed or rendered:
// only kept() goes back into a page.
type cardForm struct {
	Number, Exp, CVV, Name, Email, Scenario string
	// Remember is the "remember this card" box.
	Remember bool
}

func readCardForm(v url.Values) cardForm {
	return cardForm{
		Number:   v.Get("number"),
		Exp:      strings.TrimSpace(v.Get("exp")),
		CVV:      strings.TrimSpace(v.Get("cvv")),
		Name:     strings.TrimSpace(v.Get("name")),
		Email:    strings.TrimSpace(v.Get("email")),
		Scenario: v.Get("scenario"),
		Remember: v.Get("remember") == "1",
	}
}

// formValues are the fields a re-rendered form keeps. The card number and CVV are not among them.
type formValues struct {
	Exp, Name, Email, Scenario string
	Remember                   bool
	// brand of the number that was typed, to word a CVV error (4 digits for Amex); never rendered.
	brand vault.Brand
}

// kept returns what may go back into the page.
func (f cardForm) kept() formValues {
	return formValues{Exp: f.Exp, Name: f.Name, Email: f.Email, Scenario: f.Scenario, Remember: f.Remember, brand: vault.DetectBrand(f.Number)}
}

// Limits of the fields the gateway stores as they are.
const (
	maxNameRunes = 200
)

// check names a bad name or email with the page's own wording before the gateway is called; the rules are the
// gateway's (customer.Printable, customer.ValidEmail). The card fields are left to the gateway.
func (f cardForm) check() (fieldErrors, bool) {
	var fe fieldErrors
	if !customer.Printable(f.Name) || utf8.RuneCountInString(f.Name) > maxNameRunes {
		fe.set("name", "Enter the name as it is printed on the card (at most 200 characters).")
	}
	switch {
	case f.Email != "" && !customer.ValidEmail(f.Email):
		fe.set("email", "Enter an email address like name@example.com, or leave this empty.")
	case f.Remember && f.Email == "":
		fe.set("email", "Enter your email to remember the card: it is saved to the wallet of that address.")
	}
	return fe, fe.empty()
}

// parseExpiry reads an expiry typed as MM/YY, MM / YYYY, MM-YY, MMYY or MMYYYY. A part it cannot read comes back
// as 0 (month) or -1 (year), which the gateway rejects naming that part, so the gateway stays the one judge.
func parseExpiry(s string) (month, year int) {
	var m, y string
	if i := strings.IndexAny(s, "/-"); i >= 0 {
		m, y = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
	} else {
		d := strings.ReplaceAll(s, " ", "")
		switch len(d) {
		case 3, 5: // M YY, M YYYY
			m, y = d[:1], d[1:]
		case 4, 6: // MM YY, MM YYYY
			m, y = d[:2], d[2:]
		}
	}
	return digitsValue(m, 2, 0), digitsValue(y, 4, -1)
}

// digitsValue is the value of 1 to max ASCII digits, or bad.
func digitsValue(s string, max, bad int) int {
	if s == "" || len(s) > max {
		return bad
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return bad
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// fieldErrors are the messages shown next to the form's fields, by field.
type fieldErrors struct {
	Number, Exp, CVV, Name, Email string
}

// fieldError is one entry of the form's error summary; ID is the field's id, the summary's link target.
type fieldError struct {
	ID, Message string
}

// List returns the errors in the order of the form's fields.
func (fe fieldErrors) List() []fieldError {
	var out []fieldError
	for _, e := range []fieldError{{"number", fe.Number}, {"exp", fe.Exp}, {"cvv", fe.CVV}, {"name", fe.Name}, {"email", fe.Email}} {
		if e.Message != "" {
			out = append(out, e)
		}
	}
	return out
}

func (fe *fieldErrors) set(field, msg string) {
	switch field {
	case "number":
		fe.Number = msg
	case "exp":
		fe.Exp = msg
	case "cvv":
		fe.CVV = msg
	case "name":
		fe.Name = msg
	case "email":
		fe.Email = msg
	}
}

func (fe fieldErrors) empty() bool { return len(fe.List()) == 0 }

// first is the id of the first invalid field, or "".
func (fe fieldErrors) first() string {
	if l := fe.List(); len(l) > 0 {
		return l[0].ID
	}
	return ""
}

// fieldOf maps a gateway parameter to the form field that holds it.
func fieldOf(param string) string {
	switch param {
	case "card.number":
		return "number"
	case "card.exp_month", "card.exp_year":
		return "exp"
	case "card.cvv":
		return "cvv"
	case "card.name":
		return "name"
	case "email", "customer_email":
		return "email"
	}
	return ""
}

// fieldMessage words a gateway validation error for the customer, next to its field.
func fieldMessage(e *gateway.Error, b vault.Brand) string {
	switch e.Code {
	case "invalid_card_number":
		return "This card number is not valid. Check the digits and try again."
	case "expired_card":
		return "This card has expired. Check the expiry date, or use another card."
	case "invalid_expiry_month", "invalid_expiry_year":
		return "Enter the expiry date as MM / YY, for example 04 / 29."
	case "invalid_cvc":
		if b == vault.BrandAmex {
			return "Enter the 4-digit security code printed on the front of the card."
		}
		return "Enter the 3-digit security code printed on the back of the card."
	}
	return e.Message
}
