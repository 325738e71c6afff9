package sandbox

import (
	"encoding/binary"
	"strings"

	"github.com/kassapay/kassa/internal/pan"
	"github.com/kassapay/kassa/internal/provider"
)

// Test cards (docs/architecture.md §10). Any other Luhn-valid number is approved.
const (
	CardVisa              = "4242424242424242" // approved
	CardMastercard        = "5555555555554444" // approved
	CardAmex              = "378282246310005"  // approved
	CardDiscover          = "6011111111111117" // approved
	CardDecline           = "4000000000000002" // declined 05 do_not_honor
	CardInsufficientFunds = "4000000000009995" // declined 51 insufficient_funds
	CardExpired           = "4000000000000069" // declined 54 expired_card
	CardCVVMismatch       = "4000000000000127" // declined N7 incorrect_cvc
	CardProcessingError   = "4000000000000119" // failed 96 processing_error, no transaction
	CardFraud             = "4000000000000259" // approved with FraudHint; the gateway's fraud rules block it
	CardTimeout           = "4000000000000408" // ErrTimeout, no transaction (408: the HTTP status for a timeout)
)

// Test UPI addresses. Any other valid VPA is decided by a fixed function of the address (see the package comment).
const (
	VPASuccess = "success@kassa" // pending, then succeeded
	VPAFailure = "failure@kassa" // pending, then declined U30 upi_debit_failed
	VPAExpired = "expired@kassa" // pending, then declined U69 upi_request_expired
)

// upiSuccessPercent is the share of other VPAs that succeed, the success rate of UPI payments in the reference
// gateway.
const upiSuccessPercent = 90

// verdict is what the sandbox decided for a request.
type verdict struct {
	code    string // the final response code; for UPI the code Lookup will give
	fraud   bool   // approved but flagged
	timeout bool   // no answer: ErrTimeout
	detail  string // for invalid requests: what was wrong, appended to the message
}

func invalid(code, detail string) verdict { return verdict{code: code, detail: detail} }

var scenarioCodes = map[provider.Scenario]string{
	provider.ScenarioApprove:           provider.CodeApproved,
	provider.ScenarioDecline:           provider.CodeDoNotHonor,
	provider.ScenarioInsufficientFunds: provider.CodeInsufficientFunds,
	provider.ScenarioExpiredCard:       provider.CodeExpiredCard,
	provider.ScenarioProviderError:     provider.CodeProcessingError,
}

// forced returns the verdict a scenario forces, or false for ScenarioNone.
func forced(s provider.Scenario) (verdict, bool) {
	if s == provider.ScenarioNone {
		return verdict{}, false
	}
	if s == provider.ScenarioTimeout {
		return verdict{timeout: true}, true
	}
	return verdict{code: scenarioCodes[s]}, true
}

var cardCodes = map[string]verdict{
	CardDecline:           {code: provider.CodeDoNotHonor},
	CardInsufficientFunds: {code: provider.CodeInsufficientFunds},
	CardExpired:           {code: provider.CodeExpiredCard},
	CardCVVMismatch:       {code: provider.CodeCVVMismatch},
	CardProcessingError:   {code: provider.CodeProcessingError},
	CardFraud:             {code: provider.CodeApproved, fraud: true},
	CardTimeout:           {timeout: true},
}

// cardVerdict decides by card number. The CVV and expiry play no part: any CVV works (recovery calls have none) and
// callers reject expired cards before the call.
func cardVerdict(number string) verdict {
	if v, ok := cardCodes[number]; ok {
		return v
	}
	if !luhnValid(number) {
		return verdict{code: provider.CodeInvalidCardNumber}
	}
	return verdict{code: provider.CodeApproved}
}

// upiVerdict decides the final outcome of a UPI payment by address. Addresses compare case-insensitively, as UPI
// handles do.
func upiVerdict(vpa string) verdict {
	switch strings.ToLower(vpa) {
	case VPASuccess:
		return verdict{code: provider.CodeApproved}
	case VPAFailure:
		return verdict{code: provider.CodeUPIDebitFailed}
	case VPAExpired:
		return verdict{code: provider.CodeUPIRequestExpired}
	}
	if binary.BigEndian.Uint16(mac("vpa", strings.ToLower(vpa)))%100 < upiSuccessPercent {
		return verdict{code: provider.CodeApproved}
	}
	return verdict{code: provider.CodeUPIDebitFailed}
}

// luhnValid reports whether number is 12 to 19 digits with a valid Luhn check digit. Callers validate numbers
// before the call; the sandbox checks again only to answer a bad one as a processor would.
func luhnValid(number string) bool {
	return len(number) >= 12 && len(number) <= pan.MaxDigits && pan.Luhn(number)
}
