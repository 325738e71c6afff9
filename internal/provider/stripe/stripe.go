// Package stripe is the Stripe connector (docs/architecture.md §14): a provider.Provider over Stripe's PaymentIntents
// API, the verification of Stripe's inbound webhooks, and Stripe Checkout as the processor-hosted page.
//
// This package is security-relevant. A card number and CVV reach Stripe from memory only, in the body of one
// PaymentMethod create; they are never logged (stripe-go's logger is silenced), never put in an error, and never
// returned in a Result. The secret key goes only in the Authorization header; errors are built from the fields of
// Stripe's answer (type, code, decline code, request id), never from stripe-go's error text, which echoes the whole
// answer.
//
// # Operations
//
//	authorize  PaymentIntent with capture_method=manual, then a card PaymentMethod, then confirm
//	sale       the same with capture_method=automatic
//	capture    POST /v1/payment_intents/{id}/capture with amount_to_capture (partial captures allowed)
//	void       POST /v1/payment_intents/{id}/cancel
//	refund     POST /v1/refunds with payment_intent and amount
//	Lookup     GET  /v1/payment_intents/{id} (or /v1/refunds/{id} for a refund's id)
//
// A Result's ProviderTransactionID is the PaymentIntent's id ("pi_…") for authorizations, sales, captures and voids,
// since Stripe refunds and captures name the PaymentIntent; it is the Refund's id ("re_…") for refunds. A capture,
// void or refund of an id that cannot be a PaymentIntent fails (12) without calling Stripe.
//
// # Idempotency and recovery
//
// Every Stripe call carries Stripe's Idempotency-Key: K plus a fixed suffix per step, where K is
// Request.IdempotencyKey, ":" and the operation (an authorization under "pay_1:authorize" has K
// "pay_1:authorize:authorize"), so a repeated call replays Stripe's stored answer instead of acting twice. Stripe
// rejects a key reused with different parameters, and a recovery call carries the card without its CVV (provider's
// contract), so a payment runs in three steps whose parameters a recovery call can repeat:
//
//  1. K+":pi" creates the PaymentIntent from the request alone (amount, currency, capture method, K in the
//     metadata) — no card, so a recovery call sends the very same parameters. When Stripe answers with
//     Idempotent-Replayed: true, the PaymentIntent already existed, and the connector retrieves it to learn its
//     current state (a replay shows the state at creation). If it is past requires_payment_method (approved,
//     processing, canceled) or carries a last_payment_error (declined), the connector answers from it and stops:
//     a recovery never confirms twice.
//  2. K+":pm" creates the card PaymentMethod (number, expiry, CVC); a call without a CVV uses K+":pm-nocvc", since its
//     parameters differ.
//  3. K+":confirm" confirms the PaymentIntent with that PaymentMethod (error_on_requires_action, so a card that wants
//     3-D Secure is declined with authentication_required instead of waiting for a customer who is not there).
//
// A recovery after the first attempt died between steps 1 and 3 therefore confirms once, with the card without CVV.
// If two confirms with different PaymentMethods ever met under K+":confirm", Stripe's parameter check answers an
// idempotency error, which the connector reports as an unknown outcome; the next recovery finds the PaymentIntent
// settled. Follow-ups use K+":capture", K+":void" and K+":refund". Stripe keeps idempotency keys for 24 hours: a
// recovery later than that would create a second PaymentIntent, so the gateway's recovery (minutes) must stay well
// inside that window.
//
// stripe-go's own retries are off (MaxNetworkRetries 0): its sleeps ignore the context, and the recovery job is the
// retry, with the same keys.
//
// # Outcomes
//
// A definitive answer is a Result, never an error:
//
//	PaymentIntent succeeded or requires_capture      succeeded 00, AuthCode from the charge, FraudHint when
//	                                                 Radar's risk level is elevated or highest
//	PaymentIntent processing                         pending 09, follow with Lookup
//	PaymentIntent requires_action                    declined 05 authentication_required (direct card payments
//	                                                 cannot do 3-D Secure; the hosted page can)
//	PaymentIntent canceled                           declined 05
//	PaymentIntent never confirmed (Lookup only)      failed 96: the attempt stopped before confirming, or Stripe
//	                                                 refused the card number when the PaymentMethod was created
//	card_error, or last_payment_error, by decline_code, else code:
//	  generic_decline, do_not_honor, card_declined,  declined 05 do_not_honor (Stripe's decline code is in the
//	  lost_card, stolen_card, fraudulent, …          message)
//	  insufficient_funds, card_velocity_exceeded     declined 51
//	  expired_card                                   declined 54
//	  incorrect_cvc, invalid_cvc                     declined N7
//	  incorrect_number, invalid_number               declined 14
//	  authentication_required                        declined 05 authentication_required
//	  processing_error                               failed 96
//	invalid_request_error resource_missing           failed 12, no transaction
//	invalid_request_error on the amount              failed 13, no transaction
//	other invalid_request_error                      failed 12, no transaction
//	Stripe not reached on a first attempt            failed 96 processor_unavailable, no transaction
//
// "Not reached" means the connection was never made (refused, DNS failure, TLS handshake failure), or Stripe
// refused to process the request (401 bad key, 403, 429 rate limit): nothing was done, so the gateway may route the
// payment to another profile. Only a card payment whose Card carries a CVV, and whose PaymentIntent creation was not
// a replay, is provably a first attempt (recovery calls never carry a CVV); for any other call, capture, void, refund
// and Lookup included, an earlier attempt under the same key may have reached Stripe and moved money, so the
// connector answers an unknown outcome instead, and the recovery asks again. A first attempt that reached Stripe for
// step 1 but not for step 2 or 3 leaves a PaymentIntent that was never confirmed: it holds nothing.
//
// # Webhooks and the hosted page
//
// VerifyWebhook checks Stripe's signature on an inbound event and says which PaymentIntent it is about and what it
// implies. CreateCheckoutSession, CheckoutOutcome and ExpireCheckoutSession run Stripe Checkout, Stripe's own page
// for a session (provider.HostedPages: OpenPage, PageOutcome, ClosePage); the gateway confirms the outcome with
// CheckoutOutcome before it marks anything paid, and expires the page before it gives up on the session.
//
// An unknown outcome is an error wrapping provider.ErrTimeout, or ctx.Err() when the caller's context ended: a
// timeout or a broken connection after the request was sent, an answer that could not be read, a Stripe 5xx, a 409
// (the same key is in flight), an idempotency error.
package stripe

import (
	"context"
	"net/http"
	"time"

	stripego "github.com/stripe/stripe-go/v84"

	"github.com/kassapay/kassa/internal/provider"
)

// Name is the connector's provider name, as recorded on transactions.
const Name = "stripe"

// DefaultTimeout bounds each Stripe call unless Options say otherwise; an answer later than that is an unknown
// outcome.
const DefaultTimeout = 30 * time.Second

// DefaultAPIBaseURL is Stripe's API.
const DefaultAPIBaseURL = "https://api.stripe.com"

// PollAfter is the PollAfter of pending results (a processing PaymentIntent, a pending refund).
const PollAfter = 5 * time.Second

// Options configure a Stripe connector for one payment profile.
type Options struct {
	// SecretKey is the profile's Stripe secret key (sk_live_… or sk_test_…) or restricted key. Required.
	SecretKey string
	// APIBaseURL is where the API lives; "" means DefaultAPIBaseURL. Tests point it at stripe-mock or a recorder.
	APIBaseURL string
	// HTTPClient sends the requests; nil means a client of its own.
	HTTPClient *http.Client
	// Timeout bounds each Stripe call; zero means DefaultTimeout.
	Timeout time.Duration
}

// Stripe is the connector for one payment profile. It is safe for concurrent use.
type Stripe struct {
	client  *stripego.Client
	key     string
	timeout time.Duration
}

var _ provider.Provider = (*Stripe)(nil)

// New returns the connector for one profile. It uses its own stripe-go client and backend, never stripe-go's
// global key or backends, so profiles with different keys can live side by side.
func New(opts Options) *Stripe {
	if opts.APIBaseURL == "" {
		opts.APIBaseURL = DefaultAPIBaseURL
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	backend := stripego.GetBackendWithConfig(stripego.APIBackend, &stripego.BackendConfig{
		URL:               stripego.String(opts.APIBaseURL),
		HTTPClient:        opts.HTTPClient,
		MaxNetworkRetries: stripego.Int64(0),
		LeveledLogger:     &stripego.LeveledLogger{Level: stripego.LevelNull},
	})
	backends := &stripego.Backends{API: backend, Connect: backend, Uploads: backend, MeterEvents: backend}
	return &Stripe{
		client:  stripego.NewClient(opts.SecretKey, stripego.WithBackends(backends)),
		key:     opts.SecretKey,
		timeout: opts.Timeout,
	}
}

// Name returns "stripe".
func (s *Stripe) Name() string { return Name }

// Do performs r on Stripe as the package comment describes.
func (s *Stripe) Do(ctx context.Context, r provider.Request) (provider.Result, error) {
	if err := ctx.Err(); err != nil {
		return provider.Result{}, s.wrapf(err, "stripe %s", r.Operation)
	}
	if res, ok := validate(r); !ok {
		return res, nil
	}
	switch r.Operation {
	case provider.OperationAuthorize, provider.OperationSale:
		return s.pay(ctx, r)
	case provider.OperationCapture:
		return s.capture(ctx, r)
	case provider.OperationVoid:
		return s.void(ctx, r)
	default:
		return s.refund(ctx, r)
	}
}

// Lookup returns Stripe's current answer for a PaymentIntent ("pi_…") or a Refund ("re_…").
func (s *Stripe) Lookup(ctx context.Context, id string) (provider.Result, error) {
	if err := ctx.Err(); err != nil {
		return provider.Result{}, s.wrapf(err, "stripe lookup")
	}
	switch {
	case isID(id, "pi_"):
		pi, err := call(ctx, s, func(ctx context.Context) (*stripego.PaymentIntent, error) {
			p := &stripego.PaymentIntentRetrieveParams{}
			p.AddExpand("latest_charge")
			return s.client.V1PaymentIntents.Retrieve(ctx, id, p)
		})
		if err != nil {
			return s.answer(ctx, err, failure{step: "lookup"})
		}
		return lookupResult(pi), nil
	case isID(id, "re_"):
		re, err := call(ctx, s, func(ctx context.Context) (*stripego.Refund, error) {
			return s.client.V1Refunds.Retrieve(ctx, id, nil)
		})
		if err != nil {
			return s.answer(ctx, err, failure{step: "lookup"})
		}
		return refundResult(re), nil
	}
	return invalid(provider.CodeInvalidTransaction, "not a Stripe PaymentIntent or Refund id"), nil
}

// call runs one Stripe call under the connector's per-call timeout.
func call[T any](ctx context.Context, s *Stripe, fn func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	return fn(ctx)
}
