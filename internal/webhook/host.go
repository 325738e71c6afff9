package webhook

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// A URL's host can name an address in many more spellings than the dotted quad: the C resolver (inet_aton, behind
// getaddrinfo) and the WHATWG URL standard read "127.1", "0x7f000001", "2130706433" and "0177.0.0.1" as 127.0.0.1,
// a trailing dot makes a name absolute without changing what it names, and an IPv4-mapped IPv6 literal is dialled
// as the IPv4 address inside it. hostAddress reads a host the way they do, so that the address a registration is
// checked against is the address a delivery would dial.

// errNotIPv4 is returned for a host that ends in a number, so that resolvers and browsers read it as an IPv4
// address, but that is not one.
var errNotIPv4 = errors.New("is not a valid IPv4 address: write four decimal numbers from 0 to 255 (a.b.c.d) or use a host name")

// hostAddress returns the IP address a URL's host (as url.URL.Hostname returns it) denotes literally, in its
// canonical form: IPv4 addresses as IPv4 (IPv4-mapped IPv6 unmapped), IPv6 addresses without a zone. ok is false
// for a host name, whose addresses only DNS can tell.
//
// IPv4 is read as inet_aton and the WHATWG URL standard read it: one to four dot-separated parts, each decimal,
// octal (a leading 0) or hex (a leading 0x), the last filling the bytes the others leave, and trailing dots ignored.
// A host whose last label is such a number but which is not a valid address ("1.2.3.256", "08.0.0.1",
// "example.0x1") is an error: no resolver reads it as a name, and browsers reject it.
func hostAddress(host string) (addr netip.Addr, ok bool, err error) {
	if strings.Contains(host, ":") {
		addr, err := netip.ParseAddr(host)
		if err != nil {
			return netip.Addr{}, false, errors.New("is not a valid IPv6 address")
		}
		return addr.WithZone("").Unmap(), true, nil
	}
	name := strings.TrimRight(host, ".")
	labels := strings.Split(name, ".")
	if !numeric(labels[len(labels)-1]) {
		return netip.Addr{}, false, nil
	}
	if len(labels) > 4 {
		return netip.Addr{}, false, errNotIPv4
	}
	var v uint64
	for i, label := range labels {
		part, ok := ipv4Part(label)
		if !ok {
			return netip.Addr{}, false, errNotIPv4
		}
		if i < len(labels)-1 {
			if part > 0xff {
				return netip.Addr{}, false, errNotIPv4
			}
			v |= part << (8 * (3 - i))
			continue
		}
		if part >= 1<<(8*(5-len(labels))) {
			return netip.Addr{}, false, errNotIPv4
		}
		v |= part
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true, nil
}

// ipv4Part reads one part of an IPv4 address: decimal, octal after a leading 0, hex after 0x or 0X ("0x" alone is 0,
// as inet_aton and WHATWG have it). ok is false for anything else, including an empty part and values past 2^32.
func ipv4Part(s string) (uint64, bool) {
	base := 10
	switch {
	case len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
		base, s = 16, s[2:]
		if s == "" {
			return 0, true
		}
	case len(s) >= 2 && s[0] == '0':
		base, s = 8, s[1:]
	case s == "":
		return 0, false
	}
	v, err := strconv.ParseUint(s, base, 64)
	if err != nil || v > 0xffffffff {
		return 0, false
	}
	return v, true
}

// numeric reports whether a host's last label makes the host an attempt at an IPv4 address (WHATWG's "ends in a
// number"): ASCII digits, or 0x followed by hex digits, whether or not the value is valid (an octal part with an 8,
// a number too large). Top-level domains are never numeric, so no host name is mistaken for one.
func numeric(label string) bool {
	digits := "0123456789"
	if len(label) >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X') {
		label, digits = label[2:], "0123456789abcdefABCDEF"
		if label == "" {
			return true
		}
	}
	return label != "" && strings.Trim(label, digits) == ""
}

// isLocalhostName reports whether host is "localhost" or a name under it, which resolve to loopback by definition
// (RFC 6761 §6.3) whatever DNS says; case and trailing dots do not matter.
func isLocalhostName(host string) bool {
	name := strings.ToLower(strings.TrimRight(host, "."))
	return name == "localhost" || strings.HasSuffix(name, ".localhost")
}

// addressKind names the special-purpose range an address the SSRF policy refuses lies in, for an error message.
func addressKind(a netip.Addr) string {
	switch {
	case a.IsUnspecified():
		return "the unspecified address (connecting to it reaches this machine)"
	case a.IsLoopback():
		return "a loopback address"
	case a.Is4() && a.As4()[0] == 0:
		return `an address in 0.0.0.0/8 ("this network")`
	case a.Is4() && a.IsPrivate():
		return "a private address (RFC 1918)"
	case a.IsPrivate():
		return "a private address (unique local, fc00::/7)"
	case a.IsLinkLocalUnicast():
		return "a link-local address"
	case a.IsMulticast():
		return "a multicast address"
	case sharedAddressSpace.Contains(a):
		return "a shared address (carrier-grade NAT, 100.64.0.0/10)"
	case a.Is6() && !globalUnicast.Contains(a):
		return "an IPv6 address outside global unicast (2000::/3)"
	}
	return "an address reserved for special use"
}

var (
	sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")
	globalUnicast      = netip.MustParsePrefix("2000::/3")
)

// describeHost says what a refused host is: the host itself when it is written canonically, else the host and the
// address it denotes.
func describeHost(host string, a netip.Addr) string {
	if host == a.String() {
		return fmt.Sprintf("the host %s is %s", host, addressKind(a))
	}
	return fmt.Sprintf("the host %s is %s, %s", host, a, addressKind(a))
}
