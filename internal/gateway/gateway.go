// Package gateway holds Kassa's use cases. Each one validates its input, opens a transaction, locks what it
// changes, writes rows, events and jobs together, and returns domain objects or an *Error. The HTTP API, the hosted
// pages, the dashboard, the CLI and the job workers all call these; none of them re-implements a rule.
//
// Files are named by resource. Use case → file:
//
//	ChargeCard (authorize, sale), CapturePayment, VoidPayment,
//	GetPayment, ListPayments, SearchPayments, PaymentStats, GetPaymentTimeline    payments.go
//	a card payment's phases (§5), RecoverPayment, EnqueueStalePayments             payments_charge.go
//	a capture's, void's or expiry's phases (§5), RecoverOperation,
//	ExpireAuthorizations, EnqueueStaleOperations                                   payments_operations.go
//	PaymentView, PaymentStatusView (what the API and events show)                  payments_view.go
//	CreateRefund, RefundPayment, RecoverRefund, GetRefund, ListRefunds, RefundStats refunds.go
//	GetTransaction, ListTransactions                                               transactions.go
//	LedgerBalances and the journal of a capture                                    ledger.go
//	CreateSession, GetSession, ListSessions, CancelSession, ExpireSessions         sessions.go
//	GetCheckoutPage, PaySession, CancelCheckout (the hosted page and the embed)    sessions_page.go
//	CreateIntent, ConfirmIntent, CancelIntent, ExpireIntents, …                    intents.go
//	GetIntentPage, PayIntentPage (the intent's hosted page)                        intents_page.go
//	CreateOrder, CreateOrderPayment, ProcessOrderPayment, …                        orders.go
//	CreateCustomer, GetCustomer, ListCustomers                                     customers.go
//	CreateEndpoint, UpdateEndpoint, RotateSecret, …                                endpoints.go
//	RecordEvent, GetEvent, ListEvents                                              events.go
//	AttemptDelivery, RetryDelivery, ReplayEndpoint, SendTestDeliveries, …          deliveries.go
//	FraudSettings, AddBlock, … and the scoring of a card payment                   fraud.go
//	CreateMerchant, Bootstrap, RollKey, UpdateMerchant, GetProfile, …              merchants.go
//	Authenticate (API keys)                                                        auth.go
//	SignIn, DashboardSession, SwitchDashboard, CreateOperator (dashboard users)    users.go
//	BeginIdempotent, FinishIdempotent and recovery points                          idempotency.go
//	Error, Kind and the one kind → HTTP status table                               errors.go
//	validation and card-number masking of inputs                                   input.go, free_text.go
package gateway

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/idempotency"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/sealed"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/vault"
)

// Gateway runs the use cases against a store.
type Gateway struct {
	conns    connections
	store    store.Store
	now      func() time.Time
	log      *slog.Logger
	live     bool
	webhooks webhookConfig
	payments PaymentOptions
	baseURL  string
	// responses seals stored idempotent responses, which may hold secrets shown once (endpoint secrets), and keys
	// the request fingerprints (RequestHash).
	responses *sealed.Box
	wallet    WalletOptions
}

// Options configure a Gateway.
type Options struct {
	// Now is the clock; tests inject a fake one. Default time.Now.
	Now func() time.Time
	// Logger receives operational logs. Default slog.Default().
	Logger *slog.Logger
	// LiveModeAvailable is true when a real master key is configured; without one, live keys are neither issued
	// nor accepted, so nothing real is ever protected by a development key.
	LiveModeAvailable bool
	// BaseURL is the public URL of this instance, for hosted-page links (KASSA_BASE_URL).
	BaseURL string
	// Webhooks configures event delivery.
	Webhooks WebhookOptions
	// Payments configures card payments.
	Payments PaymentOptions
	// ResponseSecrets seals the responses kept for idempotent replay: a response that shows a secret once (a new
	// webhook endpoint's) must not sit in plaintext for 24 hours. Its MAC key also keys the request fingerprints,
	// which must not let a card number in a request body be guessed back. Nil: a random key for this process only
	// (tests).
	ResponseSecrets *sealed.Box
	// Wallet configures the shoppers' wallet (e-mail codes).
	Wallet WalletOptions
}

// New returns a Gateway over s.
func New(s store.Store, opts Options) *Gateway {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Payments.Connect == nil {
		opts.Payments.Connect = Connectors
	}
	if opts.ResponseSecrets == nil {
		// Without a configured box (unit tests), a per-process key: nothing stored is readable after a restart, and
		// nothing is ever kept unsealed or unkeyed.
		key := make([]byte, 32)
		rand.Read(key)
		opts.ResponseSecrets, _ = sealed.New(key, "idempotency-responses")
	}
	if opts.Wallet.Codes == nil {
		key := make([]byte, 32)
		rand.Read(key)
		opts.Wallet.Codes, _ = sealed.New(key, "wallet-codes")
	}
	return &Gateway{store: s, now: opts.Now, log: opts.Logger, live: opts.LiveModeAvailable, webhooks: newWebhookConfig(opts.Webhooks), payments: opts.Payments,
		responses: opts.ResponseSecrets, baseURL: strings.TrimSuffix(opts.BaseURL, "/"), wallet: opts.Wallet}
}

// RequestHash fingerprints a request body for idempotency checks under a key derived from the master key.
func (g *Gateway) RequestHash(route string, body []byte) string {
	return idempotency.HashRequest(g.responses.MAC, route, body)
}

// Now returns the gateway's clock reading in UTC at the precision both databases keep.
func (g *Gateway) Now() time.Time { return g.now().UTC().Truncate(time.Microsecond) }

// Store returns the underlying store (health checks, job statistics).
func (g *Gateway) Store() store.Store { return g.store }

// Health reports whether the database answers.
func (g *Gateway) Health(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return g.store.Ping(ctx)
}

// PaymentOptions configure card payments.
type PaymentOptions struct {
	// Provider takes test-mode payments (the sandbox). Live mode has no provider yet: 422 payments_not_configured.
	Provider provider.Provider
	// Vault seals card data (a key derived from KASSA_MASTER_KEY).
	Vault *vault.Vault
	// Credentials seals payment profiles' processor credentials (a key derived from KASSA_MASTER_KEY).
	Credentials *sealed.Box
	// Connect builds the provider of a payment profile whose connector is not the sandbox (Stripe), from its
	// credentials. Nil: Connectors.
	Connect func(merchant.PaymentProfile, merchant.Credentials) (provider.Provider, error)
	// AsyncDelay is how long an order payment waits before its worker settles it (the sandbox's UPI approval
	// time, KASSA_SANDBOX_DELAY, default 5s). Zero: at once.
	AsyncDelay time.Duration
}

// notFoundAs turns store.ErrNotFound into the API's 404 for the named object.
func notFoundAs(err error, what, id string) error {
	if errors.Is(err, store.ErrNotFound) {
		return NotFound(what, id)
	}
	return err
}

// BaseURL is the public URL of this instance (KASSA_BASE_URL).
func (g *Gateway) BaseURL() string { return g.baseURL }

// LiveModeAvailable reports whether live mode can be used on this instance.
func (g *Gateway) LiveModeAvailable() bool { return g.live }

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
