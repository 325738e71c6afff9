// Package webhookhttp is the HTTP exchange of a webhook delivery, and the only code that makes it: it builds the
// signed request from an event's body and the endpoint's secrets, sends it through the SSRF-guarded client, reads at
// most webhook.ExcerptLimit bytes of the answer and classifies the status, Retry-After or transport error into a
// webhook.Outcome. What the answer means (ClassifyResponse), the signatures (Sign) and the SSRF rules
// (AddressPolicy) are webhook's, on plain values; this package puts them on the wire.
//
// This package is security-critical: NewClient is the only way Kassa connects to a URL a merchant typed in, and its
// dialer enforces webhook's SSRF policy on the address actually dialled. Changes here need a test that shows the
// guarantee still holds.
package webhookhttp

import (
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	"github.com/kassapay/kassa/internal/webhook"
)

// NewClient returns the client deliveries are sent with. Every connection is checked in the dialer's Control hook,
// after DNS resolution and before connect(2), against the address that is actually dialled
// (webhook.AddressPolicy.CheckDial), so a name that resolves (or re-resolves) to an internal address is refused too;
// addresses inside allowed, which the operator's configuration sets, are let through. A refused connection's error
// wraps webhook.ErrForbiddenAddress.
//
// The client never follows redirects (the 3xx response is returned as is), ignores proxy environment variables
// (a proxy would dial on our behalf, past the check), and gives up after timeout (webhook.DefaultTimeout when ≤ 0).
func NewClient(allowed []netip.Prefix, timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = webhook.DefaultTimeout
	}
	policy := webhook.NewAddressPolicy(allowed)
	dialer := &net.Dialer{
		Timeout: timeout,
		Control: func(network, address string, _ syscall.RawConn) error {
			return policy.CheckDial(network, address)
		},
	}
	transport := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    timeout,
		ResponseHeaderTimeout:  timeout,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    64, // many deliveries to one busy endpoint reuse connections
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
