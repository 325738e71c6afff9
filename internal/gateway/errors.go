package gateway

import (
	"errors"
	"fmt"
)

// Kind classifies an Error for the transport layer, which maps each kind to one HTTP status and error type in one
// place (internal/api).
type Kind int

// Error kinds.
const (
	KindInvalid          Kind = iota + 1 // the request is malformed or a field is invalid (400)
	KindUnauthenticated                  // no or bad credentials (401)
	KindCardDeclined                     // the provider declined the card (402)
	KindForbidden                        // authenticated but not allowed (403)
	KindNotFound                         // no such object for this merchant and mode (404)
	KindConflict                         // the object's state does not allow the operation (409)
	KindIdempotency                      // an Idempotency-Key conflict (409)
	KindGone                             // the object expired or is locked for good (410)
	KindUnprocessable                    // well-formed but cannot be processed as configured (422)
	KindRateLimited                      // too many requests (429)
	KindUnavailable                      // a dependency is down (503)
	KindMethodNotAllowed                 // the route exists, the method does not (405)
	KindTooLarge                         // the request body exceeds the limit (413)
	KindUnsupportedMedia                 // the request body is not JSON (415)
)

// Error is the one error type use cases return for anything a client should see. Code is stable snake_case and
// documented in the OpenAPI spec; Param names the offending field.
type Error struct {
	Kind        Kind
	Code        string
	Message     string
	Param       string
	DeclineCode string
	// Problems lists every invalid field when there were several; the first is also in Param.
	Problems []Problem
	Err      error
	// PaymentID, ResponseCode and RemainingAttempts describe a declined card payment (card_error).
	PaymentID         string
	ResponseCode      string
	RemainingAttempts *int
}

// Problem is one invalid field.
type Problem struct {
	Param   string `json:"param"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	if e.Param != "" {
		return fmt.Sprintf("%s (%s): %s", e.Code, e.Param, e.Message)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of the given kind and code.
func Errorf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// InvalidParam returns a 400-kind error naming the field.
func InvalidParam(param, code, message string) *Error {
	return &Error{Kind: KindInvalid, Code: code, Message: message, Param: param}
}

// NotFound is the error for a missing object (or another merchant's: never distinguished).
func NotFound(what, id string) *Error {
	return &Error{Kind: KindNotFound, Code: "resource_missing", Message: fmt.Sprintf("No such %s: %q", what, id), Param: "id"}
}

// AsError returns err as an *Error if it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
