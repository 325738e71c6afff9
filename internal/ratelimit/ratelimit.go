// Package ratelimit enforces Kassa's request rate limits in this process (docs/architecture.md §6): per merchant,
// payment operations 20/s and 10,000/h, reads 100/s; public endpoints 50/s per IP; each configurable per merchant.
//
// Every key (a merchant and an operation class, or a client IP) has one token bucket per Rule, each a
// golang.org/x/time/rate.Limiter with burst equal to the rule's Limit. A request must take a token from every bucket of
// its key or from none: Allow first reads each bucket's tokens with TokensAt and only then takes them with ReserveN,
// all under the Limiter's one mutex, so no Reservation ever needs cancelling. Token counts are floats, which is fine
// here (nothing in this package is money) once rounding is kept out of the answers: see slack.
//
// Keys live in a least-recently-used cache of bounded size so that an attacker cycling IP addresses cannot exhaust
// memory. The price is that an evicted key comes back with full buckets: size the cache above the number of keys active
// within the longest rule's period.
//
// The limits hold per process. Several instances sharing a database each enforce their own buckets.
package ratelimit

import (
	"container/list"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rule is one window: Limit requests per Period (e.g. 20 per second, 10000 per hour). Burst equals Limit: a full
// bucket admits Limit requests at once, then one more every Period/Limit.
type Rule struct {
	// Limit is the number of requests the window admits, and the bucket's size; it must be positive.
	Limit int
	// Period is the window's length; it must be positive. The RateLimit-Policy header shows it in whole seconds.
	Period time.Duration
}

// slack absorbs float rounding in token counts: x/time/rate refills at Limit/Period tokens per second, a float, so a
// bucket that should hold exactly 1 token may hold 0.9999999999999998 or 1.0000000000000002. A count within slack
// below a whole number counts as that number, and the durations until a token (or a full bucket) aim slack/2 short
// of it. Without that, waiting exactly RetryAfter could still be refused, and a Retry-After of 31 s could render as
// 32. The cost is at most a billionth of a token admitted early per request.
const slack = 1e-9

// whole returns the whole tokens in a bucket holding tokens, never below 0.
func whole(tokens float64) int {
	return max(int(math.Floor(tokens+slack)), 0)
}

// refillTime is how long r takes to refill the given number of tokens (less slack/2), rounded up to the nanosecond.
// It multiplies before dividing so that whole token counts give exact durations (100 tokens of 100/h: 1 h).
func (r Rule) refillTime(tokens float64) time.Duration {
	tokens -= slack / 2
	if tokens <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(tokens * float64(r.Period) / float64(r.Limit)))
}

// Limiter holds one token bucket per (key, rule set), bounded by an LRU of maxKeys entries so an attacker cycling
// IPs cannot exhaust memory. Safe for concurrent use.
type Limiter struct {
	maxKeys int
	now     func() time.Time

	mu     sync.Mutex
	keys   map[string]*list.Element // values are *entry
	recent *list.List               // most recently used at the front
}

// entry is one key's buckets. All its fields are guarded by Limiter.mu.
type entry struct {
	key     string
	rules   []Rule
	buckets []*rate.Limiter // buckets[i] enforces rules[i]
	tokens  []float64       // scratch space for Allow, to keep it allocation-free
	policy  string
	last    time.Time // latest time seen, so that a clock stepping back cannot refill a bucket twice
}

// New returns a Limiter that remembers at most maxKeys keys and reads the time from now (time.Now when nil; tests
// inject a fake clock). It panics if maxKeys is not positive.
func New(maxKeys int, now func() time.Time) *Limiter {
	if maxKeys < 1 {
		panic(fmt.Sprintf("ratelimit: maxKeys must be positive, got %d", maxKeys))
	}
	if now == nil {
		now = time.Now
	}
	return &Limiter{
		maxKeys: maxKeys,
		now:     now,
		keys:    make(map[string]*list.Element),
		recent:  list.New(),
	}
}

// Allow takes one token from every rule of the key atomically: if any rule lacks a token, none is taken and the
// decision is not allowed.
// The rules for a key may change between calls (a merchant's configured limits changed): then its buckets are rebuilt
// with the new rules, full. Callers give each rule set its own key (say "reads:" + merchantID).
// With no rules every request is allowed and the Decision carries no limit. Allow panics if a rule's Limit or Period
// is not positive: configuration validation must reject those before they get here.
func (l *Limiter) Allow(key string, rules []Rule) Decision {
	if len(rules) == 0 {
		return Decision{Allowed: true}
	}
	for _, r := range rules {
		if r.Limit <= 0 || r.Period <= 0 {
			panic(fmt.Sprintf("ratelimit: invalid rule %+v for key %q: Limit and Period must be positive", r, key))
		}
	}
	now := l.now()

	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.lookup(key, rules)
	if now.Before(e.last) {
		now = e.last
	}
	e.last = now

	d := Decision{Allowed: true, Policy: e.policy}
	for i, b := range e.buckets {
		e.tokens[i] = b.TokensAt(now)
		if whole(e.tokens[i]) < 1 {
			d.Allowed = false
			d.RetryAfter = max(d.RetryAfter, e.rules[i].refillTime(1-e.tokens[i]))
		}
	}
	if d.Allowed {
		for i, b := range e.buckets {
			// ReserveN rather than AllowN: a bucket within slack of 1 token lends the difference instead of refusing.
			// It never refuses one token (Limit >= 1), and l.mu keeps every other caller out of this entry.
			b.ReserveN(now, 1)
			e.tokens[i]--
		}
	}

	// Report the tightest rule: the fewest whole tokens left relative to its limit, then the longest to refill.
	// When denied, the rules that denied have 0 left and the others at least 1, so one of the former is reported.
	for i, r := range e.rules {
		remaining := whole(e.tokens[i])
		reset := r.refillTime(float64(r.Limit) - e.tokens[i])
		if i > 0 {
			ratio, current := float64(remaining)/float64(r.Limit), float64(d.Remaining)/float64(d.Limit)
			if ratio > current || ratio == current && reset <= d.Reset {
				continue
			}
		}
		d.Limit, d.Remaining, d.Reset = r.Limit, remaining, reset
	}
	return d
}

// lookup returns key's entry for rules, marking it most recently used; it creates the entry, evicting the least
// recently used one beyond maxKeys, or rebuilds it if the rules changed. l.mu must be held.
func (l *Limiter) lookup(key string, rules []Rule) *entry {
	if el, ok := l.keys[key]; ok {
		l.recent.MoveToFront(el)
		e := el.Value.(*entry)
		if !slices.Equal(e.rules, rules) {
			e.rebuild(rules)
		}
		return e
	}
	e := &entry{key: key}
	e.rebuild(rules)
	l.keys[key] = l.recent.PushFront(e)
	if l.recent.Len() > l.maxKeys {
		oldest := l.recent.Remove(l.recent.Back()).(*entry)
		delete(l.keys, oldest.key)
	}
	return e
}

// rebuild gives e full buckets for rules.
func (e *entry) rebuild(rules []Rule) {
	e.rules = slices.Clone(rules)
	e.buckets = make([]*rate.Limiter, len(rules))
	for i, r := range rules {
		e.buckets[i] = rate.NewLimiter(rate.Limit(float64(r.Limit)/r.Period.Seconds()), r.Limit)
	}
	e.tokens = make([]float64, len(rules))
	e.policy = policy(rules)
}
