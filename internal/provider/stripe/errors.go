package stripe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	stripego "github.com/stripe/stripe-go/v84"

	"github.com/kassapay/kassa/internal/provider"
)

// failure is what went wrong with one Stripe call, for answer.
type failure struct {
	step string // "create PaymentIntent", …
	// first is true when no earlier attempt under this key can have reached Stripe (see the package comment).
	first bool
	// pi is the PaymentIntent the call worked on, if known; declines name it.
	pi string
	// pan is the card number of the call, if any, scrubbed from every message.
	pan string
}

// answer turns the error of a Stripe call into the connector's answer: a Result when Stripe's answer (or its
// provable absence) is definitive, an error wrapping provider.ErrTimeout or ctx.Err() when the outcome is unknown.
func (s *Stripe) answer(ctx context.Context, err error, f failure) (provider.Result, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return provider.Result{}, s.wrapf(ctxErr, "stripe %s", f.step)
	}
	var se *stripego.Error
	if errors.As(err, &se) {
		return s.stripeError(se, f)
	}
	if notSent(err) {
		return s.notReached(describe(err), f)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return provider.Result{}, s.wrapf(provider.ErrTimeout, "stripe %s: no answer within %v", f.step, s.timeout)
	}
	// Sent but unanswered (reset, EOF), or an answer that could not be read. stripe-go's text for the latter
	// quotes the body, so it is not repeated here.
	detail := "the answer could not be read"
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		detail = describe(err)
	}
	return provider.Result{}, s.wrapf(provider.ErrTimeout, "stripe %s: %s", f.step, s.scrub(detail, f.pan))
}

// stripeError answers an error Stripe sent.
func (s *Stripe) stripeError(se *stripego.Error, f failure) (provider.Result, error) {
	msg := s.scrub(se.Msg, f.pan)
	ref := fmt.Sprintf("HTTP %d, %s %s, request %s", se.HTTPStatusCode, se.Type, se.Code, se.RequestID)
	switch {
	case se.Type == stripego.ErrorTypeCard:
		res := declined(string(se.DeclineCode), string(se.Code))
		res.ProviderTransactionID = f.pi
		if se.PaymentIntent != nil && se.PaymentIntent.ID != "" {
			res.ProviderTransactionID = se.PaymentIntent.ID
		}
		return res, nil
	case se.HTTPStatusCode >= 500, se.HTTPStatusCode == http.StatusConflict, se.Type == stripego.ErrorTypeAPI,
		se.Type == stripego.ErrorTypeIdempotency:
		return provider.Result{}, s.wrapf(provider.ErrTimeout, "stripe %s: %s (%s)", f.step, msg, ref)
	case se.HTTPStatusCode == http.StatusUnauthorized, se.HTTPStatusCode == http.StatusForbidden,
		se.HTTPStatusCode == http.StatusTooManyRequests:
		return s.notReached(fmt.Sprintf("%s (%s)", msg, ref), f)
	case se.Type == stripego.ErrorTypeInvalidRequest:
		if amountError(se) {
			return invalid(provider.CodeInvalidAmount, msg), nil
		}
		return invalid(provider.CodeInvalidTransaction, msg), nil
	}
	return provider.Result{}, s.wrapf(provider.ErrTimeout, "stripe %s: unexpected error: %s (%s)", f.step, msg, ref)
}

// amountError reports whether Stripe rejected the amount.
func amountError(se *stripego.Error) bool {
	switch se.Code {
	case stripego.ErrorCodeAmountTooSmall, stripego.ErrorCodeAmountTooLarge:
		return true
	}
	return strings.HasPrefix(se.Param, "amount")
}

// notReached answers a call Stripe never performed: definitive for a first attempt, unknown otherwise.
func (s *Stripe) notReached(detail string, f failure) (provider.Result, error) {
	detail = s.scrub(detail, f.pan)
	if f.first {
		return unavailable(detail), nil
	}
	return provider.Result{}, s.wrapf(provider.ErrTimeout,
		"stripe %s: Stripe not reached (%s), and an earlier attempt under this key may have reached it", f.step, detail)
}

// notSent reports whether err proves the request never left: the connection was never made.
func notSent(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var verifyErr *tls.CertificateVerificationError
	var recordErr tls.RecordHeaderError
	var authorityErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.As(err, &dnsErr), errors.As(err, &verifyErr), errors.As(err, &recordErr),
		errors.As(err, &authorityErr), errors.As(err, &hostErr):
		return true
	case errors.As(err, &opErr):
		return opErr.Op == "dial"
	}
	return false
}

// describe is the network error's text without the URL net/http puts around it.
func describe(err error) string {
	var opErr *net.OpError
	var dnsErr *net.DNSError
	var urlErr *url.Error
	switch {
	case errors.As(err, &opErr):
		return opErr.Error()
	case errors.As(err, &dnsErr):
		return dnsErr.Error()
	case errors.As(err, &urlErr):
		return urlErr.Err.Error()
	}
	return err.Error()
}

// scrub removes the secret key and the card number from a message that may echo request data.
func (s *Stripe) scrub(msg, pan string) string {
	if s.key != "" {
		msg = strings.ReplaceAll(msg, s.key, "[secret key]")
	}
	if pan != "" {
		msg = strings.ReplaceAll(msg, pan, "[card number]")
	}
	return msg
}

// wrapf wraps err (provider.ErrTimeout or a context error) with a message that never shows the secret key.
func (s *Stripe) wrapf(err error, format string, args ...any) error {
	return fmt.Errorf("%s: %w", s.scrub(fmt.Sprintf(format, args...), ""), err)
}
