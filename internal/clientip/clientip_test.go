package clientip

import (
	"net/http"
	"net/netip"
	"testing"
)

func TestOf(t *testing.T) {
	t.Parallel()
	proxies := New([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")})
	for _, tt := range []struct {
		name   string
		r      Resolver
		remote string
		xff    []string
		want   string
	}{
		{"no proxy trusted: the peer, whatever the header says", Resolver{}, "203.0.113.5:4000", []string{"198.51.100.1"}, "203.0.113.5"},
		{"untrusted peer's header is ignored", proxies, "203.0.113.5:4000", []string{"198.51.100.1"}, "203.0.113.5"},
		{"trusted proxy: the address it recorded", proxies, "127.0.0.1:4000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"a client's forged entries left of the real one are ignored", proxies, "127.0.0.1:4000", []string{"1.1.1.1, 198.51.100.1"}, "198.51.100.1"},
		{"several trusted hops are skipped", proxies, "127.0.0.1:4000", []string{"198.51.100.1, 10.1.2.3", "10.9.9.9"}, "198.51.100.1"},
		{"trusted proxy without a header: the proxy", proxies, "127.0.0.1:4000", nil, "127.0.0.1"},
		{"garbage stops at the last good hop", proxies, "127.0.0.1:4000", []string{"198.51.100.1, nonsense, 10.1.2.3"}, "10.1.2.3"},
		{"IPv4-mapped addresses are unmapped", proxies, "[::ffff:127.0.0.1]:4000", []string{"::ffff:198.51.100.7"}, "198.51.100.7"},
		{"IPv6 client", proxies, "10.0.0.2:80", []string{"2001:db8::1"}, "2001:db8::1"},
	} {
		req, _ := http.NewRequest("GET", "/", nil)
		req.RemoteAddr = tt.remote
		for _, v := range tt.xff {
			req.Header.Add("X-Forwarded-For", v)
		}
		if got := tt.r.Of(req); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
