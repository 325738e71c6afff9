package api_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/kassapay/kassa/internal/api"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// TestTrustedProxies: behind a trusted reverse proxy, per-IP limits (and the fraud rules, which read the same
// address) see each customer's address from X-Forwarded-For; an untrusted peer cannot choose its address by sending
// the header.
func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	limits := api.RateLimits{WritePerSecond: 100, WritePerHour: 1000, ReadPerSecond: 100, PublicPerSecond: 2}
	publicGet := func(e *kassatest.Env, forwardedFor string) int {
		return e.Do(kassatest.Request{Method: "GET", Path: "/api/public/merchant", Key: e.PublishableKey,
			Headers: map[string]string{"X-Forwarded-For": forwardedFor}}).Status
	}
	b := storetest.Backends()[0]
	behindProxy := kassatest.Setup(t, b, kassatest.Options{RateLimits: limits,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}})
	for i := range 6 {
		if st := publicGet(behindProxy, fmt.Sprintf("198.51.100.%d", i+1)); st != 200 {
			t.Errorf("customer %d behind the proxy: %d, want 200 (each has its own budget)", i+1, st)
		}
	}
	statuses := []int{publicGet(behindProxy, "198.51.100.50"), publicGet(behindProxy, "198.51.100.50"), publicGet(behindProxy, "198.51.100.50")}
	if statuses[2] != 429 {
		t.Errorf("one customer behind the proxy, three requests: %v, want the third limited", statuses)
	}

	direct := kassatest.Setup(t, b, kassatest.Options{RateLimits: limits})
	var limited bool
	for i := range 6 {
		if publicGet(direct, fmt.Sprintf("198.51.100.%d", i+1)) == 429 {
			limited = true
		}
	}
	if !limited {
		t.Error("without a trusted proxy, X-Forwarded-For changed the caller's address")
	}
}
