package stripe

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stripe/stripe-go/v84/webhook"

	"github.com/kassapay/kassa/internal/provider"
)

const whsec = "whsec_test_kassa0123456789abcdef"

var signedNow = time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)

// Event bodies as Stripe sends them (API reference, "The Event object"), trimmed to the fields that matter.
const (
	eventSucceeded = `{"id":"evt_3QfakeSucceeded","object":"event","api_version":"2024-06-20","created":1764687600,
"livemode":false,"pending_webhooks":1,"type":"payment_intent.succeeded","request":{"id":null,"idempotency_key":null},
"data":{"object":{"id":"pi_3QfakeHosted","object":"payment_intent","amount":2500,"amount_received":2500,
"capture_method":"automatic","currency":"eur","latest_charge":"ch_3QfakeHosted","last_payment_error":null,
"metadata":{"kassa_idempotency_key":"cs_kassa_1"},"status":"succeeded"}}}`
	eventFailed = `{"id":"evt_3QfakeFailed","object":"event","api_version":"2024-06-20","created":1764687600,
"livemode":false,"type":"payment_intent.payment_failed","data":{"object":{"id":"pi_3QfakeDeclined",
"object":"payment_intent","amount":2500,"currency":"eur","metadata":{},"status":"requires_payment_method",
"last_payment_error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds",
"message":"Your card has insufficient funds."}}}}`
	eventRefunded = `{"id":"evt_3QfakeRefunded","object":"event","api_version":"2024-06-20","created":1764687600,
"livemode":true,"type":"charge.refunded","data":{"object":{"id":"ch_3QfakeHosted","object":"charge","amount":2500,
"amount_refunded":1000,"refunded":false,"payment_intent":"pi_3QfakeHosted","status":"succeeded"}}}`
	eventCustomer = `{"id":"evt_3QfakeCustomer","object":"event","api_version":"2024-06-20","created":1764687600,
"livemode":false,"type":"customer.created","data":{"object":{"id":"cus_3Qfake","object":"customer"}}}`
)

func sign(payload string, at time.Time, secret string) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: []byte(payload), Secret: secret,
		Timestamp: at}).Header
}

func TestVerifyWebhookReadsEvents(t *testing.T) {
	t.Parallel()
	approved := provider.ResultFor(provider.CodeApproved)
	approved.ProviderTransactionID = "pi_3QfakeHosted"
	declined := provider.ResultFor(provider.CodeInsufficientFunds)
	declined.ResponseMessage += " (Stripe: insufficient_funds)"
	declined.ProviderTransactionID = "pi_3QfakeDeclined"
	created := time.Unix(1764687600, 0)
	for name, tc := range map[string]struct {
		payload string
		want    WebhookEvent
	}{
		"payment_intent.succeeded": {eventSucceeded, WebhookEvent{ID: "evt_3QfakeSucceeded", Type: "payment_intent.succeeded",
			Created: created, PaymentIntentID: "pi_3QfakeHosted", KassaKey: "cs_kassa_1", HasResult: true, Result: approved}},
		"payment_intent.payment_failed": {eventFailed, WebhookEvent{ID: "evt_3QfakeFailed", Type: "payment_intent.payment_failed",
			Created: created, PaymentIntentID: "pi_3QfakeDeclined", HasResult: true, Result: declined}},
		"charge.refunded": {eventRefunded, WebhookEvent{ID: "evt_3QfakeRefunded", Type: "charge.refunded", Livemode: true,
			Created: created, PaymentIntentID: "pi_3QfakeHosted", HasResult: true, Result: approved, AmountRefunded: 1000}},
		"customer.created": {eventCustomer, WebhookEvent{ID: "evt_3QfakeCustomer", Type: "customer.created", Created: created}},
	} {
		got, err := VerifyWebhook([]byte(tc.payload), sign(tc.payload, signedNow.Add(-time.Minute), whsec), whsec, signedNow)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}

func TestVerifyWebhookRejects(t *testing.T) {
	t.Parallel()
	good := sign(eventSucceeded, signedNow, whsec)
	for name, tc := range map[string]struct {
		payload, header string
		want            error
	}{
		"unsigned":         {eventSucceeded, "", ErrWebhookNotSigned},
		"tampered":         {eventSucceeded[:len(eventSucceeded)-3] + ` }}}`, good, ErrWebhookBadSignature},
		"amount changed":   {strings.Replace(eventSucceeded, `"amount":2500`, `"amount":25`, 1), good, ErrWebhookBadSignature},
		"another secret":   {eventSucceeded, sign(eventSucceeded, signedNow, "whsec_other"), ErrWebhookBadSignature},
		"malformed header": {eventSucceeded, "v1=abc,t", ErrWebhookBadSignature},
		"no v1 signature":  {eventSucceeded, fmt.Sprintf("t=%d,v0=abcdef", signedNow.Unix()), ErrWebhookBadSignature},
		"stale":            {eventSucceeded, sign(eventSucceeded, signedNow.Add(-WebhookTolerance-time.Second), whsec), ErrWebhookStale},
		"from the future":  {eventSucceeded, sign(eventSucceeded, signedNow.Add(WebhookTolerance+time.Second), whsec), ErrWebhookStale},
		"not an event":     {`{"object":"charge"}`, sign(`{"object":"charge"}`, signedNow, whsec), ErrWebhookMalformed},
		"PaymentIntent-less": {`{"id":"evt_1","object":"event","type":"payment_intent.succeeded","data":{"object":null}}`,
			sign(`{"id":"evt_1","object":"event","type":"payment_intent.succeeded","data":{"object":null}}`, signedNow, whsec),
			ErrWebhookMalformed},
	} {
		if _, err := VerifyWebhook([]byte(tc.payload), tc.header, whsec, signedNow); !errors.Is(err, tc.want) {
			t.Errorf("%s: want %v, got %v", name, tc.want, err)
		}
	}
}

func TestVerifyWebhookAcceptsARotatedSecret(t *testing.T) {
	t.Parallel()
	// During a secret roll Stripe signs with both secrets: "t=…,v1=<old>,v1=<new>".
	old := sign(eventSucceeded, signedNow, "whsec_old")
	current := sign(eventSucceeded, signedNow, whsec)
	header := old + "," + current[len(fmt.Sprintf("t=%d,", signedNow.Unix())):]
	if _, err := VerifyWebhook([]byte(eventSucceeded), header, whsec, signedNow); err != nil {
		t.Errorf("header %q: %v", header, err)
	}
}
