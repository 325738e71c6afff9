package webhook

import (
	"errors"
	"net/netip"
	"testing"

	"code.dny.dev/ssrf"
)

// TestAddressPolicyCheckDial: the check the delivery client's dialer makes, on the address it is about to connect
// to. webhookhttp's client tests show it is made before connect(2).
func TestAddressPolicyCheckDial(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, network, address string
		allowed                []netip.Prefix
		refused                bool
	}{
		{"public IPv4", "tcp4", "93.184.215.14:443", nil, false},
		{"public IPv6", "tcp6", "[2606:2800:21f:cb07:6820:80da:af6b:8b2c]:443", nil, false},
		{"any port", "tcp4", "93.184.215.14:8443", nil, false},
		{"loopback", "tcp4", "127.0.0.1:8080", nil, true},
		{"private", "tcp4", "10.0.0.1:443", nil, true},
		{"metadata service", "tcp4", "169.254.169.254:80", nil, true},
		{"CGNAT", "tcp4", "100.64.0.1:443", nil, true},
		{"IPv6 loopback", "tcp6", "[::1]:8080", nil, true},
		{"IPv4-mapped IPv6", "tcp6", "[::ffff:10.0.0.1]:443", nil, true},
		{"allowed loopback", "tcp4", "127.0.0.1:8080", loopback, false},
		{"allowed loopback, IPv6", "tcp6", "[::1]:8080", loopback, false},
		{"loopback allowed, private still refused", "tcp4", "10.0.0.1:443", loopback, true},
		{"an allowed network given unmasked", "tcp4", "10.1.2.3:443", []netip.Prefix{netip.MustParsePrefix("10.1.2.99/24")}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := NewAddressPolicy(tc.allowed).CheckDial(tc.network, tc.address)
			if !tc.refused {
				if err != nil {
					t.Fatalf("CheckDial(%s, %s) = %v; want allowed", tc.network, tc.address, err)
				}
				return
			}
			if !errors.Is(err, ErrForbiddenAddress) || !errors.Is(err, ssrf.ErrProhibitedIP) {
				t.Fatalf("CheckDial(%s, %s) = %v; want ErrForbiddenAddress wrapping ssrf.ErrProhibitedIP", tc.network, tc.address, err)
			}
		})
	}
}
