package provider

import (
	"errors"
	"time"
)

// Inbound is a processor's webhook event, verified by its connector: how Kassa learns of an outcome the processor
// decided after it answered (a payment that was pending, an answer that was lost on the way).
type Inbound struct {
	// ID is the processor's event id; a redelivered event has the same id and is applied once.
	ID   string
	Type string
	// ProviderTransactionID is the processor's id of the payment the event is about ("" when it is about nothing
	// Kassa follows).
	ProviderTransactionID string
	// IdempotencyKey is the key Kassa sent with the charge, when the processor echoes it back: it finds a payment
	// whose answer never arrived, which has no processor id yet.
	IdempotencyKey string
	// Result is the charge's outcome (a sale or an authorization) the event reports; nil when it reports none.
	Result *Result
}

// WebhookReceiver is a provider whose processor sends webhooks to /providers/{profile}/webhooks.
type WebhookReceiver interface {
	// SignatureHeader names the request header that carries the signature.
	SignatureHeader() string
	// VerifyWebhook checks a delivery's signature against the profile's signing secret and its timestamp against
	// now, and reads the event. Any failure wraps ErrWebhookSignature or ErrWebhookPayload.
	VerifyWebhook(payload []byte, signature, secret string, now time.Time) (Inbound, error)
}

var (
	// ErrWebhookSignature: the delivery is unsigned, signed with another secret, tampered with, or too old.
	ErrWebhookSignature = errors.New("provider: webhook signature does not verify")
	// ErrWebhookPayload: the delivery verifies but is not an event the connector can read.
	ErrWebhookPayload = errors.New("provider: webhook payload is not a readable event")
)
