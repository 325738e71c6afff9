package webhookhttp

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/kassapay/kassa/internal/webhook"
)

// Request is one delivery attempt to make.
type Request struct {
	// URL is the endpoint's URL.
	URL string
	// EventID and APIVersion are the event's; Body is its payload, signed and sent as is.
	EventID, APIVersion string
	Body                []byte
	// Secrets sign the body (webhook.Sign): one, or two during a rotation's grace period.
	Secrets []string
	// SignedAt is the attempt's time on Kassa's clock, the signatures' timestamp.
	SignedAt time.Time
}

// Result is what one attempt came to, for the attempt record and the delivery's next step.
type Result struct {
	Outcome webhook.Outcome
	// Status is the receiver's HTTP status, 0 when no answer arrived.
	Status int
	// Excerpt is the start of the receiver's body (excerpt); the caller redacts it before storing it.
	Excerpt string
	// Duration is how long the exchange took, by the wall clock; 0 when no request could be built.
	Duration time.Duration
}

// Send makes one delivery attempt with client (from NewClient): it POSTs r.Body to r.URL with the signature headers of
// docs/architecture.md §7, Content-Type, Kassa-Api-Version and User-Agent, reads at most webhook.ExcerptLimit bytes of
// the answer, closes it, and classifies it (classify). It never returns an error: every failure is an Outcome to retry,
// with a Reason naming the cause.
func Send(ctx context.Context, client *http.Client, r Request) Result {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return Result{Outcome: webhook.Outcome{Retry: true, Reason: "invalid endpoint URL: " + err.Error()}}
	}
	for k, v := range webhook.Sign(r.Secrets, r.EventID, r.SignedAt, r.Body) {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(webhook.HeaderAPIVersion, r.APIVersion)
	req.Header.Set("User-Agent", "Kassa-Webhooks/1")
	resp, err := client.Do(req)
	res := Result{Outcome: classify(resp, err, time.Now())}
	if resp != nil {
		res.Status = resp.StatusCode
		res.Excerpt = excerpt(resp.Body)
		resp.Body.Close()
	}
	res.Duration = time.Since(start)
	return res
}

// classify interprets the result of client.Do: an answer is webhook.ClassifyResponse's to judge, with now as the
// clock for an HTTP-date Retry-After without a Date; a timeout, a connection error or an SSRF refusal is retried with
// a Reason naming the cause. It reads only the status and headers.
func classify(resp *http.Response, err error, now time.Time) webhook.Outcome {
	if err != nil {
		return webhook.Outcome{Retry: true, Reason: transportReason(err)}
	}
	if resp == nil {
		return webhook.Outcome{Retry: true, Reason: "no response"}
	}
	return webhook.ClassifyResponse(webhook.Response{
		Status:     resp.StatusCode,
		Location:   resp.Header.Get("Location"),
		RetryAfter: resp.Header.Get("Retry-After"),
		Date:       resp.Header.Get("Date"),
	}, now)
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
	case errors.Is(err, webhook.ErrForbiddenAddress):
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

// excerpt returns the first webhook.ExcerptLimit bytes of a response body as text for the attempt record: invalid
// UTF-8 (including a rune cut at the limit) and NUL bytes, which PostgreSQL text columns refuse, become U+FFFD. It
// does not close body; a read error keeps what was read before it.
func excerpt(body io.Reader) string {
	if body == nil {
		return ""
	}
	b, _ := io.ReadAll(io.LimitReader(body, webhook.ExcerptLimit))
	s := strings.ToValidUTF8(string(b), string(utf8.RuneError))
	return strings.ReplaceAll(s, "\x00", string(utf8.RuneError))
}
