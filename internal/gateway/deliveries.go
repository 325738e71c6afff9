package gateway

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/kassapay/kassa/internal/crashpoint"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/logging"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/webhook"
	"github.com/kassapay/kassa/internal/webhook/webhookhttp"
)

// NotDueError says a job's work (a delivery's next attempt, an order payment waiting for its request's provider
// call or for the payer) is due later; the job should wait until then.
type NotDueError struct {
	Until time.Time
}

func (e *NotDueError) Error() string {
	return "not due until " + e.Until.Format(time.RFC3339)
}

// AttemptDelivery makes the next attempt of a delivery: it signs the event's payload with the endpoint's secrets and
// POSTs it (webhookhttp, the only place the HTTP exchange happens), records the attempt, and schedules the next one
// or finishes the delivery. It is safe to call more than once (jobs are at-least-once): a delivery that is already
// delivered or failed is left alone. If the process dies after sending and before recording, the job runs again and
// the receiver may get the event twice (receivers dedupe on the event id) — but it is never lost.
func (g *Gateway) AttemptDelivery(ctx context.Context, deliveryID string) error {
	d, ep, ev, err := g.store.GetWebhookAttemptContext(ctx, deliveryID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil // the row is gone (never committed): nothing to deliver
		}
		return err
	}
	if d.Status == webhook.DeliveryDelivered || d.Status == webhook.DeliveryFailed {
		return nil
	}
	now := g.Now()
	if d.NextAttemptAt != nil && d.NextAttemptAt.After(now) {
		return &NotDueError{Until: *d.NextAttemptAt}
	}
	if ep.Status != webhook.EndpointStatusEnabled || ep.DeletedAt != nil {
		return g.finishUnsent(ctx, d, ep)
	}
	body, err := ev.Payload()
	if err != nil {
		return err
	}
	secrets, err := g.signingSecrets(ep, now)
	if err != nil {
		return err
	}

	attempt := webhook.Attempt{ID: id.New("wha_", now), DeliveryID: d.ID, Number: d.Attempts + 1, StartedAt: now}
	outcome := g.send(ctx, ep, ev, secrets, body, &attempt)
	crashpoint.Hit("webhook.job.sent")
	if g.webhooks.AfterSend != nil {
		if err := g.webhooks.AfterSend(d.ID); err != nil {
			return err
		}
	}
	return g.recordAttempt(ctx, d.ID, ep, attempt, outcome)
}

// send makes the attempt's HTTP exchange (webhookhttp.Send) and fills in the attempt record.
func (g *Gateway) send(ctx context.Context, ep webhook.Endpoint, ev webhook.Event, secrets []string, body []byte, a *webhook.Attempt) webhook.Outcome {
	res := webhookhttp.Send(ctx, g.webhooks.client, webhookhttp.Request{
		URL: ep.URL, EventID: ev.ID, APIVersion: ev.APIVersion, Body: body, Secrets: secrets, SignedAt: g.Now(),
	})
	a.HTTPStatus, a.ResponseExcerpt, a.Duration = res.Status, logging.Redact(res.Excerpt), res.Duration
	if !res.Outcome.Delivered {
		a.Error = res.Outcome.Reason
	}
	return res.Outcome
}

// recordAttempt stores an attempt and moves the delivery (and, on 410 or a 5-day failure streak, the endpoint).
// The endpoint row is locked only when the endpoint changes: every delivery to an endpoint locking it would make one
// hot row of the busiest path (docs/architecture.md §13).
//
// ep is the endpoint as read before sending; it only decides whether the endpoint needs changing, which is then
// done on a freshly locked copy.
func (g *Gateway) recordAttempt(ctx context.Context, deliveryID string, ep webhook.Endpoint, a webhook.Attempt, o webhook.Outcome) error {
	return g.store.InTx(ctx, func(tx store.Tx) error {
		d, err := tx.LockWebhookDelivery(ctx, deliveryID)
		if err != nil {
			return err
		}
		now := g.Now()
		a.Number = d.Attempts + 1
		if err := tx.InsertWebhookAttempt(ctx, a); err != nil {
			return err
		}
		if d.Status == webhook.DeliveryDelivered || d.Status == webhook.DeliveryFailed {
			// Another attempt (a manual retry, the sweep) overlapped this one and finished first: keep its outcome,
			// just count this attempt. A late success still makes a failed delivery delivered.
			d.Attempts, d.LastAttemptAt, d.UpdatedAt = a.Number, &a.StartedAt, now
			if o.Delivered {
				d.Status, d.NextAttemptAt = webhook.DeliveryDelivered, nil
			}
			return tx.UpdateWebhookDelivery(ctx, d)
		}
		d.Attempts, d.LastAttemptAt, d.UpdatedAt, d.NextAttemptAt = a.Number, &a.StartedAt, now, nil
		// changeEndpoint applies fn to the freshly locked endpoint and saves it.
		changeEndpoint := func(fn func(ep *webhook.Endpoint) error) error {
			locked, err := tx.LockWebhookEndpoint(ctx, ep.ID)
			if err != nil {
				return err
			}
			if err := fn(&locked); err != nil {
				return err
			}
			locked.UpdatedAt = now
			ep = locked
			return tx.UpdateWebhookEndpoint(ctx, locked)
		}
		switch {
		case o.Delivered:
			d.Status = webhook.DeliveryDelivered
			if ep.FailingSince != nil {
				if err := changeEndpoint(func(ep *webhook.Endpoint) error { ep.FailingSince = nil; return nil }); err != nil {
					return err
				}
			}
		case o.DisableEndpoint:
			d.Status = webhook.DeliveryFailed
			err := changeEndpoint(func(ep *webhook.Endpoint) error {
				if ep.Status != webhook.EndpointStatusEnabled {
					return nil
				}
				return g.disableEndpoint(ctx, tx, ep, "the receiver answered 410 Gone")
			})
			if err != nil {
				return err
			}
		default:
			if ep.FailingSince == nil || (now.Sub(*ep.FailingSince) >= webhook.DisableAfter && ep.Status == webhook.EndpointStatusEnabled) {
				err := changeEndpoint(func(ep *webhook.Endpoint) error {
					if ep.FailingSince == nil {
						ep.FailingSince = &a.StartedAt
					}
					if now.Sub(*ep.FailingSince) >= webhook.DisableAfter && ep.Status == webhook.EndpointStatusEnabled {
						return g.disableEndpoint(ctx, tx, ep, "every delivery failed for 5 days")
					}
					return nil
				})
				if err != nil {
					return err
				}
			}
			if ep.Status != webhook.EndpointStatusEnabled {
				d.Status = webhook.DeliveryFailed
				break
			}
			next, ok := g.webhooks.Schedule.Next(a.Number, a.StartedAt, o.RetryAfter)
			if !ok {
				d.Status = webhook.DeliveryFailed
				break
			}
			d.Status, d.NextAttemptAt = webhook.DeliveryRetrying, &next
			if err := tx.Enqueue(ctx, DeliverArgs{DeliveryID: d.ID}, &river.InsertOpts{Queue: WebhookQueue, ScheduledAt: next}); err != nil {
				return err
			}
		}
		return tx.UpdateWebhookDelivery(ctx, d)
	})
}

// disableEndpoint turns an endpoint off and records endpoint.disabled (delivered to the merchant's other endpoints
// that subscribe to it, and shown in the dashboard).
func (g *Gateway) disableEndpoint(ctx context.Context, tx store.Tx, ep *webhook.Endpoint, reason string) error {
	ep.Status, ep.DisabledReason, ep.UpdatedAt = webhook.EndpointStatusDisabled, reason, g.Now()
	// Saved first, so that the event below is not queued to the endpoint it disables.
	if err := tx.UpdateWebhookEndpoint(ctx, *ep); err != nil {
		return err
	}
	_, err := g.RecordEvent(ctx, tx, EventInput{
		MerchantID: ep.MerchantID, Livemode: ep.Livemode, Type: webhook.EventEndpointDisabled, ObjectID: ep.ID,
		Data: EndpointView(*ep),
	})
	return err
}

// finishUnsent fails a delivery whose endpoint was disabled or deleted before its attempt.
func (g *Gateway) finishUnsent(ctx context.Context, d webhook.Delivery, ep webhook.Endpoint) error {
	return g.store.InTx(ctx, func(tx store.Tx) error {
		cur, err := tx.LockWebhookDelivery(ctx, d.ID)
		if err != nil {
			return err
		}
		if cur.Status == webhook.DeliveryDelivered || cur.Status == webhook.DeliveryFailed {
			return nil
		}
		reason := "endpoint disabled: " + ep.DisabledReason
		if ep.DeletedAt != nil {
			reason = "endpoint deleted"
		}
		now := g.Now()
		a := webhook.Attempt{ID: id.New("wha_", now), DeliveryID: d.ID, Number: cur.Attempts + 1, StartedAt: now, Error: "not sent: " + reason}
		if err := tx.InsertWebhookAttempt(ctx, a); err != nil {
			return err
		}
		cur.Status, cur.Attempts, cur.NextAttemptAt, cur.UpdatedAt = webhook.DeliveryFailed, a.Number, nil, now
		return tx.UpdateWebhookDelivery(ctx, cur)
	})
}

// DeliveryDetail is a delivery with its event and every attempt.
type DeliveryDetail struct {
	webhook.Delivery
	Attempts []webhook.Attempt
}

// GetDelivery returns one of the caller's deliveries with its attempts.
func (g *Gateway) GetDelivery(ctx context.Context, a Auth, deliveryID string) (DeliveryDetail, error) {
	if !id.HasPrefix(deliveryID, "whd_") {
		return DeliveryDetail{}, NotFound("webhook delivery", deliveryID)
	}
	d, err := g.store.GetWebhookDelivery(ctx, a.Merchant.ID, a.Livemode(), deliveryID)
	if err != nil {
		return DeliveryDetail{}, notFoundAs(err, "webhook delivery", deliveryID)
	}
	attempts, err := g.store.ListWebhookAttempts(ctx, d.ID)
	return DeliveryDetail{Delivery: d, Attempts: attempts}, err
}

// ListDeliveries returns a page of the caller's deliveries, newest first.
func (g *Gateway) ListDeliveries(ctx context.Context, a Auth, f store.DeliveryFilter) ([]webhook.Delivery, bool, error) {
	f.MerchantID, f.Livemode = a.Merchant.ID, a.Livemode()
	want := f.Limit
	f.Limit++
	ds, err := g.store.ListWebhookDeliveries(ctx, f)
	if err != nil {
		return nil, false, err
	}
	return trimPage(ds, want, f.EndingBefore != "")
}

// requeue makes a delivery pending and due now, with a job, inside tx.
func (g *Gateway) requeue(ctx context.Context, tx store.Tx, d webhook.Delivery) (webhook.Delivery, error) {
	now := g.Now()
	d.Status, d.NextAttemptAt, d.UpdatedAt = webhook.DeliveryPending, &now, now
	if err := tx.UpdateWebhookDelivery(ctx, d); err != nil {
		return d, err
	}
	return d, tx.Enqueue(ctx, DeliverArgs{DeliveryID: d.ID}, nil)
}

// RetryDelivery redelivers now, whatever the delivery's state: a failed one is retried, a delivered one is sent
// again (receivers dedupe on the event id). The endpoint must be enabled.
func (g *Gateway) RetryDelivery(ctx context.Context, a Auth, deliveryID string) (webhook.Delivery, error) {
	if !id.HasPrefix(deliveryID, "whd_") {
		return webhook.Delivery{}, NotFound("webhook delivery", deliveryID)
	}
	var d webhook.Delivery
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		d, err = tx.LockWebhookDelivery(ctx, deliveryID)
		if err != nil || d.MerchantID != a.Merchant.ID || d.Livemode != a.Livemode() {
			if err == nil || errors.Is(err, store.ErrNotFound) {
				return NotFound("webhook delivery", deliveryID)
			}
			return err
		}
		ep, err := tx.GetWebhookEndpointByID(ctx, d.EndpointID)
		if err != nil {
			return err
		}
		if ep.Status != webhook.EndpointStatusEnabled || ep.DeletedAt != nil {
			return Errorf(KindConflict, "endpoint_disabled", "The endpoint %s is disabled or deleted; enable it before redelivering.", ep.ID)
		}
		d, err = g.requeue(ctx, tx, d)
		return err
	})
	return d, err
}

// maxReplay bounds one replay request.
const maxReplay = 10_000

// ReplayEndpoint re-queues every delivery of an endpoint created in [since, until) with the given status (failed by
// default) and returns how many it queued.
func (g *Gateway) ReplayEndpoint(ctx context.Context, a Auth, endpointID string, since, until time.Time, status webhook.DeliveryStatus) (int, error) {
	if status == "" {
		status = webhook.DeliveryFailed
	}
	if status != webhook.DeliveryFailed && status != webhook.DeliveryDelivered {
		return 0, InvalidParam("status", "parameter_invalid", "Replay takes status failed or delivered.")
	}
	if since.IsZero() {
		return 0, InvalidParam("since", "parameter_missing", "since is required.")
	}
	if !until.IsZero() && !until.After(since) {
		return 0, InvalidParam("until", "parameter_invalid", "until must be after since.")
	}
	ep, err := g.GetEndpoint(ctx, a, endpointID)
	if err != nil {
		return 0, err
	}
	if ep.Status != webhook.EndpointStatusEnabled {
		return 0, Errorf(KindConflict, "endpoint_disabled", "The endpoint %s is disabled; enable it before replaying.", ep.ID)
	}
	queued := 0
	cursor := ""
	for queued < maxReplay {
		page, err := g.store.ListWebhookDeliveries(ctx, store.DeliveryFilter{
			MerchantID: a.Merchant.ID, Livemode: a.Livemode(), EndpointID: ep.ID, Status: string(status),
			CreatedGTE: since, CreatedLT: until, Page: store.Page{Limit: 500, StartingAfter: cursor},
		})
		if err != nil {
			return queued, err
		}
		if len(page) == 0 {
			break
		}
		err = g.store.InTx(ctx, func(tx store.Tx) error {
			for _, d := range page {
				cur, err := tx.LockWebhookDelivery(ctx, d.ID)
				if err != nil {
					return err
				}
				if cur.Status != status {
					continue
				}
				if _, err := g.requeue(ctx, tx, cur); err != nil {
					return err
				}
				queued++
			}
			return nil
		})
		if err != nil {
			return queued, err
		}
		cursor = page[len(page)-1].ID
	}
	return queued, nil
}

// TestEventData is the data of a test.ping event.
type TestEventData struct {
	Object     string `json:"object"`
	Message    string `json:"message"`
	EndpointID string `json:"endpoint_id,omitempty"`
}

// SendTestDeliveries records one signed test event per listed endpoint (test.ping, or a sample of the named type)
// and delivers it to that endpoint only, whatever events it subscribes to.
func (g *Gateway) SendTestDeliveries(ctx context.Context, a Auth, endpointIDs []string, eventType string) ([]webhook.Delivery, error) {
	if len(endpointIDs) == 0 || len(endpointIDs) > maxEndpointsPerMode {
		return nil, InvalidParam("endpoint_ids", "parameter_invalid", fmt.Sprintf("endpoint_ids takes 1 to %d endpoint ids.", maxEndpointsPerMode))
	}
	typ := webhook.EventTestPing
	if eventType != "" {
		typ = webhook.EventType(eventType)
		if eventType == webhook.AllEvents || !webhook.ValidEnabledEvent(eventType) {
			return nil, InvalidParam("type", "unknown_event_type", "\""+eventType+"\" is not an event type.")
		}
	}
	var out []webhook.Delivery
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		seen := map[string]bool{}
		for i, epID := range endpointIDs {
			if seen[epID] {
				continue
			}
			seen[epID] = true
			ep, err := lockEndpoint(ctx, tx, a, epID)
			if err != nil {
				var ge *Error
				if errors.As(err, &ge) && ge.Kind == KindNotFound {
					ge.Param = fmt.Sprintf("endpoint_ids[%d]", i)
				}
				return err
			}
			if ep.Status != webhook.EndpointStatusEnabled {
				return Errorf(KindConflict, "endpoint_disabled", "The endpoint %s is disabled; enable it before sending a test delivery.", ep.ID)
			}
			ev, err := g.RecordEvent(ctx, tx, EventInput{
				MerchantID: a.Merchant.ID, Livemode: a.Livemode(), Type: typ, ObjectID: ep.ID,
				Data: sampleData(typ, ep.ID), OnlyEndpoints: []webhook.Endpoint{ep},
			})
			if err != nil {
				return err
			}
			ds, err := tx.ListWebhookDeliveries(ctx, store.DeliveryFilter{MerchantID: a.Merchant.ID, Livemode: a.Livemode(), EventID: ev.ID, Page: store.Page{Limit: 1}})
			if err != nil {
				return err
			}
			out = append(out, ds...)
		}
		return nil
	})
	return out, err
}

// sampleData is the data of a test event: a ping, or a clearly marked sample object of the type's kind.
func sampleData(typ webhook.EventType, endpointID string) any {
	if typ == webhook.EventTestPing {
		return TestEventData{Object: "test", Message: "A test delivery from Kassa: your endpoint received and can verify it.", EndpointID: endpointID}
	}
	return map[string]any{"object": "sample", "sample": true, "event_type": string(typ), "endpoint_id": endpointID,
		"message": "A sample of this event type for testing your endpoint; the fields of real events are in the API reference."}
}

// TriggerTestEvent records a test.ping event for the merchant, delivered like any event to every enabled endpoint
// subscribed to it (and seen by `kassa listen`). Test mode only.
func (g *Gateway) TriggerTestEvent(ctx context.Context, a Auth, eventType string) (webhook.Event, error) {
	if a.Livemode() {
		return webhook.Event{}, Errorf(KindForbidden, "test_mode_only", "Events can be triggered with test keys only.")
	}
	if eventType != string(webhook.EventTestPing) {
		return webhook.Event{}, InvalidParam("type", "event_type_not_triggerable",
			"Only test.ping can be triggered until the sandbox produces other events; use webhook-test-deliveries to send samples.")
	}
	var ev webhook.Event
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		ev, err = g.RecordEvent(ctx, tx, EventInput{
			MerchantID: a.Merchant.ID, Type: webhook.EventTestPing, ObjectID: a.Merchant.ID,
			Data: TestEventData{Object: "test", Message: "Triggered from the command line."},
		})
		return err
	})
	if err != nil {
		return webhook.Event{}, err
	}
	return g.store.GetEvent(ctx, a.Merchant.ID, false, ev.ID) // with the sequence the store gave it
}

// EnqueueDueDeliveries queues a job for every delivery whose attempt is overdue by more than a minute: a safety net
// for jobs lost outside the database's guarantees. The periodic sweep calls it; jobs for a delivery that is handled
// meanwhile find nothing to do.
func (g *Gateway) EnqueueDueDeliveries(ctx context.Context) (int, error) {
	due, err := g.store.ListDueWebhookDeliveries(ctx, g.Now().Add(-time.Minute), 1000)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		for _, d := range due {
			opts := &river.InsertOpts{Queue: WebhookQueue, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: 5 * time.Minute}}
			if err := tx.Enqueue(ctx, DeliverArgs{DeliveryID: d.ID}, opts); err != nil {
				return err
			}
		}
		return nil
	})
	return len(due), err
}
