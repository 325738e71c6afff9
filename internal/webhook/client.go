package webhook

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	"code.dny.dev/ssrf"
)

// ErrForbiddenAddress is wrapped by every connection NewHTTPClient's client refuses to make; the message names the
// address and the rule that refused it.
var ErrForbiddenAddress = errors.New("webhook: address forbidden by the SSRF policy")

// NewHTTPClient returns the client deliveries are sent with. Every connection is checked in the dialer's Control
// hook, after DNS resolution and before connect(2), against the address that is actually dialled, so a name that
// resolves (or re-resolves) to an internal address is refused too. Refused: loopback, private (RFC 1918, fc00::/7),
// link-local, shared CGNAT space (100.64.0.0/10), multicast, reserved and documentation ranges, IPv4-mapped IPv6 and
// all IPv6 outside global unicast (the IANA special-purpose registries, via code.dny.dev/ssrf) — unless the address
// lies inside one of allowed, which the operator's configuration sets (loopback for local development, never in
// production). Any port is allowed: merchants run receivers on ports other than 80 and 443.
//
// The client never follows redirects (the 3xx response is returned as is), ignores proxy environment variables
// (a proxy would dial on our behalf, past the check), and gives up after timeout (DefaultTimeout when ≤ 0).
func NewHTTPClient(allowed []netip.Prefix, timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	guard := newGuard(allowed)
	dialer := &net.Dialer{
		Timeout: timeout,
		Control: func(network, address string, _ syscall.RawConn) error {
			if err := guard.Safe(network, address, nil); err != nil {
				return fmt.Errorf("%w: %w", ErrForbiddenAddress, err)
			}
			return nil
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

// newGuard is the SSRF policy: the one set of rules every delivery connection (NewHTTPClient) and every registered
// URL's literal address (ValidateEndpointURL) are checked against.
func newGuard(allowed []netip.Prefix) *ssrf.Guardian {
	var v4, v6 []netip.Prefix
	for _, p := range allowed {
		p = p.Masked()
		if p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	return ssrf.New(
		ssrf.WithAnyPort(),
		ssrf.WithAllowedV4Prefixes(v4...),
		ssrf.WithAllowedV6Prefixes(v6...),
	)
}
