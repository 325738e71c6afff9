package webhook

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// Outcome is what one delivery attempt means for the delivery and its endpoint.
type Outcome struct {
	// Delivered: the receiver answered 2xx; the delivery is done.
	Delivered bool
	// Retry: the attempt failed and another may follow, by the Schedule (and RetryAfter).
	Retry bool
	// DisableEndpoint: the receiver answered 410 Gone; disable the endpoint and stop retrying.
	DisableEndpoint bool
	// RetryAfter is the delay the receiver asked for with Retry-After on a 429 or 503, else 0.
	RetryAfter time.Duration
	// Reason is a short explanation for the attempt record, e.g. "HTTP 500" or "timeout after …".
	Reason string
}

// Classify interprets the result of sending one delivery with a client from NewHTTPClient: 2xx is delivered; 3xx is a
// failure (redirects are never followed: the location could be anywhere); 410 disables the endpoint; 429 and 503
// honour Retry-After; any other status, a timeout, a connection error or an SSRF refusal is retried with a Reason
// naming the cause. Classify reads only the status and headers; the caller reads the body (Excerpt) and closes it.
//
// An HTTP-date Retry-After is measured from the response's Date header, which cancels clock skew between the
// receiver and Kassa; without a usable Date header, from the local clock.
func Classify(resp *http.Response, err error) Outcome {
	return classifyAt(resp, err, time.Now)
}

func classifyAt(resp *http.Response, err error, now func() time.Time) Outcome {
	if err != nil {
		return Outcome{Retry: true, Reason: transportReason(err)}
	}
	if resp == nil {
		return Outcome{Retry: true, Reason: "no response"}
	}
	code := resp.StatusCode
	status := "HTTP " + strconv.Itoa(code)
	switch {
	case code >= 200 && code < 300:
		return Outcome{Delivered: true, Reason: status}
	case code >= 300 && code < 400:
		reason := status + ": redirect not followed"
		if loc := resp.Header.Get("Location"); loc != "" {
			reason += " (Location: " + truncate(loc, 200) + ")"
		}
		return Outcome{Retry: true, Reason: reason}
	case code == http.StatusGone:
		return Outcome{DisableEndpoint: true, Reason: status + ": the receiver asked to stop; endpoint disabled"}
	case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable:
		o := Outcome{Retry: true, Reason: status}
		if d, ok := parseRetryAfter(resp.Header, now); ok {
			o.RetryAfter = d
			o.Reason += ", Retry-After " + d.String()
		}
		return o
	default:
		return Outcome{Retry: true, Reason: status}
	}
}

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
func parseRetryAfter(h http.Header, now func() time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Anything beyond the cap is the cap; this also keeps the multiplication from overflowing.
		return time.Duration(min(secs, int64(MaxRetryAfter/time.Second))) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	ref, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		ref = now()
	}
	return min(max(at.Sub(ref), 0), MaxRetryAfter), true
}

// transportReason names why no response arrived, without the request URL that *url.Error repeats.
func transportReason(err error) string {
	inner := err
	var uerr *url.Error
	if errors.As(err, &uerr) {
		inner = uerr.Err
	}
	var (
		nerr   net.Error
		dnsErr *net.DNSError
		cerr   *tls.CertificateVerificationError
		rerr   tls.RecordHeaderError
		herr   x509.HostnameError
		uaerr  x509.UnknownAuthorityError
	)
	switch {
	case errors.Is(err, ErrForbiddenAddress):
		return inner.Error() // "dial tcp 10.0.0.1:443: webhook: address forbidden by the SSRF policy: …"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &nerr) && nerr.Timeout():
		return "timeout: " + inner.Error()
	case errors.As(err, &dnsErr):
		return "DNS lookup failed: " + inner.Error()
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused: " + inner.Error()
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by the receiver: " + inner.Error()
	case errors.As(err, &cerr), errors.As(err, &rerr), errors.As(err, &herr), errors.As(err, &uaerr):
		return "TLS failed: " + inner.Error()
	default:
		return "connection error: " + inner.Error()
	}
}

// Excerpt returns the first ExcerptLimit bytes of a response body as text for the attempt record: invalid UTF-8
// (including a rune cut at the limit) and NUL bytes, which PostgreSQL text columns refuse, become U+FFFD. It does not
// close body; a read error keeps what was read before it.
func Excerpt(body io.Reader) string {
	if body == nil {
		return ""
	}
	b, _ := io.ReadAll(io.LimitReader(body, ExcerptLimit))
	s := strings.ToValidUTF8(string(b), string(utf8.RuneError))
	return strings.ReplaceAll(s, "\x00", string(utf8.RuneError))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
