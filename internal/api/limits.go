package api

import (
	"net/http"
	"time"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/ratelimit"
)

// allow applies the rate limits of docs/architecture.md §6: per merchant and mode, reads (GET) and writes (everything
// else, payment operations included) have separate budgets; public endpoints are limited per client IP. It writes the
// RateLimit-* headers and, when the budget is spent, the 429.
func (s *Server) allow(w http.ResponseWriter, r *http.Request, policy authPolicy, info *requestInfo) bool {
	def := s.opts.RateLimits
	var key string
	var rules []ratelimit.Rule
	switch {
	case policy == authPublishable || policy == authClientSecret || policy == authAdmin:
		key = "ip:" + s.opts.ClientIP.Of(r)
		rules = []ratelimit.Rule{{Limit: def.PublicPerSecond, Period: time.Second}}
	default:
		lim := info.Auth.Merchant.RateLimits.Or(merchant.RateLimits{
			WritePerSecond: def.WritePerSecond, WritePerHour: def.WritePerHour, ReadPerSecond: def.ReadPerSecond,
		})
		mode := "test"
		if info.Auth.Livemode() {
			mode = "live"
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			key = "m:" + info.Auth.Merchant.ID + ":" + mode + ":read"
			rules = []ratelimit.Rule{{Limit: lim.ReadPerSecond, Period: time.Second}}
		} else {
			key = "m:" + info.Auth.Merchant.ID + ":" + mode + ":write"
			rules = []ratelimit.Rule{{Limit: lim.WritePerSecond, Period: time.Second}, {Limit: lim.WritePerHour, Period: time.Hour}}
		}
	}
	active := rules[:0]
	for _, rule := range rules {
		if rule.Limit > 0 { // a limit of 0 switches that rule off
			active = append(active, rule)
		}
	}
	if len(active) == 0 {
		return true
	}
	d := s.limiter.Allow(key, active)
	d.SetHeaders(w.Header())
	if d.Allowed {
		return true
	}
	s.writeError(w, r, &gateway.Error{Kind: gateway.KindRateLimited, Code: "rate_limited",
		Message: "Too many requests: the limit is " + d.Policy + " (requests;w=window seconds). Retry after the Retry-After header's seconds."})
	return false
}
