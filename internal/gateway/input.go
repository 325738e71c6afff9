package gateway

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kassapay/kassa/internal/money"
)

// validateAmount checks an amount and currency; problems are appended.
func validateAmount(amount int64, currency string, add func(param, code, msg string)) {
	if amount <= 0 || amount > money.MaxAmount {
		add("amount", "invalid_amount", fmt.Sprintf("amount must be a positive integer in the currency's minor unit, at most %d.", money.MaxAmount))
	}
	if _, err := money.ParseCurrency(currency); err != nil {
		add("currency", "invalid_currency", "currency must be an ISO 4217 code in upper case, e.g. USD.")
	}
}

// validMetadata reports whether raw is absent or a JSON object of at most maxMetadataBytes.
func validMetadata(raw json.RawMessage) bool {
	t := strings.TrimSpace(string(raw))
	if t == "" || t == "null" {
		return true
	}
	var obj map[string]json.RawMessage
	return json.Unmarshal(raw, &obj) == nil && len(raw) <= maxMetadataBytes
}

// problemsError is the 400 of one or more invalid fields, or nil.
func problemsError(problems []Problem) error {
	if len(problems) == 0 {
		return nil
	}
	e := &Error{Kind: KindInvalid, Code: problems[0].Code, Param: problems[0].Param, Message: problems[0].Message}
	if len(problems) > 1 {
		e.Problems = problems
	}
	return e
}

// sortProblems orders problems by the order of fields in the request documentation, so the first is stable.
func sortProblems(ps []Problem) {
	order := []string{"external_order_id", "amount", "currency", "success_url", "cancel_url", "webhook_url",
		"customer_email", "customer_name", "customer_phone", "description", "expires_in_seconds", "metadata",
		"external_invoice_id", "website_key"}
	rank := func(p string) int {
		for i, o := range order {
			if o == p {
				return i
			}
		}
		return len(order)
	}
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && rank(ps[j].Param) < rank(ps[j-1].Param); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// maxMetadataBytes bounds a session's metadata object.
const maxMetadataBytes = 8 << 10
