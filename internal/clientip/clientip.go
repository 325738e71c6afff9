// Package clientip finds the address of the client behind an HTTP request: the connection's peer, or, when that
// peer is a reverse proxy the operator trusts (KASSA_TRUSTED_PROXIES), the address the proxies recorded in
// X-Forwarded-For. The fraud rules' velocity counts and the per-IP rate limits key on it; without this, every
// customer behind a proxy would share the proxy's address and trip the IP rules together.
package clientip

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Resolver turns a request into its client's address. The zero Resolver trusts no proxy.
type Resolver struct {
	trusted []netip.Prefix
}

// New returns a Resolver that believes X-Forwarded-For only from peers inside trusted.
func New(trusted []netip.Prefix) Resolver { return Resolver{trusted: trusted} }

// Of returns the client's address. The peer is the client unless it is a trusted proxy; then X-Forwarded-For is read
// from the right (the entry the nearest proxy appended) past every trusted proxy, and the first untrusted address is
// the client. Entries left of it are the client's own claims and are ignored. A malformed entry ends the walk at the
// last address known good.
func (r Resolver) Of(req *http.Request) string {
	peer := peerOf(req.RemoteAddr)
	addr, err := netip.ParseAddr(peer)
	if err != nil || !r.isTrusted(addr) {
		return peer
	}
	client := addr
	hops := req.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			hop, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil || hop.Zone() != "" {
				return client.Unmap().String()
			}
			client = hop
			if !r.isTrusted(hop) {
				return hop.Unmap().String()
			}
		}
	}
	return client.Unmap().String()
}

func (r Resolver) isTrusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range r.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func peerOf(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return remote
	}
	return host
}
