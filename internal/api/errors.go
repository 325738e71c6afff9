package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/logging"
)

// ErrorBody is Kassa's one error shape (docs/architecture.md §6).
type ErrorBody struct {
	Type        string            `json:"type" enum:"invalid_request_error,authentication_error,permission_error,card_error,idempotency_error,rate_limit_error,api_error" doc:"Error class; decides the HTTP status family."`
	Code        string            `json:"code" doc:"Stable snake_case code, e.g. parameter_invalid, resource_missing, idempotency_key_reused."`
	Message     string            `json:"message" doc:"Human-readable explanation; may change between versions."`
	Param       string            `json:"param,omitempty" doc:"The request field at fault, if any."`
	DeclineCode string            `json:"decline_code,omitempty" doc:"For card_error: the provider's reason."`
	RequestID   string            `json:"request_id" doc:"The Request-Id of this request; quote it when asking for help."`
	Errors      []gateway.Problem `json:"errors,omitempty" doc:"Every invalid field when there were several; the first is also in param."`
	// The declined payment of a card_error.
	PaymentID         string `json:"payment_id,omitempty" doc:"For card_error: the payment recorded as failed."`
	ResponseCode      string `json:"response_code,omitempty" doc:"For card_error: the issuer's response code (05, 51, 54, N7, 96, …)."`
	RemainingAttempts *int   `json:"remaining_attempts,omitempty" doc:"For a declined payment intent confirm: how many more attempts it takes."`
}

// ErrorResponse wraps ErrorBody as {"error": {...}}. It implements huma.StatusError so huma's own validation
// failures come out in the same shape.
type ErrorResponse struct {
	status int
	Body   ErrorBody `json:"error"`
}

// Error implements error.
func (e *ErrorResponse) Error() string { return e.Body.Code + ": " + e.Body.Message }

// GetStatus implements huma.StatusError.
func (e *ErrorResponse) GetStatus() int { return e.status }

// toResponse maps any error to the response a client sees. Errors that are not *gateway.Error are internal: the
// client gets a generic 500 and the caller logs the cause.
func toResponse(err error, requestID string) (*ErrorResponse, bool) {
	var resp *ErrorResponse
	if errors.As(err, &resp) {
		resp.Body.RequestID = requestID
		return resp, resp.status < 500
	}
	if ge, ok := gateway.AsError(err); ok {
		status := ge.Kind.Status()
		return &ErrorResponse{status: status, Body: ErrorBody{
			Type: ge.Kind.Type(), Code: ge.Code, Message: logging.Redact(ge.Message), Param: ge.Param,
			DeclineCode: ge.DeclineCode, RequestID: requestID, Errors: ge.Problems,
			PaymentID: ge.PaymentID, ResponseCode: ge.ResponseCode, RemainingAttempts: ge.RemainingAttempts,
		}}, status < 500
	}
	return &ErrorResponse{status: http.StatusInternalServerError, Body: ErrorBody{
		Type: "api_error", Code: "internal_error", RequestID: requestID,
		Message: "Kassa could not complete the request. It was logged under this request id; retrying is safe with an Idempotency-Key.",
	}}, false
}

// writeJSON writes v with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":{"type":"api_error","code":"internal_error","message":"response encoding failed"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n')) //nolint:errcheck // the client went away
}

var hooks sync.Once

// installHumaHooks makes huma produce Kassa's error shape and validate property names case-sensitively. Huma keeps
// these settings in package variables, so they are set once for the process.
func installHumaHooks() {
	hooks.Do(func() {
		huma.ValidateStrictCasing = true
		huma.NewErrorWithContext = func(ctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
			reqID := ""
			if ctx != nil {
				if info := infoFrom(ctx.Context()); info != nil {
					reqID = info.ID
				}
			}
			return humaError(status, msg, reqID, errs...)
		}
		huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
			return humaError(status, msg, "", errs...)
		}
	})
}

// humaError converts huma's failures (validation, parsing, body size, content type) into Kassa's shape.
func humaError(status int, msg, requestID string, errs ...error) *ErrorResponse {
	body := ErrorBody{Type: "invalid_request_error", RequestID: requestID}
	for _, err := range errs {
		var d *huma.ErrorDetail
		if !errors.As(err, &d) {
			// Handler errors that reached huma (ours are written before); keep them internal.
			continue
		}
		p := problemFromDetail(status, d)
		body.Errors = append(body.Errors, p)
	}
	switch {
	case status == http.StatusRequestEntityTooLarge:
		body.Code, body.Message = "request_too_large", "The request body is larger than this server accepts."
	case status == http.StatusUnsupportedMediaType:
		body.Code, body.Message = "unsupported_media_type", "Send the request body as application/json."
	case status == http.StatusBadRequest && len(body.Errors) > 0 && body.Errors[0].Param == "" && body.Errors[0].Code == "invalid_json":
		body.Code, body.Message = "invalid_json", body.Errors[0].Message
		body.Errors = nil
	case (status == http.StatusUnprocessableEntity || status == http.StatusBadRequest) && len(body.Errors) > 0:
		status = http.StatusBadRequest
		first := body.Errors[0]
		body.Code, body.Param, body.Message = first.Code, first.Param, first.Message
		if len(body.Errors) == 1 {
			body.Errors = nil
		}
	case status == http.StatusBadRequest && strings.Contains(msg, "body is required"):
		body.Code, body.Message = "body_missing", "This request needs a JSON body."
	case status >= 500:
		body.Type, body.Code, body.Message = "api_error", "internal_error", "Kassa could not complete the request."
	default:
		body.Code = strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "_")
		body.Message = msg
	}
	return &ErrorResponse{status: status, Body: body}
}

func problemFromDetail(status int, d *huma.ErrorDetail) gateway.Problem {
	loc := d.Location
	for _, prefix := range []string{"body.", "query.", "path.", "header."} {
		loc = strings.TrimPrefix(loc, prefix)
	}
	if loc == "body" || loc == "query" || loc == "path" || loc == "header" {
		loc = ""
	}
	msg := d.Message
	var name string
	switch {
	case strings.HasPrefix(msg, "expected required property ") && strings.HasSuffix(msg, " to be present"):
		name = strings.TrimSuffix(strings.TrimPrefix(msg, "expected required property "), " to be present")
		if loc != "" {
			name = loc + "." + name
		}
		return gateway.Problem{Param: name, Code: "parameter_missing", Message: fmt.Sprintf("%s is required.", name)}
	case msg == "unexpected property" || msg == "unknown query parameter":
		return gateway.Problem{Param: loc, Code: "parameter_unknown", Message: fmt.Sprintf("%s is not a known parameter of this request.", loc)}
	case status == http.StatusBadRequest && loc == "":
		return gateway.Problem{Code: "invalid_json", Message: "The request body is not valid JSON: " + logging.Redact(msg)}
	}
	return gateway.Problem{Param: loc, Code: "parameter_invalid", Message: fmt.Sprintf("%s: %s", loc, logging.Redact(msg))}
}

// ErrorCodes lists every error code the API returns, by the status it comes with. The OpenAPI document includes
// it; tests check that responses only use listed codes.
var ErrorCodes = map[string]int{
	"parameter_invalid": 400, "parameter_missing": 400, "parameter_unknown": 400, "parameter_conflict": 400,
	"invalid_json": 400, "idempotency_key_mismatch": 400, "invalid_idempotency_key": 400, "body_read_failed": 400,
	"email_taken": 400, "invalid_grace_period": 400, "invalid_key_kind": 400, "invalid_status": 400,
	"url_invalid": 400, "url_not_allowed": 400, "unknown_event_type": 400, "unsupported_api_version": 400,
	"too_many_endpoints": 400, "event_type_not_triggerable": 400, "body_missing": 400,
	"missing_api_key": 401, "invalid_api_key": 401, "api_key_expired": 401, "invalid_authorization_header": 401,
	"conflicting_api_keys": 401,
	"secret_key_required":  403, "merchant_inactive": 403, "live_mode_unavailable": 403, "test_mode_only": 403,
	"resource_missing": 404, "route_not_found": 404,
	"method_not_allowed":     405,
	"idempotency_key_reused": 409, "idempotency_request_in_progress": 409, "endpoint_disabled": 409,
	"request_too_large": 413, "unsupported_media_type": 415,
	"rate_limited":   429,
	"internal_error": 500,
	// Card payments, payment intents and the fraud blocklist.
	"invalid_amount": 400, "invalid_currency": 400, "invalid_card_number": 400, "expired_card": 400,
	"invalid_expiry_month": 400, "invalid_expiry_year": 400, "invalid_cvc": 400, "capture_amount_exceeds_authorized": 400,
	"origin_not_allowed":    400,
	"invalid_client_secret": 401,
	"card_declined":         402, "capture_failed": 402, "void_failed": 402,
	"payment_already_captured": 409, "payment_already_voided": 409, "payment_not_authorized": 409,
	"payment_operation_in_progress": 409, "payment_already_refunded": 409, "non_refundable_state": 409, "over_refund": 409,
	"intent_already_succeeded": 409, "intent_canceled": 409, "payment_in_progress": 409,
	"authorization_expired": 410, "intent_expired": 410, "max_attempts_reached": 410,
	"payments_not_configured": 422,
	// Refunds and sessions (document 000's codes).
	"missing_target": 400, "missing_idempotency_key": 400, "transaction_not_found": 404, "session_not_open": 409,
	// Orders and their payments (document 004's codes).
	"invalid_vpa": 400, "invalid_card": 400, "order_already_paid": 409,
	// Payment profiles and routing.
	"sandbox_profile_fixed": 400, "invalid_routing_rule": 400, "profile_in_use": 409,
	"webhooks_not_supported": 400, "invalid_webhook_payload": 400, "invalid_webhook_signature": 400, "webhook_secret_missing": 422,
	// The admin API (shoppers).
	"admin_key_required": 401, "email_invalid": 400,
}

func documentErrorCodes(o *huma.OpenAPI) {
	body := o.Components.Schemas.Map()["ErrorBody"]
	if body == nil || body.Properties["code"] == nil {
		return
	}
	byStatus := map[int][]string{}
	for code, status := range ErrorCodes {
		byStatus[status] = append(byStatus[status], code)
	}
	var b strings.Builder
	b.WriteString("Stable snake_case code. Codes by HTTP status:")
	for _, status := range slices.Sorted(maps.Keys(byStatus)) {
		codes := byStatus[status]
		slices.Sort(codes)
		fmt.Fprintf(&b, " %d: %s.", status, strings.Join(codes, ", "))
	}
	body.Properties["code"].Description = b.String()
}
