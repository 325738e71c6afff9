package gateway

import (
	"time"

	"github.com/kassapay/kassa/internal/webhook"
)

// The API representations of webhook objects. They live here, not in the HTTP layer, because events carry the
// affected object exactly as the API returns it, and the gateway records events.

// EndpointObject is a webhook endpoint as the API shows it. The secret appears only in the responses that create or
// rotate it.
type EndpointObject struct {
	Object                  string     `json:"object" enum:"webhook_endpoint"`
	ID                      string     `json:"id"`
	Livemode                bool       `json:"livemode"`
	URL                     string     `json:"url"`
	Description             string     `json:"description"`
	EnabledEvents           []string   `json:"enabled_events"`
	APIVersion              string     `json:"api_version"`
	Status                  string     `json:"status" enum:"enabled,disabled"`
	DisabledReason          string     `json:"disabled_reason,omitempty"`
	SecretHint              string     `json:"secret_hint" doc:"The last 4 characters of the signing secret."`
	Secret                  string     `json:"secret,omitempty" doc:"The signing secret (whsec_…); only in the response that creates or rotates it."`
	PreviousSecretExpiresAt *time.Time `json:"previous_secret_expires_at,omitempty" doc:"Until then the previous secret also signs deliveries."`
	FailingSince            *time.Time `json:"failing_since,omitempty" doc:"Start of the current run of failed deliveries; endpoints failing for 5 days are disabled."`
	CreatedAt               time.Time  `json:"created_at"`
	UpdatedAt               time.Time  `json:"updated_at"`
	Deleted                 bool       `json:"deleted,omitempty"`
}

// EndpointView renders an endpoint (without its secret).
func EndpointView(ep webhook.Endpoint) EndpointObject {
	events := ep.EnabledEvents
	if events == nil {
		events = []string{}
	}
	return EndpointObject{
		Object: "webhook_endpoint", ID: ep.ID, Livemode: ep.Livemode, URL: ep.URL, Description: ep.Description,
		EnabledEvents: events, APIVersion: ep.APIVersion, Status: string(ep.Status), DisabledReason: ep.DisabledReason,
		SecretHint: ep.SecretHint, PreviousSecretExpiresAt: ep.PreviousSecretExpiresAt, FailingSince: ep.FailingSince,
		CreatedAt: ep.CreatedAt, UpdatedAt: ep.UpdatedAt, Deleted: ep.DeletedAt != nil,
	}
}
