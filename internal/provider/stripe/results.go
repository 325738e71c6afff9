package stripe

import (
	stripego "github.com/stripe/stripe-go/v84"

	"github.com/kassapay/kassa/internal/provider"
)

// invalid is a failure that made no transaction, with detail appended to the table's message.
func invalid(code, detail string) provider.Result {
	res := provider.ResultFor(code)
	res.ResponseMessage += ": " + detail
	return res
}

// unavailable is the definitive failure of a first attempt that never reached Stripe: nothing was done, so the
// gateway may try another profile.
func unavailable(detail string) provider.Result {
	res := provider.ResultFor(provider.CodeProcessingError)
	res.DeclineCode = provider.DeclineProcessorUnavailable
	res.ResponseMessage = "Stripe unavailable: " + detail
	return res
}

// paymentResult is the answer an authorization or sale gets from its PaymentIntent.
func paymentResult(pi *stripego.PaymentIntent) provider.Result {
	var res provider.Result
	switch pi.Status {
	case stripego.PaymentIntentStatusSucceeded, stripego.PaymentIntentStatusRequiresCapture:
		res = provider.ResultFor(provider.CodeApproved)
		if ch := pi.LatestCharge; ch != nil {
			if d := ch.PaymentMethodDetails; d != nil && d.Card != nil {
				res.AuthCode = d.Card.AuthorizationCode
			}
			if o := ch.Outcome; o != nil {
				res.FraudHint = o.RiskLevel == "elevated" || o.RiskLevel == "highest"
			}
		}
	case stripego.PaymentIntentStatusProcessing:
		res = provider.ResultFor(provider.CodeInProgress)
		res.PollAfter = PollAfter
	case stripego.PaymentIntentStatusRequiresAction:
		res = declined("authentication_required", "")
	case stripego.PaymentIntentStatusCanceled:
		res = provider.ResultFor(provider.CodeDoNotHonor)
		res.ResponseMessage = "PaymentIntent canceled"
		if pi.CancellationReason != "" {
			res.ResponseMessage += " (" + string(pi.CancellationReason) + ")"
		}
	default: // requires_payment_method, requires_confirmation
		if e := pi.LastPaymentError; e != nil {
			res = declined(string(e.DeclineCode), string(e.Code))
		} else {
			res = provider.ResultFor(provider.CodeProcessingError)
			res.ResponseMessage = "PaymentIntent never confirmed"
		}
	}
	res.ProviderTransactionID = pi.ID
	return res
}

// lookupResult is Lookup's answer for a PaymentIntent: the payment's state as paymentResult reads it.
func lookupResult(pi *stripego.PaymentIntent) provider.Result { return paymentResult(pi) }

// followUpResult is the answer of a capture or cancel that Stripe accepted. Stripe answers an error when it cannot
// capture or cancel, so a 2xx answer is the success; only a capture still processing (not for cards) is pending.
func followUpResult(pi *stripego.PaymentIntent) provider.Result {
	res := provider.ResultFor(provider.CodeApproved)
	if pi.Status == stripego.PaymentIntentStatusProcessing {
		res = provider.ResultFor(provider.CodeInProgress)
		res.PollAfter = PollAfter
	}
	res.ProviderTransactionID = pi.ID
	return res
}

// refundResult is the answer for a Refund.
func refundResult(re *stripego.Refund) provider.Result {
	var res provider.Result
	switch re.Status {
	case stripego.RefundStatusSucceeded:
		res = provider.ResultFor(provider.CodeApproved)
	case stripego.RefundStatusPending, stripego.RefundStatusRequiresAction:
		res = provider.ResultFor(provider.CodeInProgress)
		res.PollAfter = PollAfter
	default: // failed, canceled
		res = provider.ResultFor(provider.CodeProcessingError)
		res.ResponseMessage = "Refund " + string(re.Status)
		if re.FailureReason != "" {
			res.ResponseMessage += " (" + string(re.FailureReason) + ")"
		}
	}
	res.ProviderTransactionID = re.ID
	return res
}

// declineCodes maps Stripe's decline codes and card error codes onto Kassa's response codes. A code not listed is a
// generic decline (05).
var declineCodes = map[string]string{
	"generic_decline":                 provider.CodeDoNotHonor,
	"do_not_honor":                    provider.CodeDoNotHonor,
	"card_declined":                   provider.CodeDoNotHonor,
	"insufficient_funds":              provider.CodeInsufficientFunds,
	"card_velocity_exceeded":          provider.CodeInsufficientFunds,
	"withdrawal_count_limit_exceeded": provider.CodeInsufficientFunds,
	"expired_card":                    provider.CodeExpiredCard,
	"incorrect_cvc":                   provider.CodeCVVMismatch,
	"invalid_cvc":                     provider.CodeCVVMismatch,
	"incorrect_number":                provider.CodeInvalidCardNumber,
	"invalid_number":                  provider.CodeInvalidCardNumber,
	"processing_error":                provider.CodeProcessingError,
}

// declined is the Result of a card error, by Stripe's decline code, else its error code. Stripe's own reason stays in
// the message, so that "lost_card" is visible although Kassa's decline code is do_not_honor.
func declined(declineCode, code string) provider.Result {
	reason := declineCode
	if reason == "" {
		reason = code
	}
	if reason == "authentication_required" {
		res := provider.ResultFor(provider.CodeDoNotHonor)
		res.DeclineCode = provider.DeclineAuthenticationRequired
		res.ResponseMessage = "Authentication required (3-D Secure); use the hosted page"
		return res
	}
	kassa, ok := declineCodes[reason]
	if !ok {
		kassa = provider.CodeDoNotHonor
	}
	res := provider.ResultFor(kassa)
	if reason != "" {
		res.ResponseMessage += " (Stripe: " + reason + ")"
	}
	return res
}
