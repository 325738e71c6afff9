package webhook

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestClassifyResponse(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		resp Response
		want Outcome
	}{
		{"200 delivered", Response{Status: 200}, Outcome{Delivered: true, Reason: "HTTP 200"}},
		{"204 delivered", Response{Status: 204}, Outcome{Delivered: true, Reason: "HTTP 204"}},
		{"301 is a failure, not followed", Response{Status: 301, Location: "https://elsewhere.example/"},
			Outcome{Retry: true, Reason: "HTTP 301: redirect not followed (Location: https://elsewhere.example/)"}},
		{"304 without Location", Response{Status: 304}, Outcome{Retry: true, Reason: "HTTP 304: redirect not followed"}},
		{"a long Location is cut", Response{Status: 302, Location: "https://x.example/" + strings.Repeat("a", 300)},
			Outcome{Retry: true, Reason: "HTTP 302: redirect not followed (Location: https://x.example/" + strings.Repeat("a", 200-18) + "…)"}},
		{"400 retried", Response{Status: 400}, Outcome{Retry: true, Reason: "HTTP 400"}},
		{"410 disables the endpoint", Response{Status: 410},
			Outcome{DisableEndpoint: true, Reason: "HTTP 410: the receiver asked to stop; endpoint disabled"}},
		{"429 with Retry-After seconds", Response{Status: 429, RetryAfter: "120"},
			Outcome{Retry: true, RetryAfter: 2 * time.Minute, Reason: "HTTP 429, Retry-After 2m0s"}},
		{"Retry-After seconds with spaces", Response{Status: 429, RetryAfter: " 60 "},
			Outcome{Retry: true, RetryAfter: time.Minute, Reason: "HTTP 429, Retry-After 1m0s"}},
		{"429 with Retry-After date, measured from Date",
			Response{Status: 429, Date: "Thu, 01 Jan 2026 11:00:00 GMT", RetryAfter: "Thu, 01 Jan 2026 11:30:00 GMT"},
			Outcome{Retry: true, RetryAfter: 30 * time.Minute, Reason: "HTTP 429, Retry-After 30m0s"}},
		{"Retry-After in the obsolete RFC 850 form", Response{Status: 503, RetryAfter: "Thursday, 01-Jan-26 12:10:00 GMT"},
			Outcome{Retry: true, RetryAfter: 10 * time.Minute, Reason: "HTTP 503, Retry-After 10m0s"}},
		{"Retry-After in asctime form", Response{Status: 503, RetryAfter: "Thu Jan  1 12:01:00 2026"},
			Outcome{Retry: true, RetryAfter: time.Minute, Reason: "HTTP 503, Retry-After 1m0s"}},
		{"503 with Retry-After date and an unreadable Date, measured from now",
			Response{Status: 503, Date: "yesterday", RetryAfter: "Thu, 01 Jan 2026 12:05:00 GMT"},
			Outcome{Retry: true, RetryAfter: 5 * time.Minute, Reason: "HTTP 503, Retry-After 5m0s"}},
		{"503 with Retry-After in the past", Response{Status: 503, RetryAfter: "Thu, 01 Jan 2026 11:00:00 GMT"},
			Outcome{Retry: true, Reason: "HTTP 503, Retry-After 0s"}},
		{"503 with Retry-After beyond the cap", Response{Status: 503, RetryAfter: "99999999999999999"},
			Outcome{Retry: true, RetryAfter: 24 * time.Hour, Reason: "HTTP 503, Retry-After 24h0m0s"}},
		{"negative Retry-After ignored", Response{Status: 503, RetryAfter: "-5"}, Outcome{Retry: true, Reason: "HTTP 503"}},
		{"503 with unreadable Retry-After", Response{Status: 503, RetryAfter: "soon"}, Outcome{Retry: true, Reason: "HTTP 503"}},
		{"503 without Retry-After", Response{Status: 503}, Outcome{Retry: true, Reason: "HTTP 503"}},
		{"500 ignores Retry-After", Response{Status: 500, RetryAfter: "60"}, Outcome{Retry: true, Reason: "HTTP 500"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, ClassifyResponse(tc.resp, now)); diff != "" {
				t.Fatalf("ClassifyResponse (-want +got):\n%s", diff)
			}
		})
	}
}
