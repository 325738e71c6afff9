// Package field is the one error a domain package returns when an input field is wrong. It names the field as the
// API calls it ("success_url", "rate_limits.write_per_second", "weights.card_velocity"), optionally the value and a
// detail, and wraps the reason, so errors.Is still tells the reasons apart and the gateway answers every such error
// with one 400 that names the field, however deep the rule that refused it lives.
package field

// Error says which input field failed and why.
type Error struct {
	Field string
	// Value is the offending value, quoted in the message when set (never a secret or card data).
	Value string
	// Detail adds to the message, such as the allowed range.
	Detail string
	Err    error
}

func (e *Error) Error() string {
	msg := e.Field + ": "
	if e.Value != "" {
		msg += `"` + e.Value + `" `
	}
	msg += e.Err.Error()
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }
