package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/webhook"
)

// Event is an event as the API shows it: field for field, in the same order, the body Kassa delivers to webhook
// endpoints (webhook.Event.Payload), so what a merchant reads here is what its endpoint received.
type Event struct {
	ID         string    `json:"id"`
	Object     string    `json:"object" enum:"event"`
	APIVersion string    `json:"api_version"`
	Type       string    `json:"type" doc:"What happened, e.g. payment.succeeded; see the event catalogue."`
	CreatedAt  time.Time `json:"created_at" doc:"RFC 3339, whole seconds."`
	Livemode   bool      `json:"livemode"`
	MerchantID string    `json:"merchant_id"`
	Sequence   int64     `json:"sequence" doc:"Increases with every event of the same object: drop an update older than one already applied."`
	// Data is kept as recorded (never decoded and re-encoded), so it stays byte for byte what was signed.
	Data json.RawMessage `json:"data" doc:"The affected object as the API returned it when the event happened."`
}

func eventView(e webhook.Event) Event {
	data := e.Data
	if len(data) == 0 {
		data = json.RawMessage("null")
	}
	return Event{
		// The payload carries whole seconds; so does this view.
		ID: e.ID, Object: "event", APIVersion: e.APIVersion, Type: string(e.Type), CreatedAt: e.CreatedAt.UTC().Truncate(time.Second),
		Livemode: e.Livemode, MerchantID: e.MerchantID, Sequence: e.Sequence, Data: data,
	}
}

// EventOutput wraps one event.
type EventOutput struct {
	Body Event
}

// EventListOutput is a page of events.
type EventListOutput struct {
	Body List[Event]
}

// ListEventsInput filters the list.
type ListEventsInput struct {
	ListParams
	Type       string    `query:"type" maxLength:"100" doc:"Only events of this type, e.g. payment.succeeded."`
	ObjectID   string    `query:"object_id" maxLength:"64" doc:"Only events about this object."`
	CreatedGTE time.Time `query:"created[gte]" doc:"Only events created at or after this time (RFC 3339)."`
	CreatedLT  time.Time `query:"created[lt]" doc:"Only events created before this time (RFC 3339)."`
}

var listEventsOp = huma.Operation{
	OperationID: "list-events", Method: http.MethodGet, Path: "/api/v1/events", Tags: []string{"Events"},
	Summary: "List events",
	Description: "Newest first. Page with starting_after (next) or ending_before (previous). Filter by type, object_id " +
		"and a creation range, created[gte] and created[lt] (RFC 3339; percent-encoded brackets work too).",
}

func (s *Server) listEvents(ctx context.Context, in *ListEventsInput) (*EventListOutput, error) {
	page, err := in.page()
	if err != nil {
		return nil, err
	}
	evs, more, err := s.gw.ListEvents(ctx, merchantOf(ctx), store.EventFilter{
		Type: in.Type, ObjectID: in.ObjectID, CreatedGTE: in.CreatedGTE, CreatedLT: in.CreatedLT, Page: page,
	})
	if err != nil {
		return nil, err
	}
	views := make([]Event, 0, len(evs))
	for _, ev := range evs {
		views = append(views, eventView(ev))
	}
	return &EventListOutput{Body: newList("/api/v1/events", views, more)}, nil
}

// GetEventInput names the event.
type GetEventInput struct {
	ID string `path:"id" doc:"The event id, evt_…"`
}

var getEventOp = huma.Operation{
	OperationID: "get-event", Method: http.MethodGet, Path: "/api/v1/events/{id}", Tags: []string{"Events"},
	Summary:     "Retrieve an event",
	Description: "The event exactly as delivered to webhook endpoints. Errors: resource_missing (404).",
}

func (s *Server) getEvent(ctx context.Context, in *GetEventInput) (*EventOutput, error) {
	ev, err := s.gw.GetEvent(ctx, merchantOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &EventOutput{Body: eventView(ev)}, nil
}

// TriggerEventInput is the body of POST /api/v1/test-events.
type TriggerEventInput struct {
	Body struct {
		Type           string `json:"type" maxLength:"100" doc:"The event type to produce; test.ping until the sandbox produces other events."`
		IdempotencyKey string `json:"idempotency_key,omitempty" maxLength:"255" doc:"Same as the Idempotency-Key header."`
	}
}

var triggerEventOp = huma.Operation{
	OperationID: "create-test-event", Method: http.MethodPost, Path: "/api/v1/test-events", Tags: []string{"Events"},
	Summary: "Trigger a test event", DefaultStatus: http.StatusCreated,
	Description: "Test mode only: records an event of the type and delivers it like any other, to every enabled endpoint " +
		"subscribed to it (and to `kassa listen`). Errors: event_type_not_triggerable (param type), test_mode_only (403).",
}

func (s *Server) triggerEvent(ctx context.Context, in *TriggerEventInput) (*EventOutput, error) {
	ev, err := s.gw.TriggerTestEvent(ctx, merchantOf(ctx), in.Body.Type)
	if err != nil {
		return nil, err
	}
	return &EventOutput{Body: eventView(ev)}, nil
}

// registerEvents registers the routes of events.
func (s *Server) registerEvents() {
	register(s, authSecret, listEventsOp, s.listEvents)
	register(s, authSecret, getEventOp, s.getEvent)
	register(s, authSecret, triggerEventOp, s.triggerEvent)
}
