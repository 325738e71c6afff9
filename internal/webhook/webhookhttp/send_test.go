package webhookhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/clients/go/kassawebhook"
	"github.com/kassapay/kassa/internal/webhook"
)

func response(status int, header ...string) *http.Response {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return &http.Response{StatusCode: status, Header: h}
}

// TestClassify: what webhook.ClassifyResponse decides from plain values is its own test's; this one shows that the
// headers it needs are read off the response and that every way of getting no answer is named.
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
		want webhook.Outcome
	}{
		{"200 delivered", response(200), nil, webhook.Outcome{Delivered: true, Reason: "HTTP 200"}},
		{"301 names its Location", response(301, "Location", "https://elsewhere.example/"), nil,
			webhook.Outcome{Retry: true, Reason: "HTTP 301: redirect not followed (Location: https://elsewhere.example/)"}},
		{"410 disables the endpoint", response(410), nil,
			webhook.Outcome{DisableEndpoint: true, Reason: "HTTP 410: the receiver asked to stop; endpoint disabled"}},
		{"429 with Retry-After seconds", response(429, "Retry-After", "120"), nil,
			webhook.Outcome{Retry: true, RetryAfter: 2 * time.Minute, Reason: "HTTP 429, Retry-After 2m0s"}},
		{"429 with Retry-After date, measured from Date", response(429,
			"Date", "Thu, 01 Jan 2026 11:00:00 GMT", "Retry-After", "Thu, 01 Jan 2026 11:30:00 GMT"), nil,
			webhook.Outcome{Retry: true, RetryAfter: 30 * time.Minute, Reason: "HTTP 429, Retry-After 30m0s"}},
		{"503 with Retry-After date, measured from the clock", response(503, "Retry-After", "Thu, 01 Jan 2026 12:05:00 GMT"),
			nil, webhook.Outcome{Retry: true, RetryAfter: 5 * time.Minute, Reason: "HTTP 503, Retry-After 5m0s"}},
		{"timeout", nil, &url.Error{Op: "Post", URL: "https://shop.example/hook", Err: context.DeadlineExceeded},
			webhook.Outcome{Retry: true, Reason: "timeout: context deadline exceeded"}},
		{"connection refused", nil, dialErr(syscall.ECONNREFUSED),
			webhook.Outcome{Retry: true, Reason: "connection refused: dial tcp: connection refused"}},
		{"DNS failure", nil, dialErr(&net.DNSError{Err: "no such host", Name: "nope.example", IsNotFound: true}),
			webhook.Outcome{Retry: true, Reason: "DNS lookup failed: dial tcp: lookup nope.example: no such host"}},
		{"SSRF refusal", nil, dialErr(fmt.Errorf("%w: prohibited IP address: 10.0.0.1", webhook.ErrForbiddenAddress)),
			webhook.Outcome{Retry: true, Reason: "dial tcp: webhook: address forbidden by the SSRF policy: prohibited IP address: 10.0.0.1"}},
		{"connection reset", nil, dialErr(syscall.ECONNRESET),
			webhook.Outcome{Retry: true, Reason: "connection closed by the receiver: dial tcp: connection reset by peer"}},
		{"other transport error", nil, errors.New("boom"), webhook.Outcome{Retry: true, Reason: "connection error: boom"}},
		{"neither response nor error", nil, nil, webhook.Outcome{Retry: true, Reason: "no response"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := classify(tc.resp, tc.err, now)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("classify (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", webhook.ExcerptLimit-1) + "é" // the 2-byte rune straddles the limit
	for _, tc := range []struct{ name, body, want string }{
		{"short text", `{"ok":true}`, `{"ok":true}`},
		{"empty", "", ""},
		{"cut at 4 KB", strings.Repeat("x", 10000), strings.Repeat("x", webhook.ExcerptLimit)},
		{"rune cut at the limit is replaced", long, strings.Repeat("a", webhook.ExcerptLimit-1) + "\uFFFD"},
		{"invalid UTF-8 replaced", "ok\xff\xfeok", "ok\uFFFDok"},
		{"NUL replaced", "a\x00b", "a\uFFFDb"},
	} {
		if got := excerpt(strings.NewReader(tc.body)); got != tc.want {
			t.Errorf("%s: excerpt = %q (len %d); want len %d", tc.name, got[:min(len(got), 40)], len(got), len(tc.want))
		}
	}
	if got := excerpt(nil); got != "" {
		t.Errorf("excerpt(nil) = %q", got)
	}
}

// received is what a test receiver saw of one request.
type received struct {
	method string
	header http.Header
	body   []byte
}

// receiver starts a loopback server that records each request and answers with status and body.
func receiver(t *testing.T, status int, body string) (*httptest.Server, <-chan received) {
	t.Helper()
	got := make(chan received, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- received{method: r.Method, header: r.Header.Clone(), body: b}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

// TestSendPostsTheSignedEvent: the receiver gets the body as is with docs/architecture.md §7's headers, and a stock
// verifier accepts the signature made at SignedAt.
func TestSendPostsTheSignedEvent(t *testing.T) {
	t.Parallel()
	srv, got := receiver(t, http.StatusNoContent, "")
	secret := webhook.NewSecret()
	signedAt := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	body := []byte(`{"id":"evt_1","object":"event","type":"test.ping"}`)

	res := Send(context.Background(), NewClient(loopback, time.Second), Request{
		URL: srv.URL + "/hook", EventID: "evt_1", APIVersion: "2026-01-01", Body: body, Secrets: []string{secret}, SignedAt: signedAt,
	})

	if diff := cmp.Diff(webhook.Outcome{Delivered: true, Reason: "HTTP 204"}, res.Outcome); diff != "" {
		t.Errorf("outcome (-want +got):\n%s", diff)
	}
	if res.Status != http.StatusNoContent || res.Duration <= 0 {
		t.Errorf("status %d, duration %s; want 204 and a measured duration", res.Status, res.Duration)
	}
	r := <-got
	if r.method != http.MethodPost || string(r.body) != string(body) {
		t.Fatalf("receiver got %s %q; want POST of the body as is", r.method, r.body)
	}
	for name, want := range map[string]string{
		"Content-Type": "application/json", webhook.HeaderAPIVersion: "2026-01-01", "User-Agent": "Kassa-Webhooks/1",
		webhook.HeaderEventID: "evt_1", webhook.HeaderTimestamp: "1772355600",
		webhook.HeaderWebhookID: "evt_1", webhook.HeaderWebhookTimestamp: "1772355600",
	} {
		if got := r.header.Get(name); got != want {
			t.Errorf("%s = %q; want %q", name, got, want)
		}
	}
	if err := kassawebhook.Verify(secret, r.header.Get(webhook.HeaderSignature), r.body, signedAt); err != nil {
		t.Errorf("Kassa-Signature does not verify: %v", err)
	}
	if r.header.Get(webhook.HeaderWebhookSignature) == "" {
		t.Error("no webhook-signature header")
	}
}

// TestSendRecordsTheAnswer: the status and at most 4 KB of the body are kept, and the status decides the outcome.
func TestSendRecordsTheAnswer(t *testing.T) {
	t.Parallel()
	srv, _ := receiver(t, http.StatusGone, strings.Repeat("g", 3*webhook.ExcerptLimit))
	res := Send(context.Background(), NewClient(loopback, time.Second), Request{URL: srv.URL, EventID: "evt_1", Body: []byte("{}")})
	if !res.Outcome.DisableEndpoint || res.Status != http.StatusGone {
		t.Errorf("outcome %+v, status %d; want the endpoint disabled on 410", res.Outcome, res.Status)
	}
	if res.Excerpt != strings.Repeat("g", webhook.ExcerptLimit) {
		t.Errorf("excerpt is %d bytes; want the first %d", len(res.Excerpt), webhook.ExcerptLimit)
	}
}

// TestSendThroughTheDefaultPolicyReachesNothingInternal: with nothing allowed, a loopback receiver is never reached
// and the attempt is retried with the SSRF refusal as its reason.
func TestSendThroughTheDefaultPolicyReachesNothingInternal(t *testing.T) {
	t.Parallel()
	srv, got := receiver(t, http.StatusOK, "")
	res := Send(context.Background(), NewClient(nil, time.Second), Request{URL: srv.URL, EventID: "evt_1", Body: []byte("{}")})
	if !res.Outcome.Retry || !strings.Contains(res.Outcome.Reason, "SSRF") || res.Status != 0 {
		t.Errorf("result %+v; want a retry naming the SSRF refusal and no status", res)
	}
	select {
	case r := <-got:
		t.Fatalf("the receiver got a %s request", r.method)
	default:
	}
}

func TestSendWithAnInvalidURLIsRetried(t *testing.T) {
	t.Parallel()
	res := Send(context.Background(), NewClient(nil, time.Second), Request{URL: "http://[::1", EventID: "evt_1"})
	if !res.Outcome.Retry || !strings.HasPrefix(res.Outcome.Reason, "invalid endpoint URL: ") {
		t.Errorf("outcome %+v; want a retry with an invalid-URL reason", res.Outcome)
	}
}
