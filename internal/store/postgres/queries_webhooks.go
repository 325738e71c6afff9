package postgres

// Events, webhook endpoints, deliveries and attempts.

import (
	"context"
	"time"

	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/postgres/pgdb"
	"github.com/kassapay/kassa/internal/webhook"
)

func eventFromRow(r pgdb.Event) webhook.Event {
	return webhook.Event{
		ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, Type: webhook.EventType(r.Type), ObjectID: r.ObjectID,
		Sequence: r.Sequence, APIVersion: r.ApiVersion, Data: []byte(r.Data), CreatedAt: r.CreatedAt.UTC(),
	}
}

func (s queries) GetEvent(ctx context.Context, merchantID string, livemode bool, id string) (webhook.Event, error) {
	r, err := s.q.GetEvent(ctx, pgdb.GetEventParams{MerchantID: merchantID, Livemode: livemode, ID: id})
	if err != nil {
		return webhook.Event{}, mapErr(err)
	}
	return eventFromRow(r), nil
}

func (s queries) GetEventByID(ctx context.Context, id string) (webhook.Event, error) {
	r, err := s.q.GetEventByID(ctx, id)
	if err != nil {
		return webhook.Event{}, mapErr(err)
	}
	return eventFromRow(r), nil
}

func (s queries) ListEvents(ctx context.Context, f store.EventFilter) ([]webhook.Event, error) {
	gte, lt := timeRange(f.CreatedGTE, f.CreatedLT)
	var rows []pgdb.Event
	var err error
	if f.EndingBefore != "" {
		rows, err = s.q.ListEventsEndingBefore(ctx, pgdb.ListEventsEndingBeforeParams{
			MerchantID: f.MerchantID, Livemode: f.Livemode, EndingBefore: f.EndingBefore, Type: f.Type,
			ObjectID: f.ObjectID, CreatedGte: gte, CreatedLt: lt, RowLimit: int64(f.Limit),
		})
		reverse(rows)
	} else {
		rows, err = s.q.ListEvents(ctx, pgdb.ListEventsParams{
			MerchantID: f.MerchantID, Livemode: f.Livemode, StartingAfter: f.StartingAfter, Type: f.Type,
			ObjectID: f.ObjectID, CreatedGte: gte, CreatedLt: lt, RowLimit: int64(f.Limit),
		})
	}
	return mapRows(rows, err, eventFromRow)
}

func endpointFromRow(r pgdb.WebhookEndpoint) (webhook.Endpoint, error) {
	e := webhook.Endpoint{
		ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, URL: r.Url, Description: r.Description,
		APIVersion: r.ApiVersion, Status: webhook.EndpointStatus(r.Status), DisabledReason: r.DisabledReason,
		SecretSealed: r.SecretSealed, SecretHint: r.SecretHint, PreviousSecretSealed: r.PreviousSecretSealed,
		PreviousSecretExpiresAt: tsPtr(r.PreviousSecretExpiresAt), FailingSince: tsPtr(r.FailingSince),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), DeletedAt: tsPtr(r.DeletedAt),
		Scope: webhook.EndpointScope(r.Scope),
	}
	return e, fromJSON(r.EnabledEvents, &e.EnabledEvents)
}

func endpointsFromRows(rows []pgdb.WebhookEndpoint) ([]webhook.Endpoint, error) {
	out := make([]webhook.Endpoint, 0, len(rows))
	for _, r := range rows {
		e, err := endpointFromRow(r)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func (s queries) InsertWebhookEndpoint(ctx context.Context, e webhook.Endpoint) error {
	events, err := toJSON(nonNil(e.EnabledEvents))
	if err != nil {
		return err
	}
	return mapErr(s.q.InsertWebhookEndpoint(ctx, pgdb.InsertWebhookEndpointParams{
		ID: e.ID, MerchantID: e.MerchantID, Livemode: e.Livemode, Url: e.URL, Description: e.Description,
		EnabledEvents: events, ApiVersion: e.APIVersion, Status: string(e.Status), DisabledReason: e.DisabledReason,
		SecretSealed: e.SecretSealed, SecretHint: e.SecretHint, PreviousSecretSealed: e.PreviousSecretSealed,
		PreviousSecretExpiresAt: tsPtr(e.PreviousSecretExpiresAt), FailingSince: tsPtr(e.FailingSince),
		CreatedAt: ts(e.CreatedAt), UpdatedAt: ts(e.UpdatedAt), DeletedAt: tsPtr(e.DeletedAt), Scope: string(scopeOrDefault(e.Scope)),
	}))
}

func scopeOrDefault(s webhook.EndpointScope) webhook.EndpointScope {
	if s == "" {
		return webhook.ScopeMerchant
	}
	return s
}

func (s queries) GetWebhookEndpoint(ctx context.Context, merchantID string, livemode bool, id string) (webhook.Endpoint, error) {
	r, err := s.q.GetWebhookEndpoint(ctx, pgdb.GetWebhookEndpointParams{MerchantID: merchantID, Livemode: livemode, ID: id})
	if err != nil {
		return webhook.Endpoint{}, mapErr(err)
	}
	return endpointFromRow(r)
}

func (s queries) GetWebhookEndpointByID(ctx context.Context, id string) (webhook.Endpoint, error) {
	r, err := s.q.GetWebhookEndpointByID(ctx, id)
	if err != nil {
		return webhook.Endpoint{}, mapErr(err)
	}
	return endpointFromRow(r)
}

func (s queries) LockWebhookEndpoint(ctx context.Context, id string) (webhook.Endpoint, error) {
	r, err := s.q.LockWebhookEndpoint(ctx, id)
	if err != nil {
		return webhook.Endpoint{}, mapErr(err)
	}
	return endpointFromRow(pgdb.WebhookEndpoint(r))
}

func (s queries) ListWebhookEndpoints(ctx context.Context, merchantID string, livemode bool) ([]webhook.Endpoint, error) {
	rows, err := s.q.ListWebhookEndpoints(ctx, pgdb.ListWebhookEndpointsParams{MerchantID: merchantID, Livemode: livemode})
	if err != nil {
		return nil, mapErr(err)
	}
	return endpointsFromRows(rows)
}

func (s queries) ListEnabledWebhookEndpoints(ctx context.Context, merchantID string, livemode bool) ([]webhook.Endpoint, error) {
	rows, err := s.q.ListEnabledWebhookEndpoints(ctx, pgdb.ListEnabledWebhookEndpointsParams{MerchantID: merchantID, Livemode: livemode})
	if err != nil {
		return nil, mapErr(err)
	}
	return endpointsFromRows(rows)
}

func (s queries) UpdateWebhookEndpoint(ctx context.Context, e webhook.Endpoint) error {
	events, err := toJSON(nonNil(e.EnabledEvents))
	if err != nil {
		return err
	}
	n, err := s.q.UpdateWebhookEndpoint(ctx, pgdb.UpdateWebhookEndpointParams{
		ID: e.ID, Url: e.URL, Description: e.Description, EnabledEvents: events, ApiVersion: e.APIVersion,
		Status: string(e.Status), DisabledReason: e.DisabledReason, SecretSealed: e.SecretSealed, SecretHint: e.SecretHint,
		PreviousSecretSealed: e.PreviousSecretSealed, PreviousSecretExpiresAt: tsPtr(e.PreviousSecretExpiresAt),
		FailingSince: tsPtr(e.FailingSince), UpdatedAt: ts(e.UpdatedAt), DeletedAt: tsPtr(e.DeletedAt),
	})
	return rowsErr(n, err, store.ErrNotFound)
}

func deliveryFromRow(r pgdb.WebhookDelivery) webhook.Delivery {
	return webhook.Delivery{
		ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, EventID: r.EventID, EndpointID: r.EndpointID,
		EventType: webhook.EventType(r.EventType), Status: webhook.DeliveryStatus(r.Status), Attempts: int(r.Attempts),
		NextAttemptAt: tsPtr(r.NextAttemptAt), LastAttemptAt: tsPtr(r.LastAttemptAt),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

func deliveriesFromRows(rows []pgdb.WebhookDelivery) []webhook.Delivery {
	out := make([]webhook.Delivery, 0, len(rows))
	for _, r := range rows {
		out = append(out, deliveryFromRow(r))
	}
	return out
}

func (s queries) InsertWebhookDelivery(ctx context.Context, d webhook.Delivery) error {
	return mapErr(s.q.InsertWebhookDelivery(ctx, pgdb.InsertWebhookDeliveryParams{
		ID: d.ID, MerchantID: d.MerchantID, Livemode: d.Livemode, EventID: d.EventID, EndpointID: d.EndpointID,
		EventType: string(d.EventType), Status: string(d.Status), Attempts: int64(d.Attempts),
		NextAttemptAt: tsPtr(d.NextAttemptAt), LastAttemptAt: tsPtr(d.LastAttemptAt),
		CreatedAt: ts(d.CreatedAt), UpdatedAt: ts(d.UpdatedAt),
	}))
}

func (s queries) GetWebhookDelivery(ctx context.Context, merchantID string, livemode bool, id string) (webhook.Delivery, error) {
	r, err := s.q.GetWebhookDelivery(ctx, pgdb.GetWebhookDeliveryParams{MerchantID: merchantID, Livemode: livemode, ID: id})
	if err != nil {
		return webhook.Delivery{}, mapErr(err)
	}
	return deliveryFromRow(r), nil
}

func (s queries) GetWebhookDeliveryByID(ctx context.Context, id string) (webhook.Delivery, error) {
	r, err := s.q.GetWebhookDeliveryByID(ctx, id)
	if err != nil {
		return webhook.Delivery{}, mapErr(err)
	}
	return deliveryFromRow(r), nil
}

func (s queries) LockWebhookDelivery(ctx context.Context, id string) (webhook.Delivery, error) {
	r, err := s.q.LockWebhookDelivery(ctx, id)
	if err != nil {
		return webhook.Delivery{}, mapErr(err)
	}
	return deliveryFromRow(pgdb.WebhookDelivery(r)), nil
}

func (s queries) UpdateWebhookDelivery(ctx context.Context, d webhook.Delivery) error {
	n, err := s.q.UpdateWebhookDelivery(ctx, pgdb.UpdateWebhookDeliveryParams{
		ID: d.ID, Status: string(d.Status), Attempts: int64(d.Attempts), NextAttemptAt: tsPtr(d.NextAttemptAt),
		LastAttemptAt: tsPtr(d.LastAttemptAt), UpdatedAt: ts(d.UpdatedAt),
	})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) ListWebhookDeliveries(ctx context.Context, f store.DeliveryFilter) ([]webhook.Delivery, error) {
	gte, lt := timeRange(f.CreatedGTE, f.CreatedLT)
	if f.EndingBefore != "" {
		rows, err := s.q.ListWebhookDeliveriesEndingBefore(ctx, pgdb.ListWebhookDeliveriesEndingBeforeParams{
			MerchantID: f.MerchantID, Livemode: f.Livemode, EndingBefore: f.EndingBefore, EndpointID: f.EndpointID,
			EventType: f.EventType, Status: f.Status, EventID: f.EventID, CreatedGte: gte, CreatedLt: lt, RowLimit: int64(f.Limit),
		})
		if err != nil {
			return nil, mapErr(err)
		}
		return reverse(deliveriesFromRows(rows)), nil
	}
	rows, err := s.q.ListWebhookDeliveries(ctx, pgdb.ListWebhookDeliveriesParams{
		MerchantID: f.MerchantID, Livemode: f.Livemode, StartingAfter: f.StartingAfter, EndpointID: f.EndpointID,
		EventType: f.EventType, Status: f.Status, EventID: f.EventID, CreatedGte: gte, CreatedLt: lt, RowLimit: int64(f.Limit),
	})
	if err != nil {
		return nil, mapErr(err)
	}
	return deliveriesFromRows(rows), nil
}

func (s queries) ListDueWebhookDeliveries(ctx context.Context, now time.Time, limit int) ([]webhook.Delivery, error) {
	n := ts(now)
	rows, err := s.q.ListDueWebhookDeliveries(ctx, pgdb.ListDueWebhookDeliveriesParams{Now: &n, RowLimit: int64(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return deliveriesFromRows(rows), nil
}

func (s queries) GetWebhookAttemptContext(ctx context.Context, deliveryID string) (webhook.Delivery, webhook.Endpoint, webhook.Event, error) {
	r, err := s.q.GetWebhookAttemptContext(ctx, deliveryID)
	if err != nil {
		return webhook.Delivery{}, webhook.Endpoint{}, webhook.Event{}, mapErr(err)
	}
	ep, err := endpointFromRow(r.WebhookEndpoint)
	return deliveryFromRow(r.WebhookDelivery), ep, eventFromRow(r.Event), err
}

func (s queries) InsertWebhookAttempt(ctx context.Context, a webhook.Attempt) error {
	return mapErr(s.q.InsertWebhookAttempt(ctx, pgdb.InsertWebhookAttemptParams{
		ID: a.ID, DeliveryID: a.DeliveryID, Attempt: int64(a.Number), StartedAt: ts(a.StartedAt),
		DurationMs: a.Duration.Milliseconds(), HttpStatus: int64(a.HTTPStatus), ResponseExcerpt: a.ResponseExcerpt, Error: a.Error,
	}))
}

func (s queries) ListWebhookAttempts(ctx context.Context, deliveryID string) ([]webhook.Attempt, error) {
	rows, err := s.q.ListWebhookAttempts(ctx, deliveryID)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]webhook.Attempt, 0, len(rows))
	for _, r := range rows {
		out = append(out, webhook.Attempt{
			ID: r.ID, DeliveryID: r.DeliveryID, Number: int(r.Attempt), StartedAt: r.StartedAt.UTC(),
			Duration: time.Duration(r.DurationMs) * time.Millisecond, HTTPStatus: int(r.HttpStatus),
			ResponseExcerpt: r.ResponseExcerpt, Error: r.Error,
		})
	}
	return out, nil
}
