package webhook

import "time"

// EndpointStatus says whether an endpoint receives deliveries.
type EndpointStatus string

const (
	// EndpointStatusEnabled endpoints receive every event they subscribe to.
	EndpointStatusEnabled EndpointStatus = "enabled"
	// EndpointStatusDisabled endpoints receive nothing; the merchant disabled them, or Kassa did after a 410 Gone or
	// after 5 days of only failures (DisabledReason says which). Re-enabling is the merchant's call.
	EndpointStatusDisabled EndpointStatus = "disabled"
)

// EndpointScope says which events an endpoint can receive.
type EndpointScope string

const (
	// ScopeMerchant endpoints, registered by the merchant, receive the merchant's events they subscribe to.
	ScopeMerchant EndpointScope = "merchant"
	// ScopeSession endpoints were registered by a checkout session's webhook_url: they receive the events of the
	// sessions that name them, and nothing else.
	ScopeSession EndpointScope = "session"
)

// Endpoint is a merchant's webhook receiver. Secrets are stored sealed; the plaintext exists only when created or
// rotated (to show once) and when signing.
type Endpoint struct {
	ID             string
	MerchantID     string
	Livemode       bool
	URL            string
	Description    string
	EnabledEvents  []string // event types, or "*"
	Scope          EndpointScope
	APIVersion     string
	Status         EndpointStatus
	DisabledReason string
	SecretSealed   []byte
	SecretHint     string
	// PreviousSecretSealed keeps signing next to the new secret until PreviousSecretExpiresAt (rotation grace).
	PreviousSecretSealed    []byte
	PreviousSecretExpiresAt *time.Time
	// FailingSince is the first failed attempt of the current run of failures; nil after a success.
	FailingSince *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	DeletedAt    *time.Time
}

// DeliveryStatus is the state of one event's delivery to one endpoint.
type DeliveryStatus string

const (
	// DeliveryPending deliveries have not been attempted yet.
	DeliveryPending DeliveryStatus = "pending"
	// DeliveryDelivered deliveries got a 2xx. Final (a manual redelivery makes a new attempt on the same record).
	DeliveryDelivered DeliveryStatus = "delivered"
	// DeliveryRetrying deliveries failed at least once and have a next attempt scheduled.
	DeliveryRetrying DeliveryStatus = "retrying"
	// DeliveryFailed deliveries exhausted the schedule or their endpoint was disabled. A retry or replay moves them
	// back to pending.
	DeliveryFailed DeliveryStatus = "failed"
)

// Delivery is one event for one endpoint.
type Delivery struct {
	ID            string
	MerchantID    string
	Livemode      bool
	EventID       string
	EndpointID    string
	EventType     EventType
	Status        DeliveryStatus
	Attempts      int
	NextAttemptAt *time.Time
	LastAttemptAt *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Attempt is one HTTP request of a delivery and what came back.
type Attempt struct {
	ID         string
	DeliveryID string
	Number     int
	StartedAt  time.Time
	Duration   time.Duration
	// HTTPStatus is 0 when no response arrived (refused, timed out, connection failed).
	HTTPStatus      int
	ResponseExcerpt string
	Error           string
}
