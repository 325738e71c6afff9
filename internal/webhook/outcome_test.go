package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func response(status int, header ...string) *http.Response {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return &http.Response{StatusCode: status, Header: h}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	dialErr := func(inner error) error {
		return &url.Error{Op: "Post", URL: "https://shop.example/hook", Err: &net.OpError{Op: "dial", Net: "tcp", Err: inner}}
	}
	for _, tc := range []struct {
		name string
		resp *http.Response
		err  error
		want Outcome
	}{
		{"200 delivered", response(200), nil, Outcome{Delivered: true, Reason: "HTTP 200"}},
		{"204 delivered", response(204), nil, Outcome{Delivered: true, Reason: "HTTP 204"}},
		{"301 is a failure, not followed", response(301, "Location", "https://elsewhere.example/"), nil,
			Outcome{Retry: true, Reason: "HTTP 301: redirect not followed (Location: https://elsewhere.example/)"}},
		{"304 without Location", response(304), nil, Outcome{Retry: true, Reason: "HTTP 304: redirect not followed"}},
		{"400 retried", response(400), nil, Outcome{Retry: true, Reason: "HTTP 400"}},
		{"410 disables the endpoint", response(410), nil,
			Outcome{DisableEndpoint: true, Reason: "HTTP 410: the receiver asked to stop; endpoint disabled"}},
		{"429 with Retry-After seconds", response(429, "Retry-After", "120"), nil,
			Outcome{Retry: true, RetryAfter: 2 * time.Minute, Reason: "HTTP 429, Retry-After 2m0s"}},
		{"429 with Retry-After date, measured from Date", response(429,
			"Date", "Thu, 01 Jan 2026 11:00:00 GMT", "Retry-After", "Thu, 01 Jan 2026 11:30:00 GMT"), nil,
			Outcome{Retry: true, RetryAfter: 30 * time.Minute, Reason: "HTTP 429, Retry-After 30m0s"}},
		{"503 with Retry-After date, measured from the clock", response(503, "Retry-After", "Thu, 01 Jan 2026 12:05:00 GMT"),
			nil, Outcome{Retry: true, RetryAfter: 5 * time.Minute, Reason: "HTTP 503, Retry-After 5m0s"}},
		{"503 with Retry-After in the past", response(503, "Retry-After", "Thu, 01 Jan 2026 11:00:00 GMT"), nil,
			Outcome{Retry: true, Reason: "HTTP 503, Retry-After 0s"}},
		{"503 with Retry-After beyond the cap", response(503, "Retry-After", "99999999999999999"), nil,
			Outcome{Retry: true, RetryAfter: 24 * time.Hour, Reason: "HTTP 503, Retry-After 24h0m0s"}},
		{"503 with unreadable Retry-After", response(503, "Retry-After", "soon"), nil,
			Outcome{Retry: true, Reason: "HTTP 503"}},
		{"503 without Retry-After", response(503), nil, Outcome{Retry: true, Reason: "HTTP 503"}},
		{"500 ignores Retry-After", response(500, "Retry-After", "60"), nil, Outcome{Retry: true, Reason: "HTTP 500"}},
		{"timeout", nil, &url.Error{Op: "Post", URL: "https://shop.example/hook", Err: context.DeadlineExceeded},
			Outcome{Retry: true, Reason: "timeout: context deadline exceeded"}},
		{"connection refused", nil, dialErr(syscall.ECONNREFUSED),
			Outcome{Retry: true, Reason: "connection refused: dial tcp: connection refused"}},
		{"DNS failure", nil, dialErr(&net.DNSError{Err: "no such host", Name: "nope.example", IsNotFound: true}),
			Outcome{Retry: true, Reason: "DNS lookup failed: dial tcp: lookup nope.example: no such host"}},
		{"SSRF refusal", nil, dialErr(fmt.Errorf("%w: prohibited IP address: 10.0.0.1", ErrForbiddenAddress)),
			Outcome{Retry: true, Reason: "dial tcp: webhook: address forbidden by the SSRF policy: prohibited IP address: 10.0.0.1"}},
		{"other transport error", nil, errors.New("boom"), Outcome{Retry: true, Reason: "connection error: boom"}},
		{"neither response nor error", nil, nil, Outcome{Retry: true, Reason: "no response"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := classifyAt(tc.resp, tc.err, func() time.Time { return now })
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("Classify (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", ExcerptLimit-1) + "é" // the 2-byte rune straddles the limit
	for _, tc := range []struct{ name, body, want string }{
		{"short text", `{"ok":true}`, `{"ok":true}`},
		{"empty", "", ""},
		{"cut at 4 KB", strings.Repeat("x", 10000), strings.Repeat("x", ExcerptLimit)},
		{"rune cut at the limit is replaced", long, strings.Repeat("a", ExcerptLimit-1) + "\uFFFD"},
		{"invalid UTF-8 replaced", "ok\xff\xfeok", "ok\uFFFDok"},
		{"NUL replaced", "a\x00b", "a\uFFFDb"},
	} {
		if got := Excerpt(strings.NewReader(tc.body)); got != tc.want {
			t.Errorf("%s: Excerpt = %q (len %d); want len %d", tc.name, got[:min(len(got), 40)], len(got), len(tc.want))
		}
	}
	if got := Excerpt(nil); got != "" {
		t.Errorf("Excerpt(nil) = %q", got)
	}
}
