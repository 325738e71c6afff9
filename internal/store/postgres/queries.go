package postgres

// This file converts between the domain types and the rows sqlc generates. The SQLite package gets an identical
// copy (sqlite/queries_gen.go) by go generate, because sqlc emits structurally identical types for both engines.

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/customer"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/idempotency"
	"github.com/kassapay/kassa/internal/ledger"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/refund"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/dbtype"
	"github.com/kassapay/kassa/internal/store/postgres/pgdb"
	"github.com/kassapay/kassa/internal/vault"
	"github.com/kassapay/kassa/internal/webhook"
)

type queries struct {
	q *pgdb.Queries
}

// ts normalizes a time for storage: UTC, microsecond precision (PostgreSQL's), so both engines round-trip it
// exactly and SQLite's text timestamps compare in time order.
func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func tsPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := ts(*t)
	return &v
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func toJSON(v any) (dbtype.JSON, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("store: encode json: %w", err)
	}
	return b, nil
}

func fromJSON(b dbtype.JSON, v any) error {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("store: decode json: %w", err)
	}
	return nil
}

func (s queries) InsertMerchant(ctx context.Context, m merchant.Merchant) error {
	origins, err := toJSON(nonNil(m.CheckoutAllowedOrigins))
	if err != nil {
		return err
	}
	limits, err := toJSON(m.RateLimits)
	if err != nil {
		return err
	}
	return mapErr(s.q.InsertMerchant(ctx, pgdb.InsertMerchantParams{
		ID: m.ID, Name: m.Name, Email: m.Email, Status: string(m.Status),
		CheckoutAllowedOrigins: origins, RateLimits: limits, SandboxProviderPage: m.SandboxProviderPage,
		CreatedAt: ts(m.CreatedAt), UpdatedAt: ts(m.UpdatedAt),
	}))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func merchantFromRow(r pgdb.Merchant) (merchant.Merchant, error) {
	m := merchant.Merchant{
		ID: r.ID, Name: r.Name, Email: r.Email, Status: merchant.Status(r.Status), SandboxProviderPage: r.SandboxProviderPage,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if err := fromJSON(r.CheckoutAllowedOrigins, &m.CheckoutAllowedOrigins); err != nil {
		return m, err
	}
	if err := fromJSON(r.RateLimits, &m.RateLimits); err != nil {
		return m, err
	}
	return m, nil
}

func (s queries) GetMerchant(ctx context.Context, id string) (merchant.Merchant, error) {
	r, err := s.q.GetMerchant(ctx, id)
	if err != nil {
		return merchant.Merchant{}, mapErr(err)
	}
	return merchantFromRow(r)
}

func (s queries) LockMerchant(ctx context.Context, id string) (merchant.Merchant, error) {
	r, err := s.q.LockMerchant(ctx, id)
	if err != nil {
		return merchant.Merchant{}, mapErr(err)
	}
	return merchantFromRow(pgdb.Merchant(r))
}

func (s queries) ListMerchants(ctx context.Context) ([]merchant.Merchant, error) {
	rows, err := s.q.ListMerchants(ctx)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]merchant.Merchant, 0, len(rows))
	for _, r := range rows {
		m, err := merchantFromRow(r)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func (s queries) UpdateMerchant(ctx context.Context, m merchant.Merchant) error {
	origins, err := toJSON(nonNil(m.CheckoutAllowedOrigins))
	if err != nil {
		return err
	}
	limits, err := toJSON(m.RateLimits)
	if err != nil {
		return err
	}
	n, err := s.q.UpdateMerchant(ctx, pgdb.UpdateMerchantParams{
		ID: m.ID, Name: m.Name, Email: m.Email, Status: string(m.Status),
		CheckoutAllowedOrigins: origins, RateLimits: limits, SandboxProviderPage: m.SandboxProviderPage, UpdatedAt: ts(m.UpdatedAt),
	})
	return rowsErr(n, err, store.ErrNotFound)
}

func rowsErr(n int64, err error, none error) error {
	if err != nil {
		return mapErr(err)
	}
	if n == 0 {
		return none
	}
	return nil
}

func apiKeyFromRow(r pgdb.ApiKey) merchant.APIKey {
	return merchant.APIKey{
		ID: r.ID, MerchantID: r.MerchantID, Kind: merchant.KeyKind(r.Kind), Livemode: r.Livemode, Hint: r.Hint,
		CreatedAt: r.CreatedAt.UTC(), ExpiresAt: tsPtr(r.ExpiresAt), RevokedAt: tsPtr(r.RevokedAt),
	}
}

func (s queries) InsertAPIKey(ctx context.Context, k merchant.APIKey, hash string) error {
	return mapErr(s.q.InsertAPIKey(ctx, pgdb.InsertAPIKeyParams{
		ID: k.ID, MerchantID: k.MerchantID, Kind: string(k.Kind), Livemode: k.Livemode, KeyHash: hash, Hint: k.Hint,
		CreatedAt: ts(k.CreatedAt), ExpiresAt: tsPtr(k.ExpiresAt), RevokedAt: tsPtr(k.RevokedAt),
	}))
}

func (s queries) GetAPIKeyByHash(ctx context.Context, hash string) (merchant.APIKey, error) {
	r, err := s.q.GetAPIKeyByHash(ctx, hash)
	if err != nil {
		return merchant.APIKey{}, mapErr(err)
	}
	if !merchant.HashesEqual(r.KeyHash, hash) {
		return merchant.APIKey{}, store.ErrNotFound
	}
	return apiKeyFromRow(r), nil
}

func (s queries) ListAPIKeys(ctx context.Context, merchantID string) ([]merchant.APIKey, error) {
	rows, err := s.q.ListAPIKeys(ctx, merchantID)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]merchant.APIKey, 0, len(rows))
	for _, r := range rows {
		out = append(out, apiKeyFromRow(r))
	}
	return out, nil
}

func (s queries) ExpireAPIKeys(ctx context.Context, merchantID string, kind merchant.KeyKind, livemode bool, at time.Time) (int64, error) {
	n, err := s.q.ExpireAPIKeys(ctx, pgdb.ExpireAPIKeysParams{
		MerchantID: merchantID, Kind: string(kind), Livemode: livemode, ExpiresAt: tsPtr(&at),
	})
	return n, mapErr(err)
}

func (s queries) RevokeAPIKey(ctx context.Context, merchantID, keyID string, at time.Time) error {
	n, err := s.q.RevokeAPIKey(ctx, pgdb.RevokeAPIKeyParams{ID: keyID, MerchantID: merchantID, RevokedAt: tsPtr(&at)})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) InsertUser(ctx context.Context, u merchant.User) error {
	return mapErr(s.q.InsertUser(ctx, pgdb.InsertUserParams{
		ID: u.ID, MerchantID: strPtr(u.MerchantID), Email: u.Email, PasswordHash: u.PasswordHash,
		Role: string(u.Role), CreatedAt: ts(u.CreatedAt),
	}))
}

func (s queries) GetUserByEmail(ctx context.Context, email string) (merchant.User, error) {
	r, err := s.q.GetUserByEmail(ctx, email)
	if err != nil {
		return merchant.User{}, mapErr(err)
	}
	return merchant.User{
		ID: r.ID, MerchantID: str(r.MerchantID), Email: r.Email, PasswordHash: r.PasswordHash,
		Role: merchant.Role(r.Role), CreatedAt: r.CreatedAt.UTC(),
	}, nil
}

func (s queries) InsertInstanceSetting(ctx context.Context, key, value string, at time.Time) (bool, error) {
	n, err := s.q.InsertInstanceSetting(ctx, pgdb.InsertInstanceSettingParams{Key: key, Value: value, CreatedAt: ts(at)})
	return n == 1, mapErr(err)
}

func (s queries) GetInstanceSetting(ctx context.Context, key string) (string, error) {
	r, err := s.q.GetInstanceSetting(ctx, key)
	if err != nil {
		return "", mapErr(err)
	}
	return r.Value, nil
}

func customerFromRow(r pgdb.Customer) (customer.Customer, error) {
	c := customer.Customer{
		ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, Email: r.Email, Name: r.Name, Phone: r.Phone,
		Description: r.Description, IdempotencyKey: str(r.IdempotencyKey), IdempotencyHash: str(r.IdempotencyHash),
		CreatedAt: r.CreatedAt.UTC(),
	}
	return c, fromJSON(r.Metadata, &c.Metadata)
}

func customersFromRows(rows []pgdb.Customer) ([]customer.Customer, error) {
	out := make([]customer.Customer, 0, len(rows))
	for _, r := range rows {
		c, err := customerFromRow(r)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func (s queries) InsertCustomer(ctx context.Context, c customer.Customer) (bool, error) {
	md := c.Metadata
	if md == nil {
		md = map[string]string{}
	}
	metadata, err := toJSON(md)
	if err != nil {
		return false, err
	}
	n, err := s.q.InsertCustomer(ctx, pgdb.InsertCustomerParams{
		ID: c.ID, MerchantID: c.MerchantID, Livemode: c.Livemode, Email: c.Email, Name: c.Name, Phone: c.Phone,
		Description: c.Description, Metadata: metadata, IdempotencyKey: strPtr(c.IdempotencyKey),
		IdempotencyHash: strPtr(c.IdempotencyHash), CreatedAt: ts(c.CreatedAt),
	})
	return n == 1, mapErr(err)
}

func (s queries) GetCustomer(ctx context.Context, merchantID string, livemode bool, id string) (customer.Customer, error) {
	r, err := s.q.GetCustomer(ctx, pgdb.GetCustomerParams{MerchantID: merchantID, Livemode: livemode, ID: id})
	if err != nil {
		return customer.Customer{}, mapErr(err)
	}
	return customerFromRow(r)
}

func (s queries) GetCustomerByIdempotencyKey(ctx context.Context, merchantID string, livemode bool, key string) (customer.Customer, error) {
	r, err := s.q.GetCustomerByIdempotencyKey(ctx, pgdb.GetCustomerByIdempotencyKeyParams{
		MerchantID: merchantID, Livemode: livemode, IdempotencyKey: &key,
	})
	if err != nil {
		return customer.Customer{}, mapErr(err)
	}
	return customerFromRow(r)
}

func (s queries) ListCustomers(ctx context.Context, f store.CustomerFilter) ([]customer.Customer, error) {
	if f.EndingBefore != "" {
		rows, err := s.q.ListCustomersEndingBefore(ctx, pgdb.ListCustomersEndingBeforeParams{
			MerchantID: f.MerchantID, Livemode: f.Livemode, EndingBefore: f.EndingBefore, Email: f.Email, RowLimit: int64(f.Limit),
		})
		if err != nil {
			return nil, mapErr(err)
		}
		out, err := customersFromRows(rows)
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
		return out, err
	}
	rows, err := s.q.ListCustomers(ctx, pgdb.ListCustomersParams{
		MerchantID: f.MerchantID, Livemode: f.Livemode, StartingAfter: f.StartingAfter, Email: f.Email, RowLimit: int64(f.Limit),
	})
	if err != nil {
		return nil, mapErr(err)
	}
	return customersFromRows(rows)
}

func (s queries) ClaimIdempotencyKey(ctx context.Context, r idempotency.Record) (bool, error) {
	n, err := s.q.ClaimIdempotencyKey(ctx, pgdb.ClaimIdempotencyKeyParams{
		MerchantID: r.MerchantID, Livemode: r.Livemode, Route: r.Route, Key: r.Key, RequestHash: r.RequestHash,
		LockedUntil: ts(r.LockedUntil), CreatedAt: ts(r.CreatedAt), ExpiresAt: ts(r.ExpiresAt),
	})
	return n == 1, mapErr(err)
}

func (s queries) GetIdempotencyKey(ctx context.Context, sc idempotency.Scope) (idempotency.Record, error) {
	r, err := s.q.GetIdempotencyKey(ctx, pgdb.GetIdempotencyKeyParams{
		MerchantID: sc.MerchantID, Livemode: sc.Livemode, Route: sc.Route, Key: sc.Key,
	})
	if err != nil {
		return idempotency.Record{}, mapErr(err)
	}
	return idempotency.Record{
		Scope:       idempotency.Scope{MerchantID: r.MerchantID, Livemode: r.Livemode, Route: r.Route, Key: r.Key},
		RequestHash: r.RequestHash, Status: idempotency.Status(r.Status),
		ResponseStatus: int(r.ResponseStatus), ResponseBody: r.ResponseBody,
		LockedUntil: r.LockedUntil.UTC(), CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(),
	}, nil
}

func (s queries) TakeOverIdempotencyKey(ctx context.Context, sc idempotency.Scope, requestHash string, now, lockedUntil time.Time) (bool, error) {
	n, err := s.q.TakeOverIdempotencyKey(ctx, pgdb.TakeOverIdempotencyKeyParams{
		MerchantID: sc.MerchantID, Livemode: sc.Livemode, Route: sc.Route, Key: sc.Key,
		RequestHash: requestHash, Now: ts(now), LockedUntil: ts(lockedUntil),
	})
	return n == 1, mapErr(err)
}

func (s queries) CompleteIdempotencyKey(ctx context.Context, sc idempotency.Scope, status int, body []byte) error {
	n, err := s.q.CompleteIdempotencyKey(ctx, pgdb.CompleteIdempotencyKeyParams{
		MerchantID: sc.MerchantID, Livemode: sc.Livemode, Route: sc.Route, Key: sc.Key,
		ResponseStatus: int64(status), ResponseBody: body,
	})
	return rowsErr(n, err, store.ErrNotUpdated)
}

func (s queries) DeleteIdempotencyKey(ctx context.Context, sc idempotency.Scope) error {
	return mapErr(s.q.DeleteIdempotencyKey(ctx, pgdb.DeleteIdempotencyKeyParams{
		MerchantID: sc.MerchantID, Livemode: sc.Livemode, Route: sc.Route, Key: sc.Key,
	}))
}

func (s queries) DeleteExpiredIdempotencyKey(ctx context.Context, sc idempotency.Scope, now time.Time) (bool, error) {
	n, err := s.q.DeleteExpiredIdempotencyKey(ctx, pgdb.DeleteExpiredIdempotencyKeyParams{
		MerchantID: sc.MerchantID, Livemode: sc.Livemode, Route: sc.Route, Key: sc.Key, Now: ts(now),
	})
	return n == 1, mapErr(err)
}

func (s queries) DeleteExpiredIdempotencyKeys(ctx context.Context, now time.Time) (int64, error) {
	n, err := s.q.DeleteExpiredIdempotencyKeys(ctx, ts(now))
	return n, mapErr(err)
}

// Open time ranges are stored as far-away instants so one query serves filtered and unfiltered lists.
var (
	minTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

func timeRange(gte, lt time.Time) (time.Time, time.Time) {
	if gte.IsZero() {
		gte = minTime
	}
	if lt.IsZero() {
		lt = maxTime
	}
	return ts(gte), ts(lt)
}

func reverse[T any](s []T) []T {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
	return s
}

func (s queries) NextObjectSequence(ctx context.Context, objectID string) (int64, error) {
	n, err := s.q.NextObjectSequence(ctx, objectID)
	return n, mapErr(err)
}

func (s queries) InsertEvent(ctx context.Context, e webhook.Event) error {
	return mapErr(s.q.InsertEvent(ctx, pgdb.InsertEventParams{
		ID: e.ID, MerchantID: e.MerchantID, Livemode: e.Livemode, Type: string(e.Type), ObjectID: e.ObjectID,
		Sequence: e.Sequence, ApiVersion: e.APIVersion, Data: dbtype.JSON(e.Data), CreatedAt: ts(e.CreatedAt),
	}))
}

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
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]webhook.Event, 0, len(rows))
	for _, r := range rows {
		out = append(out, eventFromRow(r))
	}
	return out, nil
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

func sessionFromRow(r pgdb.CheckoutSession) checkout.Session {
	return checkout.Session{
		ID: r.ID, Kind: checkout.Kind(r.Kind), MerchantID: r.MerchantID, Livemode: r.Livemode, ExternalOrderID: r.ExternalOrderID,
		ExternalInvoiceID: r.ExternalInvoiceID, WebsiteKey: r.WebsiteKey, Amount: r.Amount, Currency: r.Currency,
		Description: r.Description, SuccessURL: r.SuccessUrl, CancelURL: r.CancelUrl, WebhookEndpointID: str(r.WebhookEndpointID),
		Customer: checkout.Customer{Email: r.CustomerEmail, Name: r.CustomerName, Phone: r.CustomerPhone},
		Metadata: []byte(r.Metadata), Status: checkout.Status(r.Status), FailedAttempts: int(r.FailedAttempts),
		PaymentID: str(r.PaymentID), IdempotencyKey: r.IdempotencyKey, IdempotencyHash: r.IdempotencyHash,
		Provider: r.Provider, ProviderTransactionID: r.ProviderTransactionID, FailureCode: r.FailureCode, FailureMessage: r.FailureMessage,
		ProviderCheckoutURL: r.ProviderCheckoutUrl,
		ExpiresAt:           r.ExpiresAt.UTC(), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

func sessionsFromRows(rows []pgdb.CheckoutSession) []checkout.Session {
	out := make([]checkout.Session, 0, len(rows))
	for _, r := range rows {
		out = append(out, sessionFromRow(r))
	}
	return out
}

func (s queries) InsertCheckoutSession(ctx context.Context, cs checkout.Session) (bool, error) {
	md := dbtype.JSON(cs.Metadata)
	if len(md) == 0 {
		md = dbtype.JSON("{}")
	}
	n, err := s.q.InsertCheckoutSession(ctx, pgdb.InsertCheckoutSessionParams{
		ID: cs.ID, Kind: string(cs.Kind), MerchantID: cs.MerchantID, Livemode: cs.Livemode, ExternalOrderID: cs.ExternalOrderID,
		ExternalInvoiceID: cs.ExternalInvoiceID, WebsiteKey: cs.WebsiteKey, Amount: cs.Amount, Currency: cs.Currency,
		Description: cs.Description, SuccessUrl: cs.SuccessURL, CancelUrl: cs.CancelURL, WebhookEndpointID: strPtr(cs.WebhookEndpointID),
		CustomerEmail: cs.Customer.Email, CustomerName: cs.Customer.Name, CustomerPhone: cs.Customer.Phone, Metadata: md,
		Status: string(cs.Status), FailedAttempts: int64(cs.FailedAttempts), PaymentID: strPtr(cs.PaymentID),
		IdempotencyKey: cs.IdempotencyKey, IdempotencyHash: cs.IdempotencyHash, ExpiresAt: ts(cs.ExpiresAt),
		CreatedAt: ts(cs.CreatedAt), UpdatedAt: ts(cs.UpdatedAt), ProviderCheckoutUrl: cs.ProviderCheckoutURL,
	})
	return n == 1, mapErr(err)
}

func (s queries) GetCheckoutSession(ctx context.Context, merchantID string, livemode bool, id string) (checkout.Session, error) {
	r, err := s.q.GetCheckoutSession(ctx, pgdb.GetCheckoutSessionParams{MerchantID: merchantID, Livemode: livemode, ID: id})
	if err != nil {
		return checkout.Session{}, mapErr(err)
	}
	return sessionFromRow(r), nil
}

func (s queries) GetCheckoutSessionByIdempotencyKey(ctx context.Context, merchantID string, livemode bool, kind checkout.Kind, externalOrderID, key string) (checkout.Session, error) {
	r, err := s.q.GetCheckoutSessionByIdempotencyKey(ctx, pgdb.GetCheckoutSessionByIdempotencyKeyParams{
		MerchantID: merchantID, Livemode: livemode, Kind: string(kind), ExternalOrderID: externalOrderID, IdempotencyKey: key,
	})
	if err != nil {
		return checkout.Session{}, mapErr(err)
	}
	return sessionFromRow(r), nil
}

func (s queries) GetCheckoutSessionByID(ctx context.Context, sessionID string) (checkout.Session, error) {
	r, err := s.q.GetCheckoutSessionByID(ctx, sessionID)
	if err != nil {
		return checkout.Session{}, mapErr(err)
	}
	return sessionFromRow(r), nil
}

func (s queries) LockCheckoutSession(ctx context.Context, id string) (checkout.Session, error) {
	r, err := s.q.LockCheckoutSession(ctx, id)
	if err != nil {
		return checkout.Session{}, mapErr(err)
	}
	return sessionFromRow(pgdb.CheckoutSession(r)), nil
}

func (s queries) UpdateCheckoutSession(ctx context.Context, cs checkout.Session) error {
	n, err := s.q.UpdateCheckoutSession(ctx, pgdb.UpdateCheckoutSessionParams{
		ID: cs.ID, Status: string(cs.Status), FailedAttempts: int64(cs.FailedAttempts), PaymentID: strPtr(cs.PaymentID),
		Provider: cs.Provider, ProviderTransactionID: cs.ProviderTransactionID, FailureCode: cs.FailureCode,
		FailureMessage: cs.FailureMessage, UpdatedAt: ts(cs.UpdatedAt),
	})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) ListCheckoutSessions(ctx context.Context, f store.SessionFilter) ([]checkout.Session, error) {
	gte, lt := timeRange(f.CreatedGTE, f.CreatedLT)
	if f.EndingBefore != "" {
		rows, err := s.q.ListCheckoutSessionsEndingBefore(ctx, pgdb.ListCheckoutSessionsEndingBeforeParams{
			MerchantID: f.MerchantID, Livemode: f.Livemode, Kind: string(f.Kind), EndingBefore: f.EndingBefore, Status: f.Status,
			ExternalOrderID: f.ExternalOrderID, CreatedGte: gte, CreatedLt: lt, RowLimit: int64(f.Limit),
		})
		if err != nil {
			return nil, mapErr(err)
		}
		return reverse(sessionsFromRows(rows)), nil
	}
	rows, err := s.q.ListCheckoutSessions(ctx, pgdb.ListCheckoutSessionsParams{
		MerchantID: f.MerchantID, Livemode: f.Livemode, Kind: string(f.Kind), StartingAfter: f.StartingAfter, Status: f.Status,
		ExternalOrderID: f.ExternalOrderID, CreatedGte: gte, CreatedLt: lt, RowLimit: int64(f.Limit),
	})
	if err != nil {
		return nil, mapErr(err)
	}
	return sessionsFromRows(rows), nil
}

func (s queries) ListExpiredCheckoutSessions(ctx context.Context, now time.Time, limit int) ([]checkout.Session, error) {
	rows, err := s.q.ListExpiredCheckoutSessions(ctx, pgdb.ListExpiredCheckoutSessionsParams{Now: ts(now), RowLimit: int64(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return sessionsFromRows(rows), nil
}

func (s queries) InsertSavedCard(ctx context.Context, c payment.SavedCard) error {
	d := c.Sealed.Display
	return mapErr(s.q.InsertPaymentMethod(ctx, pgdb.InsertPaymentMethodParams{
		ID: c.ID, MerchantID: c.MerchantID, Livemode: c.Livemode, Brand: string(d.Brand), First6: d.First6, Last4: d.Last4,
		ExpMonth: int64(d.ExpMonth), ExpYear: int64(d.ExpYear), Fingerprint: c.Sealed.Fingerprint,
		Ciphertext: c.Sealed.Ciphertext, WrappedKey: c.Sealed.WrappedKey, KeyVersion: int64(c.Sealed.KeyVersion),
		CreatedAt: ts(c.CreatedAt),
	}))
}

func (s queries) GetSavedCard(ctx context.Context, cardID string) (payment.SavedCard, error) {
	r, err := s.q.GetPaymentMethod(ctx, cardID)
	if err != nil {
		return payment.SavedCard{}, mapErr(err)
	}
	return payment.SavedCard{
		ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, CreatedAt: r.CreatedAt.UTC(),
		Sealed: vault.Sealed{
			Ciphertext: r.Ciphertext, WrappedKey: r.WrappedKey, KeyVersion: int(r.KeyVersion), Fingerprint: r.Fingerprint,
			Display: vault.Display{Brand: vault.Brand(r.Brand), First6: r.First6, Last4: r.Last4, ExpMonth: int(r.ExpMonth), ExpYear: int(r.ExpYear)},
		},
	}, nil
}

func paymentFromRow(r pgdb.Payment) payment.Payment {
	return payment.Payment{
		ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, Status: payment.Status(r.Status), Method: payment.Method(r.Method),
		CaptureMethod: payment.CaptureMethod(r.CaptureMethod), Amount: r.Amount, Currency: r.Currency, Captured: r.AmountCaptured,
		Refunded: r.AmountRefunded, RefundsPending: r.AmountRefundsPending, PaymentMethodID: str(r.PaymentMethodID),
		Card:          payment.CardDisplay{Brand: r.CardBrand, First6: r.CardFirst6, Last4: r.CardLast4, ExpMonth: int(r.CardExpMonth), ExpYear: int(r.CardExpYear)},
		CustomerEmail: r.CustomerEmail, CustomerName: r.CustomerName, Description: r.Description, Metadata: []byte(r.Metadata),
		ExternalOrderID: r.ExternalOrderID, ExternalInvoiceID: r.ExternalInvoiceID, SourceKind: r.SourceKind, SourceID: r.SourceID,
		Provider: r.Provider, ProviderTransactionID: r.ProviderTransactionID, Scenario: r.Scenario, FailureCode: r.FailureCode,
		FailureMessage: r.FailureMessage, DeclineCode: r.DeclineCode, RecoveryAttempts: int(r.RecoveryAttempts),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

func paymentsFromRows(rows []pgdb.Payment) []payment.Payment {
	out := make([]payment.Payment, 0, len(rows))
	for _, r := range rows {
		out = append(out, paymentFromRow(r))
	}
	return out
}

func (s queries) InsertPayment(ctx context.Context, p payment.Payment) error {
	md := dbtype.JSON(p.Metadata)
	if len(md) == 0 {
		md = dbtype.JSON("{}")
	}
	return mapErr(s.q.InsertPayment(ctx, pgdb.InsertPaymentParams{
		ID: p.ID, MerchantID: p.MerchantID, Livemode: p.Livemode, Status: string(p.Status), Method: string(p.Method),
		CaptureMethod: string(p.CaptureMethod), Amount: p.Amount, Currency: p.Currency, AmountCaptured: p.Captured,
		AmountRefunded: p.Refunded, AmountRefundsPending: p.RefundsPending, PaymentMethodID: strPtr(p.PaymentMethodID),
		CardBrand: p.Card.Brand, CardFirst6: p.Card.First6, CardLast4: p.Card.Last4, CardExpMonth: int64(p.Card.ExpMonth),
		CardExpYear: int64(p.Card.ExpYear), CustomerEmail: p.CustomerEmail, CustomerName: p.CustomerName,
		Description: p.Description, Metadata: md, ExternalOrderID: p.ExternalOrderID, ExternalInvoiceID: p.ExternalInvoiceID,
		SourceKind: p.SourceKind, SourceID: p.SourceID, Provider: p.Provider, ProviderTransactionID: p.ProviderTransactionID,
		Scenario: p.Scenario, FailureCode: p.FailureCode, FailureMessage: p.FailureMessage, DeclineCode: p.DeclineCode,
		RecoveryAttempts: int64(p.RecoveryAttempts), CreatedAt: ts(p.CreatedAt), UpdatedAt: ts(p.UpdatedAt),
	}))
}

func (s queries) GetPayment(ctx context.Context, merchantID string, livemode bool, paymentID string) (payment.Payment, error) {
	r, err := s.q.GetPayment(ctx, pgdb.GetPaymentParams{MerchantID: merchantID, Livemode: livemode, ID: paymentID})
	if err != nil {
		return payment.Payment{}, mapErr(err)
	}
	return paymentFromRow(r), nil
}

func (s queries) GetPaymentByID(ctx context.Context, paymentID string) (payment.Payment, error) {
	r, err := s.q.GetPaymentByID(ctx, paymentID)
	if err != nil {
		return payment.Payment{}, mapErr(err)
	}
	return paymentFromRow(r), nil
}

func (s queries) LockPayment(ctx context.Context, paymentID string) (payment.Payment, error) {
	r, err := s.q.LockPayment(ctx, paymentID)
	if err != nil {
		return payment.Payment{}, mapErr(err)
	}
	return paymentFromRow(pgdb.Payment(r)), nil
}

func (s queries) UpdatePayment(ctx context.Context, p payment.Payment) error {
	n, err := s.q.UpdatePayment(ctx, pgdb.UpdatePaymentParams{
		ID: p.ID, Status: string(p.Status), AmountCaptured: p.Captured, AmountRefunded: p.Refunded,
		AmountRefundsPending: p.RefundsPending, ProviderTransactionID: p.ProviderTransactionID, FailureCode: p.FailureCode,
		FailureMessage: p.FailureMessage, DeclineCode: p.DeclineCode, RecoveryAttempts: int64(p.RecoveryAttempts),
		UpdatedAt: ts(p.UpdatedAt),
	})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) ListPayments(ctx context.Context, f store.PaymentFilter) ([]payment.Payment, error) {
	rows, err := s.q.ListPayments(ctx, pgdb.ListPaymentsParams{
		MerchantID: f.MerchantID, Livemode: f.Livemode, StartingAfter: f.StartingAfter, Status: f.Status, SourceID: f.SourceID,
		RowLimit: int64(f.Limit),
	})
	if err != nil {
		return nil, mapErr(err)
	}
	return paymentsFromRows(rows), nil
}

func (s queries) ListStalePendingPayments(ctx context.Context, before time.Time, limit int) ([]payment.Payment, error) {
	rows, err := s.q.ListStalePendingPayments(ctx, pgdb.ListStalePendingPaymentsParams{Before: ts(before), RowLimit: int64(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return paymentsFromRows(rows), nil
}

func transactionFromRow(r pgdb.Transaction) payment.Transaction {
	return payment.Transaction{
		ID: r.ID, PaymentID: r.PaymentID, MerchantID: r.MerchantID, Livemode: r.Livemode, Type: payment.TransactionType(r.Type),
		Status: payment.TransactionStatus(r.Status), Amount: r.Amount, Currency: r.Currency, Provider: r.Provider,
		ProviderTransactionID: r.ProviderTransactionID, AuthCode: r.AuthCode, ResponseCode: r.ResponseCode,
		ResponseMessage: r.ResponseMessage, CreatedAt: r.CreatedAt.UTC(),
	}
}

func (s queries) InsertTransaction(ctx context.Context, t payment.Transaction) error {
	return mapErr(s.q.InsertTransaction(ctx, pgdb.InsertTransactionParams{
		ID: t.ID, PaymentID: t.PaymentID, MerchantID: t.MerchantID, Livemode: t.Livemode, Type: string(t.Type),
		Status: string(t.Status), Amount: t.Amount, Currency: t.Currency, Provider: t.Provider,
		ProviderTransactionID: t.ProviderTransactionID, AuthCode: t.AuthCode, ResponseCode: t.ResponseCode,
		ResponseMessage: t.ResponseMessage, CreatedAt: ts(t.CreatedAt),
	}))
}

func (s queries) GetTransaction(ctx context.Context, merchantID string, livemode bool, txnID string) (payment.Transaction, error) {
	r, err := s.q.GetTransaction(ctx, pgdb.GetTransactionParams{MerchantID: merchantID, Livemode: livemode, ID: txnID})
	if err != nil {
		return payment.Transaction{}, mapErr(err)
	}
	return transactionFromRow(r), nil
}

func (s queries) ListTransactions(ctx context.Context, f store.TransactionFilter) ([]payment.Transaction, error) {
	gte, lt := timeRange(f.CreatedGTE, f.CreatedLT)
	rows, err := s.q.ListTransactions(ctx, pgdb.ListTransactionsParams{
		MerchantID: f.MerchantID, Livemode: f.Livemode, StartingAfter: f.StartingAfter, PaymentID: f.PaymentID, Type: f.Type,
		Status: f.Status, CreatedGte: gte, CreatedLt: lt, RowLimit: int64(f.Limit),
	})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]payment.Transaction, 0, len(rows))
	for _, r := range rows {
		out = append(out, transactionFromRow(r))
	}
	return out, nil
}

func (s queries) InsertJournal(ctx context.Context, journalID string, j ledger.Journal, at time.Time) error {
	for _, l := range j.Lines {
		err := s.q.InsertLedgerLine(ctx, pgdb.InsertLedgerLineParams{
			ID: id.New("led_", at), JournalID: journalID, MerchantID: j.MerchantID, Livemode: j.Livemode, Currency: j.Currency,
			Account: string(l.Account), Debit: l.Debit, Credit: l.Credit, Reference: j.Reference, Memo: j.Memo, CreatedAt: ts(at),
		})
		if err != nil {
			return mapErr(err)
		}
	}
	return nil
}

func (s queries) LedgerBalances(ctx context.Context, merchantID string, livemode bool) ([]store.LedgerBalance, error) {
	rows, err := s.q.SumLedger(ctx, pgdb.SumLedgerParams{MerchantID: merchantID, Livemode: livemode})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]store.LedgerBalance, 0, len(rows))
	for _, r := range rows {
		out = append(out, store.LedgerBalance{Account: ledger.Account(r.Account), Currency: r.Currency, Debits: r.Debits, Credits: r.Credits})
	}
	return out, nil
}

func refundFromRow(r pgdb.Refund) refund.Refund {
	return refund.Refund{
		ID: r.ID, PaymentID: r.PaymentID, MerchantID: r.MerchantID, Livemode: r.Livemode, Amount: r.Amount, Currency: r.Currency,
		Status: refund.Status(r.Status), Reason: r.Reason, Metadata: []byte(r.Metadata), IdempotencyKey: r.IdempotencyKey,
		IdempotencyHash: r.IdempotencyHash, ProviderTransactionID: r.ProviderTransactionID, FailureCode: r.FailureCode,
		FailureMessage: r.FailureMessage, RecoveryAttempts: int(r.RecoveryAttempts), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

func (s queries) InsertRefund(ctx context.Context, r refund.Refund) (bool, error) {
	md := dbtype.JSON(r.Metadata)
	if len(md) == 0 {
		md = dbtype.JSON("{}")
	}
	n, err := s.q.InsertRefund(ctx, pgdb.InsertRefundParams{
		ID: r.ID, PaymentID: r.PaymentID, MerchantID: r.MerchantID, Livemode: r.Livemode, Amount: r.Amount, Currency: r.Currency,
		Status: string(r.Status), Reason: r.Reason, Metadata: md, IdempotencyKey: r.IdempotencyKey, IdempotencyHash: r.IdempotencyHash,
		ProviderTransactionID: r.ProviderTransactionID, FailureCode: r.FailureCode, FailureMessage: r.FailureMessage,
		RecoveryAttempts: int64(r.RecoveryAttempts), CreatedAt: ts(r.CreatedAt), UpdatedAt: ts(r.UpdatedAt),
	})
	return n == 1, mapErr(err)
}

func (s queries) GetRefund(ctx context.Context, merchantID string, livemode bool, refundID string) (refund.Refund, error) {
	r, err := s.q.GetRefund(ctx, pgdb.GetRefundParams{MerchantID: merchantID, Livemode: livemode, ID: refundID})
	if err != nil {
		return refund.Refund{}, mapErr(err)
	}
	return refundFromRow(r), nil
}

func (s queries) GetRefundByID(ctx context.Context, refundID string) (refund.Refund, error) {
	r, err := s.q.GetRefundByID(ctx, refundID)
	if err != nil {
		return refund.Refund{}, mapErr(err)
	}
	return refundFromRow(r), nil
}

func (s queries) GetRefundByIdempotencyKey(ctx context.Context, merchantID string, livemode bool, key string) (refund.Refund, error) {
	r, err := s.q.GetRefundByIdempotencyKey(ctx, pgdb.GetRefundByIdempotencyKeyParams{MerchantID: merchantID, Livemode: livemode, IdempotencyKey: key})
	if err != nil {
		return refund.Refund{}, mapErr(err)
	}
	return refundFromRow(r), nil
}

func (s queries) LockRefund(ctx context.Context, refundID string) (refund.Refund, error) {
	r, err := s.q.LockRefund(ctx, refundID)
	if err != nil {
		return refund.Refund{}, mapErr(err)
	}
	return refundFromRow(pgdb.Refund(r)), nil
}

func (s queries) UpdateRefund(ctx context.Context, r refund.Refund) error {
	n, err := s.q.UpdateRefund(ctx, pgdb.UpdateRefundParams{
		ID: r.ID, Status: string(r.Status), ProviderTransactionID: r.ProviderTransactionID, FailureCode: r.FailureCode,
		FailureMessage: r.FailureMessage, RecoveryAttempts: int64(r.RecoveryAttempts), UpdatedAt: ts(r.UpdatedAt),
	})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) ListRefunds(ctx context.Context, f store.RefundFilter) ([]refund.Refund, error) {
	rows, err := s.q.ListRefunds(ctx, pgdb.ListRefundsParams{
		MerchantID: f.MerchantID, Livemode: f.Livemode, StartingAfter: f.StartingAfter, PaymentID: f.PaymentID, Status: f.Status,
		RowLimit: int64(f.Limit),
	})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]refund.Refund, 0, len(rows))
	for _, r := range rows {
		out = append(out, refundFromRow(r))
	}
	return out, nil
}

func (s queries) GetPaidSessionByOrder(ctx context.Context, merchantID string, livemode bool, externalOrderID string) (checkout.Session, error) {
	r, err := s.q.GetPaidSessionByOrder(ctx, pgdb.GetPaidSessionByOrderParams{MerchantID: merchantID, Livemode: livemode, ExternalOrderID: externalOrderID})
	if err != nil {
		return checkout.Session{}, mapErr(err)
	}
	return sessionFromRow(r), nil
}
