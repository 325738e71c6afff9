package ratelimit

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Decision tells the caller whether to serve the request and what to put in the response headers.
type Decision struct {
	// Allowed reports whether the request may be served; when false, answer 429.
	Allowed bool
	// Limit is the Limit of the tightest rule (the one with the fewest remaining tokens, relative to its limit).
	Limit int
	// Remaining is the number of whole tokens left in that rule after this request (>= 0).
	Remaining int
	// Reset is the time until that rule is full again (rounded up to whole seconds when rendered).
	Reset time.Duration
	// RetryAfter, when !Allowed, is how long to wait before retrying (> 0): then every rule has a token again,
	// unless other requests took them meanwhile.
	RetryAfter time.Duration
	// Policy describes every rule of the key for the RateLimit-Policy header, e.g. `20;w=1, 10000;w=3600`.
	Policy string
}

// SetHeaders writes RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset (seconds, integer, >= 0), RateLimit-Policy
// and, when not allowed, Retry-After (seconds, integer, >= 1). A Decision without a limit (no rules applied) writes
// no RateLimit-* header.
func (d Decision) SetHeaders(h http.Header) {
	if d.Limit > 0 {
		h.Set("RateLimit-Limit", strconv.Itoa(d.Limit))
		h.Set("RateLimit-Remaining", strconv.Itoa(max(d.Remaining, 0)))
		h.Set("RateLimit-Reset", strconv.FormatInt(ceilSeconds(d.Reset), 10))
		h.Set("RateLimit-Policy", d.Policy)
	}
	if !d.Allowed {
		h.Set("Retry-After", strconv.FormatInt(max(ceilSeconds(d.RetryAfter), 1), 10))
	}
}

// ceilSeconds rounds d up to whole seconds, and negative durations to 0: a client waiting the rendered number of
// seconds never comes back too early.
func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	s := int64(d / time.Second)
	if d%time.Second != 0 {
		s++
	}
	return s
}

// policy renders rules as the RateLimit-Policy header value: `limit;w=seconds` per rule, comma-separated. The header
// counts windows in whole seconds, so a sub-second or fractional Period is rounded up (a conservative hint).
func policy(rules []Rule) string {
	var b strings.Builder
	for i, r := range rules {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(r.Limit))
		b.WriteString(";w=")
		b.WriteString(strconv.FormatInt(max(ceilSeconds(r.Period), 1), 10))
	}
	return b.String()
}
