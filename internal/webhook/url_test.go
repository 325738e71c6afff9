package webhook

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// loopback is what the zero-setup default and the test servers allow: 127.0.0.0/8 and ::1.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

func TestValidateEndpointURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		url      string
		livemode bool
		wantErr  string // "" means valid
	}{
		{"https live", "https://shop.example/webhooks/kassa?x=1", true, ""},
		{"https with port", "https://shop.example:8443/hook", true, ""},
		{"http in test mode", "http://shop.example:4000/webhooks", false, ""},
		{"public IP literal", "http://93.184.216.34:4000/", false, ""},
		{"non-ASCII host", "https://bücher.example/hook", false, "non-ASCII characters"},
		{"IDN in ASCII form", "https://xn--bcher-kva.example/hook", true, ""},
		{"only dots", "https://./hook", false, "no host"},
		{"numeric but not an address", "https://1.2.3.256/hook", false, "not a valid IPv4 address"},
		{"http in live mode", "http://shop.example/hook", true, "live mode requires https"},
		{"empty", "", false, "empty"},
		{"relative", "/webhooks", false, "must be absolute"},
		{"no scheme", "shop.example/hook", false, "must be absolute"},
		{"other scheme", "ftp://shop.example/hook", false, `scheme must be https or http, not "ftp"`},
		{"javascript", "javascript:alert(1)", false, "scheme must be https or http"},
		{"opaque", "https:shop.example", false, "no host"},
		{"no host", "https:///hook", false, "no host"},
		{"port only", "https://:443/hook", false, "no host"},
		{"credentials", "https://user:pass@shop.example/hook", false, "credentials"},
		{"user only", "https://user@shop.example/hook", false, "credentials"},
		{"fragment", "https://shop.example/hook#x", false, "fragment"},
		{"empty fragment", "https://shop.example/hook#", false, "fragment"},
		{"space", "https://shop.example/a hook", false, "whitespace"},
		{"newline", "https://shop.example/hook\n", false, "whitespace or a control character"},
		{"port out of range", "https://shop.example:70000/hook", false, "out of range"},
		{"port zero", "https://shop.example:0/hook", false, "out of range"},
		{"bad escape", "https://shop.example/%zz", false, "does not parse"},
		{"too long", "https://shop.example/" + strings.Repeat("a", 2048), false, "limit is 2048"},
		{"exactly 2048 bytes", "https://shop.example/" + strings.Repeat("a", 2048-len("https://shop.example/")), true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateEndpointURL(tc.url, tc.livemode, nil)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateEndpointURL(%q) = %v; want nil", tc.url, err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidEndpointURL) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("ValidateEndpointURL(%q) = %v; want ErrInvalidEndpointURL naming %q", tc.url, err, tc.wantErr)
			}
		})
	}
}

// TestHostAddress reads hosts as the C resolver (inet_aton) and the WHATWG URL standard do: every spelling of an
// address comes out as that address, names stay names.
func TestHostAddress(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		host    string
		want    string // the address; "" for a host name
		wantErr bool
	}{
		// Loopback in disguise.
		{host: "127.0.0.1", want: "127.0.0.1"},
		{host: "127.1", want: "127.0.0.1"},
		{host: "127.0.1", want: "127.0.0.1"},
		{host: "0177.0.0.1", want: "127.0.0.1"},
		{host: "0x7f000001", want: "127.0.0.1"},
		{host: "0X7F000001", want: "127.0.0.1"},
		{host: "2130706433", want: "127.0.0.1"},
		{host: "017700000001", want: "127.0.0.1"},
		{host: "0x7f.1", want: "127.0.0.1"},
		{host: "0x7f.0.0x0.01", want: "127.0.0.1"},
		{host: "127.000.000.001", want: "127.0.0.1"},
		{host: "127.0.0.1.", want: "127.0.0.1"},
		{host: "127.0.0.1..", want: "127.0.0.1"},
		{host: "127.1.", want: "127.0.0.1"},
		{host: "0.0.0.0", want: "0.0.0.0"},
		{host: "0", want: "0.0.0.0"},
		{host: "0x", want: "0.0.0.0"},
		{host: "::ffff:127.0.0.1", want: "127.0.0.1"},
		{host: "::ffff:7f00:1", want: "127.0.0.1"},
		{host: "::1", want: "::1"},
		{host: "0:0:0:0:0:0:0:1", want: "::1"},
		{host: "::1%lo", want: "::1"},
		// Private, link-local and shared ranges the same ways.
		{host: "10.1", want: "10.0.0.1"},
		{host: "0xa000001", want: "10.0.0.1"},
		{host: "012.0.0.1", want: "10.0.0.1"},
		{host: "167772161", want: "10.0.0.1"},
		{host: "192.168.1", want: "192.168.0.1"},
		{host: "192.168.257", want: "192.168.1.1"},
		{host: "0xc0.0xa8.0x1.0x1", want: "192.168.1.1"},
		{host: "172.16.1", want: "172.16.0.1"},
		{host: "0xa9.0xfe.0xa9.0xfe", want: "169.254.169.254"},
		{host: "0251.0376.0251.0376", want: "169.254.169.254"},
		{host: "2852039166", want: "169.254.169.254"},
		{host: "100.64.1", want: "100.64.0.1"},
		{host: "::ffff:10.0.0.1", want: "10.0.0.1"},
		{host: "fe80::1%eth0", want: "fe80::1"},
		{host: "fc00::1", want: "fc00::1"},
		// Public addresses, in any spelling, are addresses too.
		{host: "8.8.8.8", want: "8.8.8.8"},
		{host: "93.184.216.34", want: "93.184.216.34"},
		{host: "134744072", want: "8.8.8.8"},
		{host: "0x8.0x8.0x8.0x8", want: "8.8.8.8"},
		{host: "2606:4700:4700::1111", want: "2606:4700:4700::1111"},
		// Names, which only DNS can answer for.
		{host: "example.com"},
		{host: "example.com."},
		{host: "shop.example"},
		{host: "123.example.com"},
		{host: "0x7f.example"},
		{host: "example.0xzz"},
		{host: "localhost"},
		{host: "a-1.b2.io"},
		// Numbers that are no address: nothing resolves them as names, so they are malformed.
		{host: "1.2.3.256", wantErr: true},
		{host: "256.1.1.1", wantErr: true},
		{host: "1.2.3.4.5", wantErr: true},
		{host: "08.0.0.1", wantErr: true},
		{host: "1.2.3.09", wantErr: true},
		{host: "4294967296", wantErr: true},
		{host: "0x100000000", wantErr: true},
		{host: "1.16777216", wantErr: true},
		{host: "1.2.65536", wantErr: true},
		{host: "1..1", wantErr: true},
		{host: ".1", wantErr: true},
		{host: "example.123", wantErr: true},
		{host: "99999999999999999999999", wantErr: true},
		{host: "zz::1", wantErr: true},
	} {
		t.Run(tc.host, func(t *testing.T) {
			t.Parallel()
			addr, isIP, err := hostAddress(tc.host)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("hostAddress(%q) = %v, %v; want an error", tc.host, addr, isIP)
				}
				return
			}
			if err != nil {
				t.Fatalf("hostAddress(%q): %v", tc.host, err)
			}
			got := ""
			if isIP {
				got = addr.String()
			}
			if got != tc.want {
				t.Errorf("hostAddress(%q) = %q; want %q", tc.host, got, tc.want)
			}
		})
	}
}

// TestValidateEndpointURLRefusesInternalHosts: with no network allowed (production), a URL whose host is an
// internal address in any spelling, or localhost, is refused at registration with ErrEndpointURLNotAllowed and a
// message naming the address and its kind; with loopback allowed (local development), loopback is accepted and
// everything else internal still refused.
func TestValidateEndpointURLRefusesInternalHosts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		host string
		// wantInMessage is what the refusal names: the address the host denotes and the kind of range.
		wantInMessage []string
		// loopbackOK: accepted when loopback is allowed.
		loopbackOK bool
	}{
		{"127.0.0.1", []string{"127.0.0.1 is a loopback address"}, true},
		{"127.1", []string{"127.1 is 127.0.0.1, a loopback address"}, true},
		{"0177.0.0.1", []string{"127.0.0.1", "loopback"}, true},
		{"0x7f000001", []string{"127.0.0.1", "loopback"}, true},
		{"2130706433", []string{"127.0.0.1", "loopback"}, true},
		{"127.0.0.1.", []string{"127.0.0.1", "loopback"}, true},
		{"0x7f.1", []string{"127.0.0.1", "loopback"}, true},
		{"017700000001", []string{"127.0.0.1", "loopback"}, true},
		{"127.255.255.254", []string{"loopback"}, true},
		{"[::ffff:127.0.0.1]", []string{"::ffff:127.0.0.1 is 127.0.0.1, a loopback address"}, true},
		{"[::1]", []string{"::1 is a loopback address"}, true},
		{"localhost", []string{"localhost is loopback by definition"}, true},
		{"LOCALHOST.", []string{"LOCALHOST. is loopback by definition"}, true},
		{"hooks.localhost", []string{"loopback by definition"}, true},
		{"0.0.0.0", []string{"unspecified address"}, false},
		{"0", []string{"0 is 0.0.0.0, the unspecified address"}, false},
		{"0.1.2.3", []string{"0.0.0.0/8"}, false},
		{"10.1", []string{"10.0.0.1", "private address (RFC 1918)"}, false},
		{"0xa000001", []string{"10.0.0.1", "private"}, false},
		{"192.168.1", []string{"192.168.0.1", "private"}, false},
		{"172.16.0.1", []string{"private"}, false},
		{"[::ffff:10.0.0.1]", []string{"10.0.0.1", "private"}, false},
		{"[fc00::1]", []string{"unique local"}, false},
		{"0xa9.0xfe.0xa9.0xfe", []string{"169.254.169.254", "link-local"}, false},
		{"[fe80::1%25eth0]", []string{"link-local"}, false},
		{"100.64.1", []string{"100.64.0.1", "carrier-grade NAT"}, false},
		{"224.0.0.1", []string{"multicast"}, false},
		{"240.0.0.1", []string{"reserved"}, false},
		{"192.0.2.1", []string{"reserved"}, false},
		{"[::]", []string{"unspecified"}, false},
		{"[::127.0.0.1]", []string{"outside global unicast"}, false},
		{"[64:ff9b::7f00:1]", []string{"outside global unicast"}, false},
		{"[2001:db8::1]", []string{"reserved"}, false},
	} {
		t.Run(tc.host, func(t *testing.T) {
			t.Parallel()
			url := "http://" + tc.host + ":4000/hook"
			err := ValidateEndpointURL(url, false, nil)
			if !errors.Is(err, ErrEndpointURLNotAllowed) {
				t.Fatalf("ValidateEndpointURL(%q) with nothing allowed = %v; want ErrEndpointURLNotAllowed", url, err)
			}
			for _, want := range append(tc.wantInMessage, "KASSA_WEBHOOK_ALLOWED_NETWORKS") {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("message %q does not say %q", err, want)
				}
			}
			err = ValidateEndpointURL(url, false, loopback)
			if tc.loopbackOK && err != nil {
				t.Errorf("ValidateEndpointURL(%q) with loopback allowed = %v; want nil", url, err)
			}
			if !tc.loopbackOK && !errors.Is(err, ErrEndpointURLNotAllowed) {
				t.Errorf("ValidateEndpointURL(%q) with loopback allowed = %v; want ErrEndpointURLNotAllowed", url, err)
			}
		})
	}
}

// TestValidateEndpointURLAcceptsPublicHosts: public addresses and names pass with no network allowed; names are
// not resolved, whatever they point at.
func TestValidateEndpointURLAcceptsPublicHosts(t *testing.T) {
	t.Parallel()
	for _, url := range []string{
		"https://8.8.8.8/hook", "https://93.184.216.34/hook", "https://134744072/hook", "https://[2606:4700:4700::1111]/hook",
		"https://example.com/hook", "https://example.com./hook", "https://shop.example:8443/hook", "https://123.example.com/hook",
		"https://localhost.example.com/hook", "https://mylocalhost/hook", "https://127.0.0.1.nip.io/hook",
	} {
		if err := ValidateEndpointURL(url, true, nil); err != nil {
			t.Errorf("ValidateEndpointURL(%q) = %v; want nil", url, err)
		}
	}
}

// TestLocalhostNeedsOneLoopbackAddressAllowed: localhost resolves to 127.0.0.1, ::1 or both and the dialer tries
// each, so allowing either admits it.
func TestLocalhostNeedsOneLoopbackAddressAllowed(t *testing.T) {
	t.Parallel()
	for _, allowed := range []string{"127.0.0.1/32", "::1/128"} {
		if err := ValidateEndpointURL("http://localhost:4000/", false, []netip.Prefix{netip.MustParsePrefix(allowed)}); err != nil {
			t.Errorf("localhost with %s allowed: %v", allowed, err)
		}
	}
	if err := ValidateEndpointURL("http://localhost:4000/", false, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}); !errors.Is(err, ErrEndpointURLNotAllowed) {
		t.Errorf("localhost with only 10.0.0.0/8 allowed: %v; want ErrEndpointURLNotAllowed", err)
	}
}

// TestNonASCIIHostsThatMapToAddressesAreRefused: the HTTP client maps a non-ASCII host through IDNA, which makes
// fullwidth or circled digits an IPv4 address; such hosts are refused whatever they would map to.
func TestNonASCIIHostsThatMapToAddressesAreRefused(t *testing.T) {
	t.Parallel()
	for _, url := range []string{"http://１２７．０．０．１/", "http://①②⑦.0.0.1/", "http://127。0。0。1/"} {
		if err := ValidateEndpointURL(url, false, loopback); !errors.Is(err, ErrInvalidEndpointURL) || !strings.Contains(err.Error(), "xn--") {
			t.Errorf("ValidateEndpointURL(%q) = %v; want ErrInvalidEndpointURL asking for the ASCII form", url, err)
		}
	}
}
