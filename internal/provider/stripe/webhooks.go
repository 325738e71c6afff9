package stripe

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	stripego "github.com/stripe/stripe-go/v84"
	"github.com/stripe/stripe-go/v84/webhook"

	"github.com/kassapay/kassa/internal/provider"
)

// WebhookTolerance is how far a webhook's signed timestamp may be from now, either way, as in stripe-go.
const WebhookTolerance = webhook.DefaultTolerance

// The errors of VerifyWebhook. Each means: answer 400 and do not act on the payload.
var (
	// ErrWebhookNotSigned: no Stripe-Signature header.
	ErrWebhookNotSigned = errors.New("stripe webhook: no Stripe-Signature header")
	// ErrWebhookBadSignature: the header is malformed or no v1 signature matches the payload under the secret
	// (tampered payload, wrong secret).
	ErrWebhookBadSignature = errors.New("stripe webhook: signature does not match")
	// ErrWebhookStale: the signature is valid but its timestamp is outside WebhookTolerance (a replay).
	ErrWebhookStale = errors.New("stripe webhook: timestamp outside the tolerance")
	// ErrWebhookMalformed: the signed payload is not a Stripe event.
	ErrWebhookMalformed = errors.New("stripe webhook: payload is not an event")
)

// WebhookEvent is what a verified Stripe event tells Kassa.
type WebhookEvent struct {
	// ID is Stripe's event id ("evt_…"); Stripe may deliver an event more than once, so receivers dedupe on it.
	ID string
	// Type is Stripe's event type ("payment_intent.succeeded", "charge.refunded", …).
	Type     string
	Livemode bool
	Created  time.Time
	// PaymentIntentID is the PaymentIntent the event is about, for payment_intent.* and charge.* events.
	PaymentIntentID string
	// KassaKey is the PaymentIntent's kassa_idempotency_key metadata, when the event carries the PaymentIntent and
	// Kassa created it: the Request.IdempotencyKey of the operation.
	KassaKey string
	// HasResult says whether Result is set: for the payment_intent.* events that settle or move a payment
	// (succeeded, amount_capturable_updated, payment_failed, canceled, processing) and for charge.refunded; not for
	// requires_action, a step of a hosted payment (3-D Secure) that settles nothing.
	HasResult bool
	// Result is the answer the event implies for the PaymentIntent, as Lookup would give it; for charge.refunded,
	// a succeeded Result naming the PaymentIntent. The gateway may confirm it with Lookup before acting.
	Result provider.Result
	// AmountRefunded is, for charge.refunded, the charge's total refunded amount in minor units.
	AmountRefunded int64
}

// VerifyWebhook checks a Stripe webhook's Stripe-Signature header against the endpoint's signing secret
// ("whsec_…") with stripe-go's signature check, and that its timestamp is within WebhookTolerance of now; then it
// reads the event. The errors are ErrWebhookNotSigned, ErrWebhookBadSignature, ErrWebhookStale and
// ErrWebhookMalformed.
func VerifyWebhook(payload []byte, sigHeader, secret string, now time.Time) (WebhookEvent, error) {
	if strings.TrimSpace(sigHeader) == "" {
		return WebhookEvent{}, ErrWebhookNotSigned
	}
	// stripe-go checks the tolerance against the wall clock; Kassa's clock is injected, so the signature is checked
	// here without it and the timestamp below.
	if err := webhook.ValidatePayloadIgnoringTolerance(payload, sigHeader, secret); err != nil {
		return WebhookEvent{}, fmt.Errorf("%w (%v)", ErrWebhookBadSignature, err)
	}
	signedAt, ok := signedTimestamp(sigHeader)
	if !ok {
		return WebhookEvent{}, ErrWebhookBadSignature
	}
	if d := now.Sub(signedAt); d > WebhookTolerance || d < -WebhookTolerance {
		return WebhookEvent{}, fmt.Errorf("%w: signed at %s, now %s", ErrWebhookStale, signedAt.UTC().Format(time.RFC3339),
			now.UTC().Format(time.RFC3339))
	}
	return readEvent(payload)
}

// signedTimestamp is the t= part of a Stripe-Signature header.
func signedTimestamp(header string) (time.Time, bool) {
	for _, part := range strings.Split(header, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "t="); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			return time.Unix(n, 0), err == nil
		}
	}
	return time.Time{}, false
}

// readEvent reads the parts of an event Kassa uses. It does not use stripe-go's ConstructEvent, which refuses
// events of another API version than stripe-go's: the fields read here are stable across versions.
func readEvent(payload []byte) (WebhookEvent, error) {
	var raw struct {
		ID       string `json:"id"`
		Object   string `json:"object"`
		Type     string `json:"type"`
		Livemode bool   `json:"livemode"`
		Created  int64  `json:"created"`
		Data     struct {
			Object json.RawMessage `json:"object"`
		} `json:"data"`
	}
	if err := json.Unmarshal(payload, &raw); err != nil || raw.Object != "event" || raw.ID == "" || raw.Type == "" {
		return WebhookEvent{}, ErrWebhookMalformed
	}
	ev := WebhookEvent{ID: raw.ID, Type: raw.Type, Livemode: raw.Livemode, Created: time.Unix(raw.Created, 0)}
	switch {
	case strings.HasPrefix(raw.Type, "payment_intent."):
		var pi stripego.PaymentIntent
		if err := json.Unmarshal(raw.Data.Object, &pi); err != nil || pi.ID == "" {
			return WebhookEvent{}, fmt.Errorf("%w: %s without its PaymentIntent", ErrWebhookMalformed, raw.Type)
		}
		ev.PaymentIntentID, ev.KassaKey = pi.ID, pi.Metadata[MetadataKey]
		switch raw.Type {
		case "payment_intent.succeeded", "payment_intent.amount_capturable_updated", "payment_intent.payment_failed",
			"payment_intent.canceled", "payment_intent.processing":
			ev.HasResult, ev.Result = true, paymentResult(&pi)
		}
	case strings.HasPrefix(raw.Type, "charge."):
		var ch stripego.Charge
		if err := json.Unmarshal(raw.Data.Object, &ch); err != nil || ch.ID == "" {
			return WebhookEvent{}, fmt.Errorf("%w: %s without its charge", ErrWebhookMalformed, raw.Type)
		}
		if ch.PaymentIntent != nil {
			ev.PaymentIntentID = ch.PaymentIntent.ID
		}
		if raw.Type == "charge.refunded" && ev.PaymentIntentID != "" {
			ev.HasResult, ev.AmountRefunded = true, ch.AmountRefunded
			ev.Result = provider.ResultFor(provider.CodeApproved)
			ev.Result.ProviderTransactionID = ev.PaymentIntentID
		}
	}
	return ev, nil
}

// SignatureHeader implements provider.WebhookReceiver.
func (s *Stripe) SignatureHeader() string { return "Stripe-Signature" }

// VerifyWebhook implements provider.WebhookReceiver over the package's VerifyWebhook: a payment_intent event that
// settles a charge carries its Result; a refund event carries none (Kassa records its refunds from its own calls).
func (s *Stripe) VerifyWebhook(payload []byte, signature, secret string, now time.Time) (provider.Inbound, error) {
	ev, err := VerifyWebhook(payload, signature, secret, now)
	switch {
	case errors.Is(err, ErrWebhookMalformed):
		return provider.Inbound{}, fmt.Errorf("%w: %w", provider.ErrWebhookPayload, err)
	case err != nil:
		return provider.Inbound{}, fmt.Errorf("%w: %w", provider.ErrWebhookSignature, err)
	}
	in := provider.Inbound{ID: ev.ID, Type: ev.Type, ProviderTransactionID: ev.PaymentIntentID, IdempotencyKey: ev.KassaKey}
	if ev.HasResult && strings.HasPrefix(ev.Type, "payment_intent.") {
		res := ev.Result
		in.Result = &res
	}
	return in, nil
}

var _ provider.WebhookReceiver = (*Stripe)(nil)
