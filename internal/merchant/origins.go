package merchant

import (
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/kassapay/kassa/internal/field"
)

// NormalizeOrigin turns a user-supplied origin into scheme://host[:port], the form browsers send in Origin headers:
// lower-case scheme and host, default ports dropped, leading zeros of the port dropped, a trailing slash tolerated.
// Hosts must be ASCII (internationalized names in their xn-- form), without a trailing dot or an IPv6 zone. Anything with a path, query, fragment or credentials is rejected, as is any
// scheme but http and https.
func NormalizeOrigin(s string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Opaque != "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", ErrInvalidOrigin
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", ErrInvalidOrigin
	}
	if u.Path != "" && u.Path != "/" {
		return "", ErrInvalidOrigin
	}
	host := strings.ToLower(u.Hostname())
	if !validHost(host) {
		return "", ErrInvalidOrigin
	}
	port := u.Port()
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return "", ErrInvalidOrigin
		}
		port = strconv.Itoa(n) // "0443" is 443
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		return scheme + "://" + net.JoinHostPort(host, port), nil
	}
	if strings.Contains(host, ":") { // IPv6 literal
		return scheme + "://[" + host + "]", nil
	}
	return scheme + "://" + host, nil
}

// NormalizeOrigins normalizes every entry, drops duplicates (keeping order) and names the first bad entry by index.
func NormalizeOrigins(in []string) ([]string, error) {
	if len(in) > 50 {
		return nil, &field.Error{Field: "checkout_allowed_origins", Err: ErrTooManyOrigins}
	}
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for i, s := range in {
		o, err := NormalizeOrigin(s)
		if err != nil {
			return nil, &field.Error{Field: "checkout_allowed_origins[" + strconv.Itoa(i) + "]", Value: s, Err: err}
		}
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	return out, nil
}

// validHost accepts what a browser puts in an Origin header: an IP literal without a zone, or an ASCII DNS name
// (internationalized names in their xn-- form) without a trailing dot.
func validHost(host string) bool {
	if host == "" || strings.HasSuffix(host, ".") || strings.HasPrefix(host, ".") || strings.Contains(host, "..") {
		return false
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Zone() == ""
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
