package gateway

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/webhook"
)

// APIVersion is the date-named version of the API contract events and endpoints carry.
const APIVersion = "2026-11-01"

// DeliverArgs is the job that makes the next attempt of one webhook delivery. It points at the delivery row, never
// at anything River owns, and is safe to run more than once.
type DeliverArgs struct {
	DeliveryID string `json:"delivery_id"`
}

// Kind implements river.JobArgs.
func (DeliverArgs) Kind() string { return "webhook_delivery" }

// WebhookQueue is the River queue deliveries run on, apart from other jobs, so that slow receivers never hold up
// the rest of the system.
const WebhookQueue = "webhooks"

// InsertOpts puts deliveries on their own queue and lets River retry a crashed attempt (at-least-once).
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: WebhookQueue, MaxAttempts: 25}
}

// EventInput describes something that happened to an object.
type EventInput struct {
	MerchantID string
	Livemode   bool
	Type       webhook.EventType
	// ObjectID is the affected object; its events are numbered 1, 2, … (sequence).
	ObjectID string
	// Data is the affected object as the API shows it (marshalled to JSON).
	Data any
	// OnlyEndpoints, when set, delivers to exactly these endpoints (test deliveries) instead of every enabled
	// endpoint subscribed to the type.
	OnlyEndpoints []webhook.Endpoint
	// SessionEndpointID is the endpoint a checkout session's webhook_url named: it receives the session's events
	// whatever it subscribes to. Endpoints registered that way receive nothing else.
	SessionEndpointID string
}

// RecordEvent records an event inside the caller's transaction, with one delivery per matching enabled endpoint
// and the jobs that deliver them. The store numbers the event (its Sequence is read back with GetEvent). If the transaction rolls back, none of it happened: no event, no delivery, no
// request (docs/architecture.md §1).
func (g *Gateway) RecordEvent(ctx context.Context, tx store.Tx, in EventInput) (webhook.Event, error) {
	data, err := json.Marshal(in.Data)
	if err != nil {
		return webhook.Event{}, fmt.Errorf("gateway: event data: %w", err)
	}
	now := g.Now()
	ev := webhook.Event{
		ID: id.New("evt_", now), Type: in.Type, APIVersion: APIVersion, CreatedAt: now, Livemode: in.Livemode,
		MerchantID: in.MerchantID, ObjectID: in.ObjectID, Data: data,
	}
	if err := tx.InsertEvent(ctx, ev); err != nil {
		return webhook.Event{}, err
	}
	endpoints := in.OnlyEndpoints
	if endpoints == nil {
		all, err := tx.ListEnabledWebhookEndpoints(ctx, in.MerchantID, in.Livemode)
		if err != nil {
			return webhook.Event{}, err
		}
		for _, ep := range all {
			switch {
			case ep.ID == in.SessionEndpointID && !in.Type.OptIn():
				endpoints = append(endpoints, ep)
			case ep.Scope == webhook.ScopeSession:
				// another session's endpoint: not for this event
			case in.Type.Matches(ep.EnabledEvents):
				endpoints = append(endpoints, ep)
			}
		}
	}
	for _, ep := range endpoints {
		d := webhook.Delivery{
			ID: id.New("whd_", now), MerchantID: in.MerchantID, Livemode: in.Livemode, EventID: ev.ID, EndpointID: ep.ID,
			EventType: ev.Type, Status: webhook.DeliveryPending, NextAttemptAt: &now, CreatedAt: now, UpdatedAt: now,
		}
		if err := tx.InsertWebhookDelivery(ctx, d); err != nil {
			return webhook.Event{}, err
		}
		if err := tx.Enqueue(ctx, DeliverArgs{DeliveryID: d.ID}, nil); err != nil {
			return webhook.Event{}, err
		}
	}
	return ev, nil
}

// GetEvent returns one of the caller's events.
func (g *Gateway) GetEvent(ctx context.Context, a Auth, eventID string) (webhook.Event, error) {
	if !id.HasPrefix(eventID, "evt_") {
		return webhook.Event{}, NotFound("event", eventID)
	}
	e, err := g.store.GetEvent(ctx, a.Merchant.ID, a.Livemode(), eventID)
	return e, notFoundAs(err, "event", eventID)
}

// ListEvents returns a page of the caller's events, newest first.
func (g *Gateway) ListEvents(ctx context.Context, a Auth, f store.EventFilter) ([]webhook.Event, bool, error) {
	f.MerchantID, f.Livemode = a.Merchant.ID, a.Livemode()
	return listPage(&f.Limit, f.EndingBefore != "", func() ([]webhook.Event, error) { return g.store.ListEvents(ctx, f) })
}

// listPage lists one row more than the page's limit, to know whether there are more, and trims it (trimPage).
func listPage[T any](limit *int, endingBefore bool, list func() ([]T, error)) ([]T, bool, error) {
	want := *limit
	*limit++
	rows, err := list()
	if err != nil {
		return nil, false, err
	}
	return trimPage(rows, want, endingBefore)
}

// trimPage drops the extra row a list asked for to learn whether more exist.
func trimPage[T any](rows []T, want int, endingBefore bool) ([]T, bool, error) {
	if len(rows) <= want {
		return rows, false, nil
	}
	if endingBefore {
		return rows[1:], true, nil
	}
	return rows[:want], true, nil
}
