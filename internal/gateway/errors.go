package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/kassapay/kassa/internal/field"
)

// Kind classifies an Error for the transport layer. Every front (the JSON API, the hosted pages, the embed and the
// dashboard) answers a kind with the one HTTP status and error type of kindTable.
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

// kindTable is the one map from error kinds to HTTP status and error type (docs/architecture.md §6).
var kindTable = map[Kind]struct {
	status int
	typ    string
}{
	KindInvalid:          {http.StatusBadRequest, "invalid_request_error"},
	KindUnauthenticated:  {http.StatusUnauthorized, "authentication_error"},
	KindCardDeclined:     {http.StatusPaymentRequired, "card_error"},
	KindForbidden:        {http.StatusForbidden, "permission_error"},
	KindNotFound:         {http.StatusNotFound, "invalid_request_error"},
	KindConflict:         {http.StatusConflict, "invalid_request_error"},
	KindIdempotency:      {http.StatusConflict, "idempotency_error"},
	KindGone:             {http.StatusGone, "invalid_request_error"},
	KindUnprocessable:    {http.StatusUnprocessableEntity, "invalid_request_error"},
	KindRateLimited:      {http.StatusTooManyRequests, "rate_limit_error"},
	KindUnavailable:      {http.StatusServiceUnavailable, "api_error"},
	KindMethodNotAllowed: {http.StatusMethodNotAllowed, "invalid_request_error"},
	KindTooLarge:         {http.StatusRequestEntityTooLarge, "invalid_request_error"},
	KindUnsupportedMedia: {http.StatusUnsupportedMediaType, "invalid_request_error"},
}

// Kinds lists every error kind, for tests that send each through each front.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kindTable))
	for k := range kindTable {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Status is the HTTP status a client sees for an error of this kind; 500 for a kind the table does not know.
func (k Kind) Status() int {
	if e, ok := kindTable[k]; ok {
		return e.status
	}
	return http.StatusInternalServerError
}

// Type is the error type of docs/architecture.md §6 for this kind ("api_error" for a kind the table does not know).
func (k Kind) Type() string {
	if e, ok := kindTable[k]; ok {
		return e.typ
	}
	return "api_error"
}

// StatusOf is the HTTP status for err: its kind's status for an *Error, 500 for anything else (an internal failure).
func StatusOf(err error) int {
	if e, ok := AsError(err); ok {
		return e.Kind.Status()
	}
	return http.StatusInternalServerError
}

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

// fieldError turns a domain package's field error into a 400 naming the field.
func fieldError(err error) error {
	var fe *field.Error
	if errors.As(err, &fe) {
		return &Error{Kind: KindInvalid, Code: "parameter_invalid", Param: fe.Field, Message: fe.Error(), Err: err}
	}
	return err
}
