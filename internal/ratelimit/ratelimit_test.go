package ratelimit

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var (
	perSecond = []Rule{{Limit: 20, Period: time.Second}}
	payments  = []Rule{{Limit: 20, Period: time.Second}, {Limit: 100, Period: time.Hour}}
)

// clock is a fake clock. Tests advance it only while no Allow runs concurrently.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

type bundle struct {
	limiter *Limiter
	clock   *clock
}

func setup(t *testing.T, maxKeys int) bundle {
	t.Helper()
	c := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	return bundle{limiter: New(maxKeys, c.now), clock: c}
}

// allowN calls Allow n times and returns how many were allowed and the last decision.
func allowN(l *Limiter, key string, rules []Rule, n int) (allowed int, last Decision) {
	for range n {
		last = l.Allow(key, rules)
		if last.Allowed {
			allowed++
		}
	}
	return allowed, last
}

func TestAllowAdmitsLimitAtOneInstantThenDenies(t *testing.T) {
	t.Parallel()
	b := setup(t, 10)

	for i := range 20 {
		got := b.limiter.Allow("m1", perSecond)
		want := Decision{Allowed: true, Limit: 20, Remaining: 19 - i, Reset: time.Duration(i+1) * 50 * time.Millisecond, Policy: "20;w=1"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("request %d (-want +got):\n%s", i+1, diff)
		}
	}
	got := b.limiter.Allow("m1", perSecond)
	want := Decision{Allowed: false, Limit: 20, Remaining: 0, Reset: time.Second, RetryAfter: 50 * time.Millisecond, Policy: "20;w=1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request 21 (-want +got):\n%s", diff)
	}
	h := http.Header{}
	got.SetHeaders(h)
	if ra := h.Get("Retry-After"); ra != "1" {
		t.Errorf("Retry-After = %q, want %q", ra, "1")
	}
}

func TestTokensRefillAsClockAdvances(t *testing.T) {
	t.Parallel()
	b := setup(t, 10)
	_, denied := allowN(b.limiter, "m1", perSecond, 21)

	b.clock.advance(denied.RetryAfter)
	if got := b.limiter.Allow("m1", perSecond); !got.Allowed || got.Remaining != 0 {
		t.Errorf("after waiting RetryAfter: %+v, want allowed with 0 remaining", got)
	}
	if got := b.limiter.Allow("m1", perSecond); got.Allowed {
		t.Errorf("second request after one token refilled: %+v, want denied", got)
	}

	b.clock.advance(10 * time.Second) // far past full: the bucket holds Limit tokens, not more
	if allowed, _ := allowN(b.limiter, "m1", perSecond, 30); allowed != 20 {
		t.Errorf("after the bucket refilled: %d of 30 allowed, want 20", allowed)
	}

	b.clock.advance(250 * time.Millisecond)
	if allowed, _ := allowN(b.limiter, "m1", perSecond, 30); allowed != 5 {
		t.Errorf("250 ms after emptying a 20/s bucket: %d allowed, want 5", allowed)
	}
}

func TestHourRuleDeniesAfterItsLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, 10)

	allowed := 0
	for s := range 5 {
		if s > 0 {
			b.clock.advance(time.Second)
		}
		n, _ := allowN(b.limiter, "m1", payments, 20)
		allowed += n
	}
	if allowed != 100 {
		t.Fatalf("first 100 requests at 20/s: %d allowed", allowed)
	}

	b.clock.advance(time.Second)
	got := b.limiter.Allow("m1", payments)
	// 5 s have refilled 5/36 of a token of the 100/h rule, which is empty: the next token is 31 s away.
	want := Decision{Allowed: false, Limit: 100, Remaining: 0, Reset: time.Hour - 5*time.Second, RetryAfter: 31 * time.Second, Policy: "20;w=1, 100;w=3600"}
	if diff := cmp.Diff(want, got, approxDuration(time.Millisecond)); diff != "" {
		t.Errorf("request 101 (-want +got):\n%s", diff)
	}
	h := http.Header{}
	got.SetHeaders(h)
	wantHeaders := http.Header{
		"Ratelimit-Limit":     {"100"},
		"Ratelimit-Remaining": {"0"},
		"Ratelimit-Reset":     {"3595"},
		"Ratelimit-Policy":    {"20;w=1, 100;w=3600"},
		"Retry-After":         {"31"},
	}
	if diff := cmp.Diff(wantHeaders, h); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}

	b.clock.advance(got.RetryAfter)
	if got := b.limiter.Allow("m1", payments); !got.Allowed {
		t.Errorf("after waiting RetryAfter: %+v, want allowed", got)
	}
}

func TestWaitingRetryAfterIsEnough(t *testing.T) {
	t.Parallel()
	// Rates that are not whole nanoseconds per token, or not exact as floats, must still give durations that
	// render as the exact seconds and let a client that waits exactly RetryAfter through.
	for _, rule := range []Rule{
		{Limit: 3, Period: time.Second},
		{Limit: 7, Period: time.Minute},
		{Limit: 100, Period: time.Hour},
		{Limit: 10000, Period: time.Hour},
		{Limit: 1, Period: 24 * time.Hour},
	} {
		b := setup(t, 1)
		rules := []Rule{rule}
		allowed, denied := allowN(b.limiter, "k", rules, rule.Limit+1)
		if allowed != rule.Limit {
			t.Errorf("%v: %d allowed at one instant, want %d", rule, allowed, rule.Limit)
		}
		h := http.Header{}
		denied.SetHeaders(h)
		wantReset, wantRetry := strconv.Itoa(int(rule.Period/time.Second)), strconv.Itoa(max(int((rule.Period/time.Duration(rule.Limit)+time.Second-1)/time.Second), 1))
		if got := h.Get("RateLimit-Reset"); got != wantReset {
			t.Errorf("%v: RateLimit-Reset %q, want %q", rule, got, wantReset)
		}
		if got := h.Get("Retry-After"); got != wantRetry {
			t.Errorf("%v: Retry-After %q, want %q", rule, got, wantRetry)
		}

		rng := rand.New(rand.NewPCG(1, uint64(rule.Limit)))
		for i := range 200 {
			// Wait part of the way first, so that the token counts take all sorts of fractional values.
			b.clock.advance(time.Duration(rng.Int64N(int64(denied.RetryAfter))))
			if d := b.limiter.Allow("k", rules); d.Allowed {
				t.Fatalf("%v, round %d: allowed before RetryAfter", rule, i)
			} else {
				denied = d
			}
			b.clock.advance(denied.RetryAfter)
			if d := b.limiter.Allow("k", rules); !d.Allowed {
				t.Fatalf("%v, round %d: denied after waiting RetryAfter: %+v", rule, i, d)
			}
			if denied = b.limiter.Allow("k", rules); denied.Allowed {
				t.Fatalf("%v, round %d: a second request allowed after one token refilled", rule, i)
			}
		}
	}
}

func TestDeniedRequestTakesNoTokenFromOtherRules(t *testing.T) {
	t.Parallel()
	b := setup(t, 10)
	// The hourly rule comes first, so that taking tokens rule by rule and stopping at the first refusal would leak.
	rules := []Rule{{Limit: 5, Period: time.Hour}, {Limit: 2, Period: time.Second}}

	// The per-second rule allows 2 and denies 10: if the denials took tokens from the hourly rule, it would be empty.
	if allowed, _ := allowN(b.limiter, "m1", rules, 12); allowed != 2 {
		t.Fatalf("first instant: %d allowed, want 2", allowed)
	}
	b.clock.advance(time.Second)
	if allowed, _ := allowN(b.limiter, "m1", rules, 2); allowed != 2 {
		t.Fatalf("second instant: %d allowed, want 2", allowed)
	}
	b.clock.advance(time.Second)
	allowed, last := allowN(b.limiter, "m1", rules, 1)
	if allowed != 1 || last.Limit != 5 || last.Remaining != 0 {
		t.Errorf("fifth request: %+v, want allowed with the hourly rule empty", last)
	}
}

func TestSetHeaders(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		decision Decision
		want     http.Header
	}{{
		name:     "allowed",
		decision: Decision{Allowed: true, Limit: 20, Remaining: 7, Reset: 650 * time.Millisecond, Policy: "20;w=1, 10000;w=3600"},
		want: http.Header{
			"Ratelimit-Limit":     {"20"},
			"Ratelimit-Remaining": {"7"},
			"Ratelimit-Reset":     {"1"},
			"Ratelimit-Policy":    {"20;w=1, 10000;w=3600"},
		},
	}, {
		name:     "allowed with a full bucket",
		decision: Decision{Allowed: true, Limit: 100, Remaining: 100, Policy: "100;w=1"},
		want: http.Header{
			"Ratelimit-Limit":     {"100"},
			"Ratelimit-Remaining": {"100"},
			"Ratelimit-Reset":     {"0"},
			"Ratelimit-Policy":    {"100;w=1"},
		},
	}, {
		name:     "denied, retry in under a second",
		decision: Decision{Limit: 20, Reset: time.Second, RetryAfter: 50 * time.Millisecond, Policy: "20;w=1"},
		want: http.Header{
			"Ratelimit-Limit":     {"20"},
			"Ratelimit-Remaining": {"0"},
			"Ratelimit-Reset":     {"1"},
			"Ratelimit-Policy":    {"20;w=1"},
			"Retry-After":         {"1"},
		},
	}, {
		name:     "denied, whole seconds stay as they are",
		decision: Decision{Limit: 10000, Reset: time.Hour, RetryAfter: 360 * time.Second, Policy: "10000;w=3600"},
		want: http.Header{
			"Ratelimit-Limit":     {"10000"},
			"Ratelimit-Remaining": {"0"},
			"Ratelimit-Reset":     {"3600"},
			"Ratelimit-Policy":    {"10000;w=3600"},
			"Retry-After":         {"360"},
		},
	}, {
		name:     "denied, a nanosecond over rounds up",
		decision: Decision{Limit: 50, Reset: 2*time.Second + 1, RetryAfter: 2*time.Second + 1, Policy: "50;w=1"},
		want: http.Header{
			"Ratelimit-Limit":     {"50"},
			"Ratelimit-Remaining": {"0"},
			"Ratelimit-Reset":     {"3"},
			"Ratelimit-Policy":    {"50;w=1"},
			"Retry-After":         {"3"},
		},
	}, {
		name:     "no rules",
		decision: Decision{Allowed: true},
		want:     http.Header{},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := http.Header{}
			tc.decision.SetHeaders(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPolicyRendersEveryRule(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rules []Rule
		want  string
	}{
		{perSecond, "20;w=1"},
		{payments, "20;w=1, 100;w=3600"},
		{[]Rule{{Limit: 10, Period: 500 * time.Millisecond}, {Limit: 10000, Period: 24 * time.Hour}}, "10;w=1, 10000;w=86400"},
		{[]Rule{{Limit: 3, Period: 1500 * time.Millisecond}}, "3;w=2"},
	} {
		if got := New(1, nil).Allow("k", tc.rules).Policy; got != tc.want {
			t.Errorf("Policy for %v = %q, want %q", tc.rules, got, tc.want)
		}
	}
}

func TestKeysAreIndependent(t *testing.T) {
	t.Parallel()
	b := setup(t, 10)
	allowN(b.limiter, "merchant-a", perSecond, 25)

	if got := b.limiter.Allow("merchant-b", perSecond); !got.Allowed || got.Remaining != 19 {
		t.Errorf("another key after the first was drained: %+v, want allowed with 19 remaining", got)
	}
	if got := b.limiter.Allow("merchant-a", perSecond); got.Allowed {
		t.Errorf("the drained key: %+v, want denied", got)
	}
}

func TestLRUBoundsMemory(t *testing.T) {
	t.Parallel()
	b := setup(t, 2)
	allowN(b.limiter, "a", perSecond, 20)
	allowN(b.limiter, "b", perSecond, 20)
	allowN(b.limiter, "c", perSecond, 20) // evicts a, the least recently used

	if n, m := b.limiter.recent.Len(), len(b.limiter.keys); n != 2 || m != 2 {
		t.Fatalf("remembered keys: list %d, map %d, want 2", n, m)
	}
	if got := b.limiter.Allow("b", perSecond); got.Allowed {
		t.Errorf("b, still remembered: %+v, want denied", got)
	}
	// a was evicted, so it starts full; remembering it again evicts c, since b was just used.
	if got := b.limiter.Allow("a", perSecond); !got.Allowed || got.Remaining != 19 {
		t.Errorf("a, evicted: %+v, want allowed with 19 remaining", got)
	}
	if got := b.limiter.Allow("b", perSecond); got.Allowed {
		t.Errorf("b, used more recently than c: %+v, want denied (still remembered)", got)
	}
	if got := b.limiter.Allow("c", perSecond); !got.Allowed || got.Remaining != 19 {
		t.Errorf("c, evicted: %+v, want allowed with 19 remaining", got)
	}
}

func TestRuleChangeRebuildsBuckets(t *testing.T) {
	t.Parallel()
	b := setup(t, 10)
	allowN(b.limiter, "m1", perSecond, 20)

	raised := []Rule{{Limit: 40, Period: time.Second}}
	got := b.limiter.Allow("m1", raised)
	want := Decision{Allowed: true, Limit: 40, Remaining: 39, Reset: 25 * time.Millisecond, Policy: "40;w=1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after raising the limit (-want +got):\n%s", diff)
	}
	if allowed, _ := allowN(b.limiter, "m1", raised, 50); allowed != 39 {
		t.Errorf("raised limit: %d more allowed, want 39", allowed)
	}

	// The caller's slice is copied: changing it in place is a rule change, seen on the next call.
	raised[0].Limit = 5
	if got := b.limiter.Allow("m1", raised); !got.Allowed || got.Limit != 5 || got.Remaining != 4 {
		t.Errorf("after changing the rules in place: %+v, want allowed, limit 5, 4 remaining", got)
	}
}

func TestConcurrentAllowAdmitsExactlyLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, 10)
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			n, _ := allowN(b.limiter, "m1", perSecond, 10)
			allowed.Add(int64(n))
		})
	}
	wg.Wait()
	if got := allowed.Load(); got != 20 {
		t.Errorf("50 goroutines × 10 requests at one instant: %d allowed, want 20", got)
	}
}

func TestClockSteppingBackRefillsNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, 10)
	allowN(b.limiter, "m1", perSecond, 19)
	b.clock.advance(-time.Minute)
	if got := b.limiter.Allow("m1", perSecond); !got.Allowed || got.Remaining != 0 {
		t.Fatalf("last token, clock a minute back: %+v, want allowed with 0 remaining", got)
	}
	b.clock.advance(time.Minute + 50*time.Millisecond)
	if allowed, _ := allowN(b.limiter, "m1", perSecond, 5); allowed != 1 {
		t.Errorf("50 ms after emptying, with the clock stepping back in between: %d allowed, want 1", allowed)
	}
}

func TestInvalidArgumentsPanic(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]func(){
		"maxKeys 0": func() { New(0, nil) },
		"limit 0":   func() { New(1, nil).Allow("k", []Rule{{Limit: 0, Period: time.Second}}) },
		"period 0":  func() { New(1, nil).Allow("k", []Rule{{Limit: 1}}) },
		"negative": func() {
			New(1, nil).Allow("k", []Rule{{Limit: 20, Period: time.Second}, {Limit: -1, Period: time.Hour}})
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestNoRulesAllowsEverything(t *testing.T) {
	t.Parallel()
	b := setup(t, 1)
	if diff := cmp.Diff(Decision{Allowed: true}, b.limiter.Allow("k", nil)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if n := b.limiter.recent.Len(); n != 0 {
		t.Errorf("remembered %d keys for no rules, want 0", n)
	}
}

// approxDuration compares durations to within margin, for results that go through float token counts.
func approxDuration(margin time.Duration) cmp.Option {
	return cmp.Comparer(func(x, y time.Duration) bool { return (x - y).Abs() <= margin })
}

func BenchmarkAllow(b *testing.B) {
	for _, keys := range []int{1, 1000} {
		b.Run(fmt.Sprintf("keys=%d", keys), func(b *testing.B) {
			names := make([]string, keys)
			for i := range names {
				names[i] = fmt.Sprintf("merchant-%d", i)
			}
			l := New(keys, nil)
			var next atomic.Uint64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					l.Allow(names[next.Add(1)%uint64(keys)], payments)
				}
			})
		})
	}
}
