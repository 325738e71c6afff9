package provider

// Response codes are the values of Result.ResponseCode. The numeric ones follow ISO 8583, which most card processors
// speak; provider adapters translate their processor's own codes into these so that transactions, the API and the
// fraud rules see one vocabulary.
const (
	CodeApproved           = "00"      // approved
	CodeDoNotHonor         = "05"      // generic decline
	CodeInProgress         = "09"      // accepted, outcome pending (UPI collect request sent)
	CodeInvalidTransaction = "12"      // unknown or unusable transaction, malformed request
	CodeInvalidAmount      = "13"      // amount zero, negative or otherwise unusable
	CodeInvalidCardNumber  = "14"      // no such card number
	CodeInsufficientFunds  = "51"      // not enough funds or credit
	CodeExpiredCard        = "54"      // the card has expired
	CodeCVVMismatch        = "N7"      // the CVV does not match
	CodeProcessingError    = "96"      // the processor failed; no transaction was made
	CodeTimeout            = "TIMEOUT" // no answer in time; recorded when the caller gives up on ErrTimeout
	CodeUPIDebitFailed     = "U30"     // the UPI payer declined or the debit failed
	CodeUPIRequestExpired  = "U69"     // the UPI payer did not approve the collect request in time
)

// Decline codes are the values of Result.DeclineCode: stable snake_case reasons the API returns as decline_code.
const (
	DeclineDoNotHonor         = "do_not_honor"
	DeclineInvalidTransaction = "invalid_transaction"
	DeclineInvalidAmount      = "invalid_amount"
	DeclineIncorrectNumber    = "incorrect_number"
	DeclineInsufficientFunds  = "insufficient_funds"
	DeclineExpiredCard        = "expired_card"
	DeclineIncorrectCVC       = "incorrect_cvc"
	DeclineProcessingError    = "processing_error"
	DeclineTimeout            = "provider_timeout"
	DeclineUPIDebitFailed     = "upi_debit_failed"
	DeclineUPIRequestExpired  = "upi_request_expired"
	// DeclineProcessorUnavailable goes with CodeProcessingError when the processor was never reached (connection
	// refused, DNS failure) or refused to process the request: nothing was done, so routing may try another profile.
	DeclineProcessorUnavailable = "processor_unavailable"
	// DeclineAuthenticationRequired goes with CodeDoNotHonor when the issuer wants the cardholder to authenticate
	// (3-D Secure), which a direct card payment cannot do; a processor-hosted page can.
	DeclineAuthenticationRequired = "authentication_required"
)

// response is one row of the response code table.
type response struct {
	status  Status
	message string
	decline string
}

// responses maps every response code Kassa knows to its status, message and decline code.
var responses = map[string]response{
	CodeApproved:           {StatusSucceeded, "Approved", ""},
	CodeDoNotHonor:         {StatusDeclined, "Do not honor", DeclineDoNotHonor},
	CodeInProgress:         {StatusPending, "Waiting for the payer", ""},
	CodeInvalidTransaction: {StatusFailed, "Invalid transaction", DeclineInvalidTransaction},
	CodeInvalidAmount:      {StatusFailed, "Invalid amount", DeclineInvalidAmount},
	CodeInvalidCardNumber:  {StatusDeclined, "Invalid card number", DeclineIncorrectNumber},
	CodeInsufficientFunds:  {StatusDeclined, "Insufficient funds", DeclineInsufficientFunds},
	CodeExpiredCard:        {StatusDeclined, "Expired card", DeclineExpiredCard},
	CodeCVVMismatch:        {StatusDeclined, "CVV mismatch", DeclineIncorrectCVC},
	CodeProcessingError:    {StatusFailed, "Processing error", DeclineProcessingError},
	CodeTimeout:            {StatusFailed, "The provider did not answer in time", DeclineTimeout},
	CodeUPIDebitFailed:     {StatusDeclined, "UPI payment declined by the payer or the bank", DeclineUPIDebitFailed},
	CodeUPIRequestExpired:  {StatusDeclined, "UPI collect request expired", DeclineUPIRequestExpired},
}

// ResultFor returns the Result for a response code, with Status, ResponseCode, ResponseMessage and DeclineCode filled
// from the table and no transaction. An unknown code gives StatusFailed with DeclineProcessingError, so that a code a
// processor adds later is never mistaken for an approval.
func ResultFor(code string) Result {
	r, ok := responses[code]
	if !ok {
		return Result{Status: StatusFailed, ResponseCode: code, ResponseMessage: "Unknown response code",
			DeclineCode: DeclineProcessingError}
	}
	return Result{Status: r.status, ResponseCode: code, ResponseMessage: r.message, DeclineCode: r.decline}
}

// TimeoutResult is what the caller records when it gives up on an operation that only ever answered ErrTimeout: a
// failure with CodeTimeout and no provider transaction.
func TimeoutResult() Result { return ResultFor(CodeTimeout) }
