package webhook

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// Errors of ValidateEndpointURL: every error it returns wraps one of them, and the message names the problem.
var (
	// ErrInvalidEndpointURL: the URL is malformed or not one Kassa delivers to (scheme, credentials, fragment…).
	ErrInvalidEndpointURL = errors.New("invalid endpoint URL")
	// ErrEndpointURLNotAllowed: the URL's host is an address the SSRF policy refuses (loopback, private, link-local,
	// shared, multicast, reserved), however it is spelled, or a name that is loopback by definition (localhost).
	ErrEndpointURLNotAllowed = errors.New("endpoint URL not allowed")
)

// MaxEndpointURLLength bounds an endpoint URL in bytes.
const MaxEndpointURLLength = 2048

// ValidateEndpointURL checks a webhook endpoint URL as a merchant registers it, and is the only place that does:
// absolute http or https (https in live mode), an ASCII host, no credentials, no fragment, no whitespace or control
// characters, at most MaxEndpointURLLength bytes (ErrInvalidEndpointURL otherwise).
//
// A host that is an IP address in any spelling the resolver or dialer accepts (see hostAddress: "127.1",
// "0x7f000001", "[::ffff:10.0.0.1]", "192.168.1." …) is checked against the same SSRF policy as every delivery
// connection, with the same allowed networks (the operator's KASSA_WEBHOOK_ALLOWED_NETWORKS), and so is localhost,
// loopback by definition; refused hosts give ErrEndpointURLNotAllowed, so the merchant learns at once instead of from
// failed deliveries. Other host names are not resolved: DNS can change between now and a delivery, so the delivery
// client's dialer, which checks the address actually dialled (AddressPolicy.CheckDial), remains the guard.
func ValidateEndpointURL(raw string, livemode bool, allowed []netip.Prefix) error {
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidEndpointURL}, args...)...)
	}
	if raw == "" {
		return invalid("the URL is empty")
	}
	if len(raw) > MaxEndpointURLLength {
		return invalid("the URL is %d bytes long; the limit is %d", len(raw), MaxEndpointURLLength)
	}
	if i := strings.IndexFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f }); i >= 0 {
		return invalid("the URL contains whitespace or a control character at byte %d", i)
	}
	u, err := url.Parse(raw)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return invalid("the URL does not parse: %v", err)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if livemode {
			return invalid("live mode requires https")
		}
	case "":
		return invalid("the URL must be absolute, starting with https:// or http://")
	default:
		return invalid("the scheme must be https or http, not %q", u.Scheme)
	}
	if u.Opaque != "" || u.Host == "" {
		return invalid("the URL has no host")
	}
	if u.User != nil {
		return invalid("the URL must not contain credentials (user info before @)")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return invalid("the URL must not contain a fragment (#…)")
	}
	if u.Hostname() == "" {
		return invalid("the URL has no host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return invalid("the port %q is out of range", p)
		}
	}
	return checkHost(u.Hostname(), allowed)
}

// checkHost refuses a host that is, or is by definition, an address the SSRF policy refuses.
func checkHost(host string, allowed []netip.Prefix) error {
	if strings.IndexFunc(host, func(r rune) bool { return r >= 0x80 }) >= 0 {
		// The HTTP client maps such hosts through IDNA, which turns "１２７．０．０．１" or "①②⑦.0.0.1" into
		// 127.0.0.1; only the ASCII form can be checked here.
		return fmt.Errorf("%w: the host %q has non-ASCII characters; write an internationalized domain name in its "+
			"ASCII form (xn--…)", ErrInvalidEndpointURL, host)
	}
	if strings.TrimRight(host, ".") == "" {
		return fmt.Errorf("%w: the URL has no host", ErrInvalidEndpointURL)
	}
	notAllowed := func(what string) error {
		return fmt.Errorf("%w: %s; webhooks are never delivered to loopback, private, link-local, shared, multicast "+
			"or reserved addresses. Use a public host name or address (an operator who runs receivers on such a network "+
			"can allow it with KASSA_WEBHOOK_ALLOWED_NETWORKS)", ErrEndpointURLNotAllowed, what)
	}
	policy := NewAddressPolicy(allowed)
	addr, isIP, err := hostAddress(host)
	switch {
	case err != nil:
		return fmt.Errorf("%w: the host %s %v", ErrInvalidEndpointURL, host, err)
	case isIP:
		if !policy.allows(addr) {
			return notAllowed(describeHost(host, addr))
		}
	case isLocalhostName(host):
		// It resolves to 127.0.0.1, ::1 or both; the dialer tries each, so one allowed is enough.
		if !policy.allows(ipv4Loopback) && !policy.allows(netip.IPv6Loopback()) {
			return notAllowed(fmt.Sprintf("the host %s is loopback by definition (RFC 6761)", host))
		}
	}
	return nil
}

var ipv4Loopback = netip.AddrFrom4([4]byte{127, 0, 0, 1})
