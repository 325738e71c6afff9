package webhook

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"
)

// EventType names what happened, "<object>.<change>". The catalogue is docs/architecture.md §8; a new type is added
// there first, then here, then to Catalogue.
type EventType string

// The event catalogue (docs/architecture.md §8).
const (
	// EventCheckoutSessionCreated is opt-in: it is sent only to endpoints that name it, never to "*".
	EventCheckoutSessionCreated EventType = "checkout.session.created"
	EventCheckoutSessionExpired EventType = "checkout.session.expired"

	EventPaymentAuthorized EventType = "payment.authorized"
	EventPaymentCaptured   EventType = "payment.captured"
	// EventPaymentSucceeded means a session, link, intent or order is paid: the one event to fulfil on.
	EventPaymentSucceeded EventType = "payment.succeeded"
	EventPaymentFailed    EventType = "payment.failed"
	EventPaymentCanceled  EventType = "payment.canceled"
	EventPaymentVoided    EventType = "payment.voided"
	EventPaymentExpired   EventType = "payment.expired"
	EventPaymentRefunded  EventType = "payment.refunded"

	EventRefundSucceeded EventType = "refund.succeeded"
	EventRefundFailed    EventType = "refund.failed"

	EventPaymentIntentCreated   EventType = "payment_intent.created"
	EventPaymentIntentSucceeded EventType = "payment_intent.succeeded"
	EventPaymentIntentCanceled  EventType = "payment_intent.canceled"

	EventPaymentLinkCreated EventType = "payment_link.created"

	EventUsageAccepted EventType = "usage.accepted"

	// docs/architecture.md §8 says "settlement_batch.* (one per batch state change)" without naming the states. These
	// four are inferred from a batch's life (opened, handed to the provider, paid out, rejected); when internal/metered
	// defines the batch state machine, its states and these types must agree.
	EventSettlementBatchCreated   EventType = "settlement_batch.created"
	EventSettlementBatchSubmitted EventType = "settlement_batch.submitted"
	EventSettlementBatchSettled   EventType = "settlement_batch.settled"
	EventSettlementBatchFailed    EventType = "settlement_batch.failed"

	// EventPaymentMethodSaved means a shopper saved a card with "remember" and consented that the merchant may
	// charge it; EventPaymentMethodRemoved that the card was removed from the wallet or the consent revoked.
	EventPaymentMethodSaved   EventType = "payment_method.saved"
	EventPaymentMethodRemoved EventType = "payment_method.removed"

	EventEndpointDisabled EventType = "endpoint.disabled"
	EventTestPing         EventType = "test.ping"
)

// AllEvents is the enabled-events wildcard: every type in the catalogue except the opt-in ones.
const AllEvents = "*"

var catalogue = []EventType{
	EventCheckoutSessionCreated, EventCheckoutSessionExpired,
	EventPaymentAuthorized, EventPaymentCaptured, EventPaymentSucceeded, EventPaymentFailed,
	EventPaymentCanceled, EventPaymentVoided, EventPaymentExpired, EventPaymentRefunded,
	EventRefundSucceeded, EventRefundFailed,
	EventPaymentIntentCreated, EventPaymentIntentSucceeded, EventPaymentIntentCanceled,
	EventPaymentLinkCreated,
	EventUsageAccepted,
	EventSettlementBatchCreated, EventSettlementBatchSubmitted, EventSettlementBatchSettled, EventSettlementBatchFailed,
	EventPaymentMethodSaved, EventPaymentMethodRemoved,
	EventEndpointDisabled, EventTestPing,
}

// Catalogue returns every event type in catalogue order. The slice is the caller's to modify.
func Catalogue() []EventType { return slices.Clone(catalogue) }

// ValidEnabledEvent reports whether s may appear in an endpoint's enabled events: a catalogue type or "*".
func ValidEnabledEvent(s string) bool {
	return s == AllEvents || slices.Contains(catalogue, EventType(s))
}

// OptIn reports whether t is sent only to endpoints that name it explicitly ("*" does not include it).
func (t EventType) OptIn() bool { return t == EventCheckoutSessionCreated }

// Matches reports whether an endpoint with these enabled events receives an event of type t.
func (t EventType) Matches(enabled []string) bool {
	for _, e := range enabled {
		if e == string(t) || (e == AllEvents && !t.OptIn()) {
			return true
		}
	}
	return false
}

// Event is one thing that happened to one object, as recorded and delivered (docs/architecture.md §4).
type Event struct {
	ID         string // "evt_…"
	Type       EventType
	APIVersion string
	CreatedAt  time.Time
	Livemode   bool
	MerchantID string
	// ObjectID is the affected object, for filtering and for Sequence; it is not part of the payload (Data has it).
	ObjectID string
	// Sequence increases per object so a receiver can drop an update older than one it already applied.
	Sequence int64
	// Data is the affected object as the merchant API returns it.
	Data json.RawMessage
}

// payload is the wire envelope; the field order is the order merchants see.
type payload struct {
	ID         string          `json:"id"`
	Object     string          `json:"object"`
	APIVersion string          `json:"api_version"`
	Type       EventType       `json:"type"`
	CreatedAt  string          `json:"created_at"`
	Livemode   bool            `json:"livemode"`
	MerchantID string          `json:"merchant_id"`
	Sequence   int64           `json:"sequence"`
	Data       json.RawMessage `json:"data"`
}

// Payload returns the JSON body delivered to endpoints. It is the exact byte string that is signed, so it is built
// once per event and sent unchanged on every attempt. It fails only when Data is not valid JSON.
func (e Event) Payload() ([]byte, error) {
	data := e.Data
	if len(data) == 0 {
		data = json.RawMessage("null")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Receivers get "&" in URLs, not "\u0026"; the body is never embedded in HTML by us.
	enc.SetEscapeHTML(false)
	err := enc.Encode(payload{
		ID:         e.ID,
		Object:     "event",
		APIVersion: e.APIVersion,
		Type:       e.Type,
		CreatedAt:  e.CreatedAt.UTC().Format(time.RFC3339),
		Livemode:   e.Livemode,
		MerchantID: e.MerchantID,
		Sequence:   e.Sequence,
		Data:       data,
	})
	if err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
