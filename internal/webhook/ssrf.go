package webhook

import (
	"errors"
	"fmt"
	"net/netip"

	"code.dny.dev/ssrf"
)

// ErrForbiddenAddress is wrapped by every connection AddressPolicy.CheckDial refuses; the message names the address
// and the rule that refused it.
var ErrForbiddenAddress = errors.New("webhook: address forbidden by the SSRF policy")

// AddressPolicy is the SSRF policy: the one set of rules every delivery connection (CheckDial, called by the delivery
// client's dialer) and every registered URL's literal address (ValidateEndpointURL) are checked against. Refused:
// loopback, private (RFC 1918, fc00::/7), link-local, shared CGNAT space (100.64.0.0/10), multicast, reserved and
// documentation ranges, IPv4-mapped IPv6 and all IPv6 outside global unicast (the IANA special-purpose registries,
// via code.dny.dev/ssrf) — unless the address lies inside one of the allowed networks, which the operator's
// configuration sets (loopback for local development, never in production). Any port is allowed: merchants run
// receivers on ports other than 80 and 443.
type AddressPolicy struct {
	guard *ssrf.Guardian
}

// NewAddressPolicy returns the policy that also allows the addresses inside allowed.
func NewAddressPolicy(allowed []netip.Prefix) AddressPolicy {
	var v4, v6 []netip.Prefix
	for _, p := range allowed {
		p = p.Masked()
		if p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	return AddressPolicy{guard: ssrf.New(
		ssrf.WithAnyPort(),
		ssrf.WithAllowedV4Prefixes(v4...),
		ssrf.WithAllowedV6Prefixes(v6...),
	)}
}

// CheckDial decides whether a connection to address ("ip:port", as a dialer's Control hook receives it: after DNS
// resolution, the address actually dialled) over network ("tcp4", "tcp6") may be made. A refusal wraps
// ErrForbiddenAddress.
func (p AddressPolicy) CheckDial(network, address string) error {
	if err := p.guard.Safe(network, address, nil); err != nil {
		return fmt.Errorf("%w: %w", ErrForbiddenAddress, err)
	}
	return nil
}

// allows reports whether the policy lets a connection reach a.
func (p AddressPolicy) allows(a netip.Addr) bool {
	return p.guard.SafeAddr(a) == nil
}
