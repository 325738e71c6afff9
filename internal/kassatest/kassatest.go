// Package kassatest starts a real Kassa HTTP server over a real store (SQLite, and PostgreSQL when configured) for
// tests, with a merchant and its keys, a controllable clock and a captured log.
package kassatest

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/kassapay/kassa/internal/api"
	"github.com/kassapay/kassa/internal/clientip"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/jobs"
	"github.com/kassapay/kassa/internal/logging"
	"github.com/kassapay/kassa/internal/mail"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/sealed"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/vault"
	"github.com/kassapay/kassa/internal/webhook"
)

// Clock is a settable clock; it only moves when told to.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// LogBuffer is a concurrency-safe log sink.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything logged so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Env is a running server with one merchant.
type Env struct {
	T       testing.TB
	Backend string
	Store   store.Store
	Gateway *gateway.Gateway
	Server  *api.Server
	HTTP    *httptest.Server
	Clock   *Clock
	Log     *LogBuffer
	// Merchant is a merchant with test keys.
	Merchant gateway.Credentials
	// SecretKey and PublishableKey are the merchant's test keys.
	SecretKey, PublishableKey string
}

// Options tune Setup.
type Options struct {
	// RateLimits default to generous values so that tests not about limits never hit them.
	RateLimits api.RateLimits
	// LiveMode makes live keys usable (a real master key is configured).
	LiveMode     bool
	MaxBodyBytes int64
	// WebhookSchedule overrides the delivery schedule (default docs/architecture.md §7's; tests drive it with Clock).
	WebhookSchedule webhook.Schedule
	// BlockLoopback leaves the webhook SSRF guard without its loopback allowance, as in production: loopback URLs
	// are refused at registration (url_not_allowed) and at every delivery. By default tests may register and deliver
	// to receivers on 127.0.0.1.
	BlockLoopback bool
	// AfterSend is passed to the gateway (fault injection between sending a delivery and recording it).
	AfterSend func(deliveryID string) error
	// Provider replaces the sandbox (tests wrap it to lose answers or count calls).
	Provider provider.Provider
	// TrustedProxies are reverse proxies whose X-Forwarded-For names the client (KASSA_TRUSTED_PROXIES).
	TrustedProxies []netip.Prefix
	// WebhookRootCAs are trusted by deliveries (a TLS receiver's, for live-mode endpoints).
	WebhookRootCAs *x509.CertPool
	// RoundTrips, when set, counts the round trips to PostgreSQL (store.Options.RoundTrips).
	RoundTrips *atomic.Int64
	// WrapStore wraps the store the gateway uses (tests count or fail chosen calls); Env.Store stays the real one.
	WrapStore func(store.Store) store.Store
	// Mail sends the wallet's codes (a mail.SMTP to a test's mailpit). Nil: no SMTP, as a zero-config instance.
	Mail mail.Sender
}

// MasterKey is the master key of every test Env.
var MasterKey = []byte("kassatest-master-key-32-bytes!!!")

// Start is the clock's initial reading in every Env.
var Start = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// Setup starts a server over a fresh store of the backend.
func Setup(t testing.TB, b storetest.Backend, opts Options) *Env {
	t.Helper()
	if opts.RateLimits == (api.RateLimits{}) {
		opts.RateLimits = api.RateLimits{WritePerSecond: 100_000, WritePerHour: 10_000_000, ReadPerSecond: 100_000, PublicPerSecond: 100_000}
	}
	e := &Env{T: t, Backend: b.Name, Clock: NewClock(Start), Log: &LogBuffer{}}
	e.Store = b.Open(t, store.Options{RoundTrips: opts.RoundTrips})
	logger := logging.New(e.Log, "json", nil)
	box, err := sealed.New(MasterKey, "webhook-secrets")
	if err != nil {
		t.Fatal(err)
	}
	responses, err := sealed.New(MasterKey, "idempotency-responses")
	if err != nil {
		t.Fatal(err)
	}
	credentials, err := sealed.New(MasterKey, "payment-profile-credentials")
	if err != nil {
		t.Fatal(err)
	}
	codes, err := sealed.New(MasterKey, "wallet-codes")
	if err != nil {
		t.Fatal(err)
	}
	if opts.Provider == nil {
		opts.Provider = sandbox.New(sandbox.Options{})
	}
	v, err := vault.New(MasterKey)
	if err != nil {
		t.Fatal(err)
	}
	allowed := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	if opts.BlockLoopback {
		allowed = nil
	}
	// Started first, so that links the gateway makes (checkout_url) point at it.
	e.HTTP = httptest.NewUnstartedServer(nil)
	e.HTTP.Start()
	t.Cleanup(e.HTTP.Close)
	gwStore := e.Store
	if opts.WrapStore != nil {
		gwStore = opts.WrapStore(e.Store)
	}
	e.Gateway = gateway.New(gwStore, gateway.Options{
		Now: e.Clock.Now, Logger: logger, LiveModeAvailable: opts.LiveMode, ResponseSecrets: responses, BaseURL: e.HTTP.URL,
		Webhooks: gateway.WebhookOptions{Secrets: box, Schedule: opts.WebhookSchedule, AllowedNetworks: allowed, AfterSend: opts.AfterSend,
			RootCAs: opts.WebhookRootCAs},
		Payments: gateway.PaymentOptions{Provider: opts.Provider, Vault: v, Credentials: credentials},
		Wallet:   gateway.WalletOptions{Mail: opts.Mail, Codes: codes},
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector())
	e.Server = api.New(api.Options{
		Gateway: e.Gateway, Logger: logger, Registry: reg, RateLimits: opts.RateLimits, Version: "test",
		Now: e.Clock.Now, MaxBodyBytes: opts.MaxBodyBytes, JobKinds: jobs.Kinds(), ClientIP: clientip.New(opts.TrustedProxies),
	})
	e.HTTP.Config.Handler = e.Server
	e.Merchant, e.SecretKey, e.PublishableKey = e.NewMerchant("Acme Shop", "owner@acme.example")
	return e
}

// NewMerchant creates another merchant and returns its credentials and test keys.
func (e *Env) NewMerchant(name, email string) (gateway.Credentials, string, string) {
	e.T.Helper()
	creds, err := e.Gateway.CreateMerchant(context.Background(), gateway.NewMerchant{Name: name, Email: email})
	if err != nil {
		e.T.Fatal(err)
	}
	var sk, pk string
	for _, k := range creds.Keys {
		switch {
		case strings.HasPrefix(k.Secret, "sk_test_"):
			sk = k.Secret
		case strings.HasPrefix(k.Secret, "pk_test_"):
			pk = k.Secret
		}
	}
	return creds, sk, pk
}

// Response is a finished HTTP exchange.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic map.
func (r Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// Error returns the error object of an error response.
func (r Response) Error(t testing.TB) map[string]any {
	t.Helper()
	e, ok := r.JSON(t)["error"].(map[string]any)
	if !ok {
		t.Fatalf("response has no error object:\n%s", r.Body)
	}
	return e
}

// Request describes a request; Key defaults to the merchant's secret key (set NoKey to send none).
type Request struct {
	Method  string
	Path    string
	Body    string
	Key     string
	NoKey   bool
	Headers map[string]string
}

// Do sends the request to the server.
func (e *Env) Do(r Request) Response {
	e.T.Helper()
	var body io.Reader
	if r.Body != "" {
		body = strings.NewReader(r.Body)
	}
	req, err := http.NewRequest(r.Method, e.HTTP.URL+r.Path, body)
	if err != nil {
		e.T.Fatal(err)
	}
	if r.Body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	key := r.Key
	if key == "" && !r.NoKey {
		key = e.SecretKey
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for k, v := range r.Headers {
		req.Header.Set(k, v)
	}
	resp, err := e.HTTP.Client().Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.T.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// ForEachBackend runs fn as a parallel subtest per backend.
func ForEachBackend(t *testing.T, fn func(t *testing.T, b storetest.Backend)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, b)
		})
	}
}
