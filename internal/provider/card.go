package provider

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// Card is a payment card on its way to the processor. It lives in memory for one call: the number comes from the
// vault or the request, the CVV only from the request (docs/architecture.md §9).
//
// Card hides its number and CVV from every way Go prints a value: fmt with any verb (%v, %+v, %#v, %s, %q, …),
// String, slog (LogValue) and encoding/json (MarshalJSON) show only the last four digits and the expiry. Code that
// must send the number to a processor reads the Number field explicitly.
type Card struct {
	// Number is the primary account number, digits only, already validated by the caller.
	Number string
	// ExpMonth (1–12) and ExpYear (four digits) are the expiry.
	ExpMonth, ExpYear int
	// CVV is the card verification value; empty on recovery calls (see the package comment).
	CVV string
	// Name is the cardholder's name as typed; optional.
	Name string
}

// Last4 returns the last four digits of the number, or "" when it is shorter than that.
func (c Card) Last4() string {
	if len(c.Number) < 4 {
		return ""
	}
	return c.Number[len(c.Number)-4:]
}

// String returns "card ****4242 exp 12/2027": never the number, CVV or name.
func (c Card) String() string {
	return fmt.Sprintf("card ****%s exp %02d/%04d", c.Last4(), c.ExpMonth, c.ExpYear)
}

// Format makes every fmt verb print String, so that %#v or %+v cannot reveal the fields.
func (c Card) Format(f fmt.State, _ rune) {
	_, _ = f.Write([]byte(c.String()))
}

// LogValue shows the last four digits and the expiry in structured logs.
func (c Card) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("last4", c.Last4()),
		slog.Int("exp_month", c.ExpMonth),
		slog.Int("exp_year", c.ExpYear),
	)
}

// MarshalJSON writes the same redacted view as LogValue, so that a Card that ends up in an event, an error body or a
// log line by mistake shows nothing secret. Processor adapters build their own request bodies.
func (c Card) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Last4    string `json:"last4"`
		ExpMonth int    `json:"exp_month"`
		ExpYear  int    `json:"exp_year"`
	}{c.Last4(), c.ExpMonth, c.ExpYear})
}
