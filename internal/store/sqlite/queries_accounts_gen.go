// Code generated from ../postgres/queries_accounts.go by go generate; DO NOT EDIT.

package sqlite

// Merchants, keys, users, instance settings, customers and idempotency records.

import (
	"context"
	"time"

	"github.com/kassapay/kassa/internal/customer"
	"github.com/kassapay/kassa/internal/idempotency"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/sqlite/litedb"
)

func (s queries) InsertMerchant(ctx context.Context, m merchant.Merchant) error {
	origins, err := toJSON(nonNil(m.CheckoutAllowedOrigins))
	if err != nil {
		return err
	}
	limits, err := toJSON(m.RateLimits)
	if err != nil {
		return err
	}
	return mapErr(s.q.InsertMerchant(ctx, litedb.InsertMerchantParams{
		ID: m.ID, Name: m.Name, Email: m.Email, Status: string(m.Status),
		CheckoutAllowedOrigins: origins, RateLimits: limits, SandboxProviderPage: m.SandboxProviderPage,
		CreatedAt: ts(m.CreatedAt), UpdatedAt: ts(m.UpdatedAt),
	}))
}

func merchantFromRow(r litedb.Merchant) (merchant.Merchant, error) {
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
	return merchantFromRow(litedb.Merchant(r))
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
	n, err := s.q.UpdateMerchant(ctx, litedb.UpdateMerchantParams{
		ID: m.ID, Name: m.Name, Email: m.Email, Status: string(m.Status),
		CheckoutAllowedOrigins: origins, RateLimits: limits, SandboxProviderPage: m.SandboxProviderPage, UpdatedAt: ts(m.UpdatedAt),
	})
	return rowsErr(n, err, store.ErrNotFound)
}

func apiKeyFromRow(r litedb.ApiKey) merchant.APIKey {
	return merchant.APIKey{
		ID: r.ID, MerchantID: r.MerchantID, Kind: merchant.KeyKind(r.Kind), Livemode: r.Livemode, Hint: r.Hint,
		CreatedAt: r.CreatedAt.UTC(), ExpiresAt: tsPtr(r.ExpiresAt), RevokedAt: tsPtr(r.RevokedAt),
	}
}

func (s queries) InsertAPIKey(ctx context.Context, k merchant.APIKey, hash string) error {
	return mapErr(s.q.InsertAPIKey(ctx, litedb.InsertAPIKeyParams{
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
	return mapRows(rows, err, apiKeyFromRow)
}

func (s queries) ExpireAPIKeys(ctx context.Context, merchantID string, kind merchant.KeyKind, livemode bool, at time.Time) (int64, error) {
	n, err := s.q.ExpireAPIKeys(ctx, litedb.ExpireAPIKeysParams{
		MerchantID: merchantID, Kind: string(kind), Livemode: livemode, ExpiresAt: tsPtr(&at),
	})
	return n, mapErr(err)
}

func (s queries) RevokeAPIKey(ctx context.Context, merchantID, keyID string, at time.Time) error {
	n, err := s.q.RevokeAPIKey(ctx, litedb.RevokeAPIKeyParams{ID: keyID, MerchantID: merchantID, RevokedAt: tsPtr(&at)})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) InsertUser(ctx context.Context, u merchant.User) error {
	return mapErr(s.q.InsertUser(ctx, litedb.InsertUserParams{
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
	n, err := s.q.InsertInstanceSetting(ctx, litedb.InsertInstanceSettingParams{Key: key, Value: value, CreatedAt: ts(at)})
	return n == 1, mapErr(err)
}

func (s queries) GetInstanceSetting(ctx context.Context, key string) (string, error) {
	r, err := s.q.GetInstanceSetting(ctx, key)
	if err != nil {
		return "", mapErr(err)
	}
	return r.Value, nil
}

func customerFromRow(r litedb.Customer) (customer.Customer, error) {
	c := customer.Customer{
		ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, Email: r.Email, Name: r.Name, Phone: r.Phone,
		Description: r.Description, IdempotencyKey: str(r.IdempotencyKey), IdempotencyHash: str(r.IdempotencyHash),
		CreatedAt: r.CreatedAt.UTC(),
	}
	return c, fromJSON(r.Metadata, &c.Metadata)
}

func customersFromRows(rows []litedb.Customer) ([]customer.Customer, error) {
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
	n, err := s.q.InsertCustomer(ctx, litedb.InsertCustomerParams{
		ID: c.ID, MerchantID: c.MerchantID, Livemode: c.Livemode, Email: c.Email, Name: c.Name, Phone: c.Phone,
		Description: c.Description, Metadata: metadata, IdempotencyKey: strPtr(c.IdempotencyKey),
		IdempotencyHash: strPtr(c.IdempotencyHash), CreatedAt: ts(c.CreatedAt),
	})
	return n == 1, mapErr(err)
}

func (s queries) GetCustomer(ctx context.Context, merchantID string, livemode bool, id string) (customer.Customer, error) {
	r, err := s.q.GetCustomer(ctx, litedb.GetCustomerParams{MerchantID: merchantID, Livemode: livemode, ID: id})
	if err != nil {
		return customer.Customer{}, mapErr(err)
	}
	return customerFromRow(r)
}

func (s queries) GetCustomerByIdempotencyKey(ctx context.Context, merchantID string, livemode bool, key string) (customer.Customer, error) {
	r, err := s.q.GetCustomerByIdempotencyKey(ctx, litedb.GetCustomerByIdempotencyKeyParams{
		MerchantID: merchantID, Livemode: livemode, IdempotencyKey: &key,
	})
	if err != nil {
		return customer.Customer{}, mapErr(err)
	}
	return customerFromRow(r)
}

func (s queries) ListCustomers(ctx context.Context, f store.CustomerFilter) ([]customer.Customer, error) {
	if f.EndingBefore != "" {
		rows, err := s.q.ListCustomersEndingBefore(ctx, litedb.ListCustomersEndingBeforeParams{
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
	rows, err := s.q.ListCustomers(ctx, litedb.ListCustomersParams{
		MerchantID: f.MerchantID, Livemode: f.Livemode, StartingAfter: f.StartingAfter, Email: f.Email, RowLimit: int64(f.Limit),
	})
	if err != nil {
		return nil, mapErr(err)
	}
	return customersFromRows(rows)
}

func (s queries) ClaimIdempotencyKey(ctx context.Context, r idempotency.Record) (bool, error) {
	n, err := s.q.ClaimIdempotencyKey(ctx, litedb.ClaimIdempotencyKeyParams{
		MerchantID: r.MerchantID, Livemode: r.Livemode, Route: r.Route, Key: r.Key, RequestHash: r.RequestHash,
		LockedUntil: ts(r.LockedUntil), CreatedAt: ts(r.CreatedAt), ExpiresAt: ts(r.ExpiresAt),
	})
	return n == 1, mapErr(err)
}

func (s queries) GetIdempotencyKey(ctx context.Context, sc idempotency.Scope) (idempotency.Record, error) {
	r, err := s.q.GetIdempotencyKey(ctx, litedb.GetIdempotencyKeyParams{
		MerchantID: sc.MerchantID, Livemode: sc.Livemode, Route: sc.Route, Key: sc.Key,
	})
	if err != nil {
		return idempotency.Record{}, mapErr(err)
	}
	return idempotency.Record{
		Scope:       idempotency.Scope{MerchantID: r.MerchantID, Livemode: r.Livemode, Route: r.Route, Key: r.Key},
		RequestHash: r.RequestHash, Status: idempotency.Status(r.Status), RecoveryPoint: r.RecoveryPoint,
		ResponseStatus: int(r.ResponseStatus), ResponseBody: r.ResponseBody,
		LockedUntil: r.LockedUntil.UTC(), CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(),
	}, nil
}

func (s queries) TakeOverIdempotencyKey(ctx context.Context, sc idempotency.Scope, requestHash string, now, lockedUntil time.Time) (bool, error) {
	n, err := s.q.TakeOverIdempotencyKey(ctx, litedb.TakeOverIdempotencyKeyParams{
		MerchantID: sc.MerchantID, Livemode: sc.Livemode, Route: sc.Route, Key: sc.Key,
		RequestHash: requestHash, Now: ts(now), LockedUntil: ts(lockedUntil),
	})
	return n == 1, mapErr(err)
}

func (s queries) CompleteIdempotencyKey(ctx context.Context, sc idempotency.Scope, status int, body []byte) error {
	n, err := s.q.CompleteIdempotencyKey(ctx, litedb.CompleteIdempotencyKeyParams{
		MerchantID: sc.MerchantID, Livemode: sc.Livemode, Route: sc.Route, Key: sc.Key,
		ResponseStatus: int64(status), ResponseBody: body,
	})
	return rowsErr(n, err, store.ErrNotUpdated)
}

func (s queries) ReleaseIdempotencyKey(ctx context.Context, sc idempotency.Scope, now time.Time) error {
	n, err := s.q.DeleteIdempotencyKey(ctx, litedb.DeleteIdempotencyKeyParams{
		MerchantID: sc.MerchantID, Livemode: sc.Livemode, Route: sc.Route, Key: sc.Key,
	})
	if err != nil || n == 1 {
		return mapErr(err)
	}
	return mapErr(s.q.UnlockIdempotencyKey(ctx, litedb.UnlockIdempotencyKeyParams{
		MerchantID: sc.MerchantID, Livemode: sc.Livemode, Route: sc.Route, Key: sc.Key, Now: ts(now),
	}))
}

func (s queries) BindIdempotencyKey(ctx context.Context, sc idempotency.Scope, recoveryPoint string) (bool, error) {
	n, err := s.q.BindIdempotencyKey(ctx, litedb.BindIdempotencyKeyParams{
		MerchantID: sc.MerchantID, Livemode: sc.Livemode, Route: sc.Route, Key: sc.Key, RecoveryPoint: recoveryPoint,
	})
	return n == 1, mapErr(err)
}

func (s queries) DeleteExpiredIdempotencyKey(ctx context.Context, sc idempotency.Scope, now time.Time) (bool, error) {
	n, err := s.q.DeleteExpiredIdempotencyKey(ctx, litedb.DeleteExpiredIdempotencyKeyParams{
		MerchantID: sc.MerchantID, Livemode: sc.Livemode, Route: sc.Route, Key: sc.Key, Now: ts(now),
	})
	return n == 1, mapErr(err)
}

func (s queries) DeleteExpiredIdempotencyKeys(ctx context.Context, now time.Time) (int64, error) {
	n, err := s.q.DeleteExpiredIdempotencyKeys(ctx, ts(now))
	return n, mapErr(err)
}
