// Package checkout owns the hosted front doors: checkout sessions (short-lived, one customer, one cart) and payment
// links (long-lived, for invoices), which are one type of two kinds. A session or link starts payments; the money
// itself lives in package payment.
package checkout

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/field"
)

// Kind separates checkout sessions from payment links.
type Kind string

// Kinds.
const (
	KindSession Kind = "session" // "cs_…", at /checkout/{id}
	KindLink    Kind = "link"    // "pl_…", at /pay/{id}
	// KindIntent marks a payment intent shown on the hosted page (/checkout/{pi_id}); intents are stored as
	// Intent, and Gateway.GetIntentPage presents one as a Session of this kind.
	KindIntent Kind = "intent"
)

// Status is where a session or link stands, as merchants see it.
type Status string

const (
	// StatusCreated: nobody has tried to pay yet.
	StatusCreated Status = "created"
	// StatusPending: a payment attempt is in progress (the provider is deciding, or an asynchronous method waits).
	StatusPending Status = "pending"
	// StatusPaid: a payment succeeded. Final for paying; refunds move it on.
	StatusPaid Status = "paid"
	// StatusFailed: the last attempt was declined. The customer may try again until the TTL ends or
	// MaxFailedAttempts attempts failed.
	StatusFailed Status = "failed"
	// StatusCanceled: the customer clicked Cancel or the merchant canceled it. Final.
	StatusCanceled Status = "canceled"
	// StatusExpired: the TTL ended before a payment succeeded (the expiry job moves it). Final.
	StatusExpired Status = "expired"
	// StatusPartiallyRefunded: part of the payment was refunded; more refunds may follow.
	StatusPartiallyRefunded Status = "partially_refunded"
	// StatusRefunded: the whole payment was refunded. Final.
	StatusRefunded Status = "refunded"
)

var transitions = map[Status][]Status{
	StatusCreated:           {StatusPending, StatusCanceled, StatusExpired},
	StatusPending:           {StatusPaid, StatusFailed, StatusCanceled, StatusExpired},
	StatusFailed:            {StatusPending, StatusCanceled, StatusExpired},
	StatusPaid:              {StatusPartiallyRefunded, StatusRefunded},
	StatusPartiallyRefunded: {StatusPartiallyRefunded, StatusRefunded},
}

// Statuses lists every status.
func Statuses() []Status {
	return []Status{StatusCreated, StatusPending, StatusPaid, StatusFailed, StatusCanceled, StatusExpired, StatusPartiallyRefunded, StatusRefunded}
}

// CanTransition reports whether a session or link may move from one status to another.
func CanTransition(from, to Status) bool {
	for _, t := range transitions[from] {
		if t == to {
			return true
		}
	}
	return false
}

// Open reports whether a customer may still pay: not paid, canceled, expired or refunded.
func (s Status) Open() bool {
	return s == StatusCreated || s == StatusPending || s == StatusFailed
}

// MaxFailedAttempts is how many declined attempts a session, link or intent takes before it locks (410
// max_attempts_reached).
const MaxFailedAttempts = 5

// Time-to-live bounds (docs/architecture.md §4).
const (
	SessionTTLDefault = 30 * time.Minute
	SessionTTLMin     = time.Minute
	SessionTTLMax     = 24 * time.Hour
	LinkTTLDefault    = 30 * 24 * time.Hour
	LinkTTLMin        = time.Minute
	LinkTTLMax        = 365 * 24 * time.Hour
)

// Errors for invalid input; wrapped in *field.Error naming the field.
var (
	ErrTTL            = errors.New("is out of range")
	ErrURL            = errors.New("must be an absolute https URL (http only for localhost)")
	ErrOriginNotAllow = errors.New("is not on the merchant's checkout_allowed_origins")
	ErrRequired       = errors.New("is required")
	ErrTooLong        = errors.New("is too long")
)

// TTL returns the lifetime for expires_in_seconds (0 = the kind's default) or a field.Error with the range.
func TTL(kind Kind, seconds int64) (time.Duration, error) {
	def, lo, hi := SessionTTLDefault, SessionTTLMin, SessionTTLMax
	if kind == KindLink {
		def, lo, hi = LinkTTLDefault, LinkTTLMin, LinkTTLMax
	}
	if seconds == 0 {
		return def, nil
	}
	d := time.Duration(seconds) * time.Second
	if seconds < 0 || d < lo || d > hi {
		return 0, &field.Error{Field: "expires_in_seconds", Err: ErrTTL,
			Detail: fmt.Sprintf("%d to %d seconds", int64(lo/time.Second), int64(hi/time.Second))}
	}
	return d, nil
}

// SessionIDPlaceholder in a success or cancel URL is replaced by the session's id when the customer is sent there.
const SessionIDPlaceholder = "{CHECKOUT_SESSION_ID}"

// ValidateReturnURL checks a success_url or cancel_url (docs/architecture.md §9): absolute https (http only for
// localhost and loopback addresses), no credentials; when the merchant set allowed origins, the URL's origin must be
// one of them, or the origin of the session's webhook URL, which is allowed automatically. It may contain
// SessionIDPlaceholder.
func ValidateReturnURL(name, raw string, allowedOrigins []string, webhookURL string) error {
	if raw == "" {
		return &field.Error{Field: name, Err: ErrRequired}
	}
	if len(raw) > 2048 {
		return &field.Error{Field: name, Err: ErrTooLong, Detail: "at most 2048 bytes"}
	}
	u, err := url.Parse(strings.ReplaceAll(raw, SessionIDPlaceholder, "cs_placeholder"))
	if err != nil || u.Host == "" || u.User != nil || u.Opaque != "" {
		return &field.Error{Field: name, Err: ErrURL}
	}
	origin, ok := originOf(u)
	if !ok {
		return &field.Error{Field: name, Err: ErrURL}
	}
	if len(allowedOrigins) == 0 {
		return nil
	}
	for _, o := range allowedOrigins {
		if o == origin {
			return nil
		}
	}
	if w, err := url.Parse(webhookURL); err == nil && webhookURL != "" {
		if wo, ok := originOf(w); ok && wo == origin {
			return nil
		}
	}
	return &field.Error{Field: name, Err: ErrOriginNotAllow, Detail: origin}
}

// originOf returns scheme://host[:port] of an http(s) URL in the normalized form merchant origins are stored in;
// plain http is accepted only for loopback hosts.
func originOf(u *url.URL) (string, bool) {
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	switch scheme {
	case "https":
		if port == "443" {
			port = ""
		}
	case "http":
		if !IsLoopbackHost(host) {
			return "", false
		}
		if port == "80" {
			port = ""
		}
	default:
		return "", false
	}
	if host == "" {
		return "", false
	}
	if port != "" {
		return scheme + "://" + net.JoinHostPort(host, port), true
	}
	if strings.Contains(host, ":") {
		return scheme + "://[" + host + "]", true
	}
	return scheme + "://" + host, true
}

// IsLoopbackHost reports whether a URL's host names this machine (localhost, *.localhost, a loopback address): the
// only hosts plain http is allowed towards.
func IsLoopbackHost(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ResolveReturnURL puts the session's id in place of SessionIDPlaceholder.
func ResolveReturnURL(raw, sessionID string) string {
	return strings.ReplaceAll(raw, SessionIDPlaceholder, url.QueryEscape(sessionID))
}
