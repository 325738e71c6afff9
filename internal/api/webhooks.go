package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/webhook"
)

// Webhook endpoints: where a merchant receives events, and the secret deliveries are signed with (docs/architecture.md
// §4, §7).

// EndpointOutput wraps one endpoint.
type EndpointOutput struct {
	Body gateway.EndpointObject
}

// EndpointListOutput is every endpoint of the key's mode.
type EndpointListOutput struct {
	Body List[gateway.EndpointObject]
}

// EndpointIDInput names an endpoint.
type EndpointIDInput struct {
	ID string `path:"id" doc:"The endpoint id, we_…"`
}

// CreateEndpointInput is the body of POST /api/v1/webhook-endpoints.
type CreateEndpointInput struct {
	Body struct {
		URL            string   `json:"url" maxLength:"2048" doc:"Absolute https URL (http is accepted in test mode); no credentials, no fragment. A host that is a loopback, private, link-local, shared, multicast or reserved address (in any spelling, e.g. 127.1 or 0x7f000001) or localhost is refused unless the instance allows that network."`
		EnabledEvents  []string `json:"enabled_events,omitempty" minItems:"1" maxItems:"100" doc:"Event types to receive, or [\"*\"] for all (opt-in types such as checkout.session.created must be named). Default [\"*\"]."`
		Description    string   `json:"description,omitempty" maxLength:"500"`
		APIVersion     string   `json:"api_version,omitempty" doc:"The API version of the payloads; only the current version is supported."`
		IdempotencyKey string   `json:"idempotency_key,omitempty" maxLength:"255" doc:"Same as the Idempotency-Key header."`
	}
}

var createEndpointOp = huma.Operation{
	OperationID: "create-webhook-endpoint", Method: http.MethodPost, Path: "/api/v1/webhook-endpoints", Tags: []string{"Webhooks"},
	Summary: "Create a webhook endpoint", DefaultStatus: http.StatusCreated,
	Description: "Registers a URL to receive events. The response is the only one that contains the signing secret (whsec_…): " +
		"store it now; later responses show only secret_hint. At most 16 endpoints per mode. " +
		"Errors: parameter_missing, url_invalid and url_not_allowed (param url), unknown_event_type (param enabled_events[i]), " +
		"unsupported_api_version, too_many_endpoints.",
}

func (s *Server) createEndpoint(ctx context.Context, in *CreateEndpointInput) (*EndpointOutput, error) {
	b := in.Body
	ep := gateway.EndpointInput{URL: &b.URL}
	if b.EnabledEvents != nil {
		ep.EnabledEvents = &b.EnabledEvents
	}
	if b.Description != "" {
		ep.Description = &b.Description
	}
	if b.APIVersion != "" {
		ep.APIVersion = &b.APIVersion
	}
	created, secret, err := s.gw.CreateEndpoint(ctx, merchantOf(ctx), ep)
	if err != nil {
		return nil, err
	}
	view := gateway.EndpointView(created)
	view.Secret = secret
	return &EndpointOutput{Body: view}, nil
}

var listEndpointsOp = huma.Operation{
	OperationID: "list-webhook-endpoints", Method: http.MethodGet, Path: "/api/v1/webhook-endpoints", Tags: []string{"Webhooks"},
	Summary:     "List webhook endpoints",
	Description: "Every endpoint of the key's mode (at most 16), newest first, in one page. Secrets are never shown.",
}

func (s *Server) listEndpoints(ctx context.Context, _ *struct{}) (*EndpointListOutput, error) {
	eps, err := s.gw.ListEndpoints(ctx, merchantOf(ctx))
	if err != nil {
		return nil, err
	}
	views := make([]gateway.EndpointObject, 0, len(eps))
	for _, ep := range eps {
		views = append(views, gateway.EndpointView(ep))
	}
	return &EndpointListOutput{Body: newList("/api/v1/webhook-endpoints", views, false)}, nil
}

var getEndpointOp = huma.Operation{
	OperationID: "get-webhook-endpoint", Method: http.MethodGet, Path: "/api/v1/webhook-endpoints/{id}", Tags: []string{"Webhooks"},
	Summary:     "Retrieve a webhook endpoint",
	Description: "The secret is not shown, only its last 4 characters (secret_hint). Errors: resource_missing (404).",
}

func (s *Server) getEndpoint(ctx context.Context, in *EndpointIDInput) (*EndpointOutput, error) {
	ep, err := s.gw.GetEndpoint(ctx, merchantOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &EndpointOutput{Body: gateway.EndpointView(ep)}, nil
}

// UpdateEndpointInput is the body of PATCH /api/v1/webhook-endpoints/{id}.
type UpdateEndpointInput struct {
	ID   string `path:"id" doc:"The endpoint id, we_…"`
	Body struct {
		URL           *string   `json:"url,omitempty" maxLength:"2048"`
		EnabledEvents *[]string `json:"enabled_events,omitempty" minItems:"1" maxItems:"100" doc:"Replaces the list."`
		Description   *string   `json:"description,omitempty" maxLength:"500"`
		Status        *string   `json:"status,omitempty" enum:"enabled,disabled" doc:"Enabling a disabled endpoint clears disabled_reason and the failure streak."`
	}
}

var updateEndpointOp = huma.Operation{
	OperationID: "update-webhook-endpoint", Method: http.MethodPatch, Path: "/api/v1/webhook-endpoints/{id}", Tags: []string{"Webhooks"},
	Summary:     "Update a webhook endpoint",
	Description: "Changes the URL, events, description or status. Fields left out keep their value. Errors: as for create; resource_missing (404).",
}

func (s *Server) updateEndpoint(ctx context.Context, in *UpdateEndpointInput) (*EndpointOutput, error) {
	b := in.Body
	patch := gateway.EndpointInput{URL: b.URL, EnabledEvents: b.EnabledEvents, Description: b.Description}
	if b.Status != nil {
		st := webhook.EndpointStatus(*b.Status)
		patch.Status = &st
	}
	ep, err := s.gw.UpdateEndpoint(ctx, merchantOf(ctx), in.ID, patch)
	if err != nil {
		return nil, err
	}
	return &EndpointOutput{Body: gateway.EndpointView(ep)}, nil
}

var deleteEndpointOp = huma.Operation{
	OperationID: "delete-webhook-endpoint", Method: http.MethodDelete, Path: "/api/v1/webhook-endpoints/{id}", Tags: []string{"Webhooks"},
	Summary: "Delete a webhook endpoint",
	Description: "Stops all deliveries to the endpoint (queued ones fail) and returns it with deleted: true. Its delivery " +
		"history stays readable. Errors: resource_missing (404).",
}

func (s *Server) deleteEndpoint(ctx context.Context, in *EndpointIDInput) (*EndpointOutput, error) {
	ep, err := s.gw.DeleteEndpoint(ctx, merchantOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &EndpointOutput{Body: gateway.EndpointView(ep)}, nil
}

// defaultRotationGrace is how long the previous secret keeps signing when the request does not say
// (docs/architecture.md §7).
const defaultRotationGrace = 24 * time.Hour

// RotateSecretInput is the body of POST /api/v1/webhook-endpoints/{id}/rotate-secret.
type RotateSecretInput struct {
	ID   string `path:"id" doc:"The endpoint id, we_…"`
	Body *struct {
		GracePeriodSeconds *int   `json:"grace_period_seconds,omitempty" minimum:"0" maximum:"604800" doc:"How long the previous secret keeps signing next to the new one: 0 (stop at once) to 604800 (7 days). Default 86400."`
		IdempotencyKey     string `json:"idempotency_key,omitempty" maxLength:"255" doc:"Same as the Idempotency-Key header."`
	}
}

var rotateSecretOp = huma.Operation{
	OperationID: "rotate-webhook-endpoint-secret", Method: http.MethodPost, Path: "/api/v1/webhook-endpoints/{id}/rotate-secret",
	Tags: []string{"Webhooks"}, Summary: "Rotate an endpoint's signing secret",
	Description: "Issues a new secret and returns it once, in secret. During the grace period every delivery carries " +
		"two signatures (new and previous secret), so the receiver can switch without rejecting a delivery. " +
		"Errors: parameter_invalid (param grace_period_seconds), resource_missing (404).",
}

func (s *Server) rotateSecret(ctx context.Context, in *RotateSecretInput) (*EndpointOutput, error) {
	grace := defaultRotationGrace
	if in.Body != nil && in.Body.GracePeriodSeconds != nil {
		grace = time.Duration(*in.Body.GracePeriodSeconds) * time.Second
	}
	ep, secret, err := s.gw.RotateSecret(ctx, merchantOf(ctx), in.ID, grace)
	if err != nil {
		return nil, err
	}
	view := gateway.EndpointView(ep)
	view.Secret = secret
	return &EndpointOutput{Body: view}, nil
}

// Replay is the result of re-queueing an endpoint's deliveries.
type Replay struct {
	Object     string `json:"object" enum:"webhook_replay"`
	EndpointID string `json:"endpoint_id"`
	Queued     int    `json:"queued" doc:"How many deliveries were queued again."`
}

// ReplayOutput wraps Replay.
type ReplayOutput struct {
	Body Replay
}

// ReplayInput is the body of POST /api/v1/webhook-endpoints/{id}/replay.
type ReplayInput struct {
	ID   string `path:"id" doc:"The endpoint id, we_…"`
	Body struct {
		Since          time.Time `json:"since" doc:"Replay deliveries created at or after this time (RFC 3339)."`
		Until          time.Time `json:"until,omitzero" doc:"And before this time (RFC 3339); default: now."`
		Status         string    `json:"status,omitempty" enum:"failed,delivered" default:"failed" doc:"Which deliveries to replay."`
		IdempotencyKey string    `json:"idempotency_key,omitempty" maxLength:"255" doc:"Same as the Idempotency-Key header."`
	}
}

var replayEndpointOp = huma.Operation{
	OperationID: "replay-webhook-endpoint", Method: http.MethodPost, Path: "/api/v1/webhook-endpoints/{id}/replay",
	Tags: []string{"Webhooks"}, Summary: "Replay an endpoint's deliveries",
	Description: "Queues again, due now, every delivery to this endpoint created in [since, until) with the given status " +
		"(failed by default), up to 10,000. Errors: parameter_missing / parameter_invalid (param since, until, status), " +
		"endpoint_disabled (409), resource_missing (404).",
}

func (s *Server) replayEndpoint(ctx context.Context, in *ReplayInput) (*ReplayOutput, error) {
	b := in.Body
	n, err := s.gw.ReplayEndpoint(ctx, merchantOf(ctx), in.ID, b.Since, b.Until, webhook.DeliveryStatus(b.Status))
	if err != nil {
		return nil, err
	}
	return &ReplayOutput{Body: Replay{Object: "webhook_replay", EndpointID: in.ID, Queued: n}}, nil
}

// Webhook deliveries: one event for one endpoint, with every attempt.

// Delivery is a webhook delivery as the API shows it.
type Delivery struct {
	Object        string     `json:"object" enum:"webhook_delivery"`
	ID            string     `json:"id"`
	Livemode      bool       `json:"livemode"`
	EventID       string     `json:"event_id"`
	EndpointID    string     `json:"endpoint_id"`
	EventType     string     `json:"event_type"`
	Status        string     `json:"status" enum:"pending,delivered,retrying,failed" doc:"pending: not attempted since it was (re)queued; retrying: failed, another attempt is scheduled; delivered: got a 2xx; failed: gave up."`
	Attempts      int        `json:"attempts" doc:"Number of attempts made."`
	NextAttemptAt *time.Time `json:"next_attempt_at" nullable:"true" doc:"When the next attempt is due; null once delivered or failed."`
	LastAttemptAt *time.Time `json:"last_attempt_at" nullable:"true"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// DeliveryAttempt is one HTTP request of a delivery and what came back.
type DeliveryAttempt struct {
	Number          int       `json:"number"`
	StartedAt       time.Time `json:"started_at"`
	DurationMS      int64     `json:"duration_ms"`
	HTTPStatus      int       `json:"http_status" doc:"0 when no response arrived (refused, timed out, connection failed)."`
	ResponseExcerpt string    `json:"response_excerpt" doc:"The first 4 KB of the response body."`
	Error           string    `json:"error" doc:"Why the attempt failed; empty when it succeeded."`
}

// DeliveryDetail is a delivery with its attempts.
type DeliveryDetail struct {
	Delivery
	AttemptHistory []DeliveryAttempt `json:"attempt_history"`
}

func deliveryView(d webhook.Delivery) Delivery {
	return Delivery{
		Object: "webhook_delivery", ID: d.ID, Livemode: d.Livemode, EventID: d.EventID, EndpointID: d.EndpointID,
		EventType: string(d.EventType), Status: string(d.Status), Attempts: d.Attempts, NextAttemptAt: d.NextAttemptAt,
		LastAttemptAt: d.LastAttemptAt, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
}

func deliveryViews(ds []webhook.Delivery) []Delivery {
	views := make([]Delivery, 0, len(ds))
	for _, d := range ds {
		views = append(views, deliveryView(d))
	}
	return views
}

// DeliveryOutput wraps one delivery.
type DeliveryOutput struct {
	Body Delivery
}

// DeliveryDetailOutput wraps one delivery with its attempts.
type DeliveryDetailOutput struct {
	Body DeliveryDetail
}

// DeliveryListOutput is a page of deliveries.
type DeliveryListOutput struct {
	Body List[Delivery]
}

// ListDeliveriesInput filters the list.
type ListDeliveriesInput struct {
	ListParams
	EndpointID string `query:"endpoint_id" maxLength:"64" doc:"Only deliveries to this endpoint."`
	EventType  string `query:"event_type" maxLength:"100" doc:"Only deliveries of events of this type."`
	EventID    string `query:"event_id" maxLength:"64" doc:"Only deliveries of this event."`
	Status     string `query:"status" enum:"pending,delivered,retrying,failed" doc:"Only deliveries in this status."`
}

var listDeliveriesOp = huma.Operation{
	OperationID: "list-webhook-deliveries", Method: http.MethodGet, Path: "/api/v1/webhook-deliveries", Tags: []string{"Webhooks"},
	Summary:     "List webhook deliveries",
	Description: "Newest first. Page with starting_after (next) or ending_before (previous). The attempts are in the single-delivery response.",
}

func (s *Server) listDeliveries(ctx context.Context, in *ListDeliveriesInput) (*DeliveryListOutput, error) {
	page, err := in.page()
	if err != nil {
		return nil, err
	}
	ds, more, err := s.gw.ListDeliveries(ctx, merchantOf(ctx), store.DeliveryFilter{
		EndpointID: in.EndpointID, EventType: in.EventType, EventID: in.EventID, Status: in.Status, Page: page,
	})
	if err != nil {
		return nil, err
	}
	return &DeliveryListOutput{Body: newList("/api/v1/webhook-deliveries", deliveryViews(ds), more)}, nil
}

// DeliveryIDInput names a delivery.
type DeliveryIDInput struct {
	ID string `path:"id" doc:"The delivery id, whd_…"`
}

var getDeliveryOp = huma.Operation{
	OperationID: "get-webhook-delivery", Method: http.MethodGet, Path: "/api/v1/webhook-deliveries/{id}", Tags: []string{"Webhooks"},
	Summary:     "Retrieve a webhook delivery",
	Description: "The delivery with every attempt in attempt_history (time, HTTP status, latency, response excerpt, error). Errors: resource_missing (404).",
}

func (s *Server) getDelivery(ctx context.Context, in *DeliveryIDInput) (*DeliveryDetailOutput, error) {
	d, err := s.gw.GetDelivery(ctx, merchantOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	history := make([]DeliveryAttempt, 0, len(d.Attempts))
	for _, a := range d.Attempts {
		history = append(history, DeliveryAttempt{
			Number: a.Number, StartedAt: a.StartedAt, DurationMS: a.Duration.Milliseconds(), HTTPStatus: a.HTTPStatus,
			ResponseExcerpt: a.ResponseExcerpt, Error: a.Error,
		})
	}
	return &DeliveryDetailOutput{Body: DeliveryDetail{Delivery: deliveryView(d.Delivery), AttemptHistory: history}}, nil
}

var retryDeliveryOp = huma.Operation{
	OperationID: "retry-webhook-delivery", Method: http.MethodPost, Path: "/api/v1/webhook-deliveries/{id}/retry", Tags: []string{"Webhooks"},
	Summary: "Redeliver a webhook delivery now",
	Description: "Queues the delivery again, due now, whatever its status (a delivered one is sent again; receivers dedupe " +
		"on the event id). Errors: endpoint_disabled (409), resource_missing (404).",
}

func (s *Server) retryDelivery(ctx context.Context, in *DeliveryIDInput) (*DeliveryOutput, error) {
	d, err := s.gw.RetryDelivery(ctx, merchantOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &DeliveryOutput{Body: deliveryView(d)}, nil
}

// TestDeliveriesInput is the body of POST /api/v1/webhook-test-deliveries.
type TestDeliveriesInput struct {
	Body struct {
		EndpointIDs    []string `json:"endpoint_ids" minItems:"1" maxItems:"16" doc:"The endpoints to send a test delivery to."`
		Type           string   `json:"type,omitempty" maxLength:"100" doc:"The event type of the sample; default test.ping."`
		IdempotencyKey string   `json:"idempotency_key,omitempty" maxLength:"255" doc:"Same as the Idempotency-Key header."`
	}
}

// DeliveryCreatedListOutput is the deliveries a request queued.
type DeliveryCreatedListOutput struct {
	Body List[Delivery]
}

var createTestDeliveriesOp = huma.Operation{
	OperationID: "create-webhook-test-deliveries", Method: http.MethodPost, Path: "/api/v1/webhook-test-deliveries", Tags: []string{"Webhooks"},
	Summary: "Send test deliveries", DefaultStatus: http.StatusCreated,
	Description: "Records a signed test event (test.ping, or a marked sample of the named type) per endpoint and queues its " +
		"delivery to that endpoint only, whatever events it subscribes to. Returns the queued deliveries. " +
		"Errors: unknown_event_type (param type), resource_missing (404, param endpoint_ids[i]), endpoint_disabled (409).",
}

func (s *Server) createTestDeliveries(ctx context.Context, in *TestDeliveriesInput) (*DeliveryCreatedListOutput, error) {
	ds, err := s.gw.SendTestDeliveries(ctx, merchantOf(ctx), in.Body.EndpointIDs, in.Body.Type)
	if err != nil {
		return nil, err
	}
	return &DeliveryCreatedListOutput{Body: newList("/api/v1/webhook-deliveries", deliveryViews(ds), false)}, nil
}

// registerWebhooks registers the routes of webhook endpoints and their deliveries.
func (s *Server) registerWebhooks() {
	register(s, authSecret, createEndpointOp, s.createEndpoint)
	register(s, authSecret, listEndpointsOp, s.listEndpoints)
	register(s, authSecret, getEndpointOp, s.getEndpoint)
	register(s, authSecret, updateEndpointOp, s.updateEndpoint)
	register(s, authSecret, deleteEndpointOp, s.deleteEndpoint)
	register(s, authSecret, rotateSecretOp, s.rotateSecret)
	register(s, authSecret, replayEndpointOp, s.replayEndpoint)
	register(s, authSecret, listDeliveriesOp, s.listDeliveries)
	register(s, authSecret, getDeliveryOp, s.getDelivery)
	register(s, authSecret, retryDeliveryOp, s.retryDelivery)
	register(s, authSecret, createTestDeliveriesOp, s.createTestDeliveries)
}
