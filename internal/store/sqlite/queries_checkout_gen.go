// Code generated from ../postgres/queries_checkout.go by go generate; DO NOT EDIT.

package sqlite

// Checkout sessions and payment links.

import (
	"context"
	"time"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/dbtype"
	"github.com/kassapay/kassa/internal/store/sqlite/litedb"
)

func sessionFromRow(r litedb.CheckoutSession) checkout.Session {
	return checkout.Session{
		ID: r.ID, Kind: checkout.Kind(r.Kind), MerchantID: r.MerchantID, Livemode: r.Livemode, ExternalOrderID: r.ExternalOrderID,
		ExternalInvoiceID: r.ExternalInvoiceID, WebsiteKey: r.WebsiteKey, Amount: r.Amount, Currency: r.Currency,
		Description: r.Description, SuccessURL: r.SuccessUrl, CancelURL: r.CancelUrl, WebhookEndpointID: str(r.WebhookEndpointID),
		Customer: checkout.Customer{Email: r.CustomerEmail, Name: r.CustomerName, Phone: r.CustomerPhone},
		Metadata: []byte(r.Metadata), Status: checkout.Status(r.Status), FailedAttempts: int(r.FailedAttempts),
		PaymentID: str(r.PaymentID), IdempotencyKey: r.IdempotencyKey, IdempotencyHash: r.IdempotencyHash,
		Provider: r.Provider, ProviderTransactionID: r.ProviderTransactionID, FailureCode: r.FailureCode, FailureMessage: r.FailureMessage,
		ProviderCheckoutURL: r.ProviderCheckoutUrl, ProfileID: r.ProfileID, ProviderSessionID: r.ProviderSessionID,
		ExpiresAt: r.ExpiresAt.UTC(), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

func sessionsFromRows(rows []litedb.CheckoutSession) []checkout.Session {
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
	n, err := s.q.InsertCheckoutSession(ctx, litedb.InsertCheckoutSessionParams{
		ID: cs.ID, Kind: string(cs.Kind), MerchantID: cs.MerchantID, Livemode: cs.Livemode, ExternalOrderID: cs.ExternalOrderID,
		ExternalInvoiceID: cs.ExternalInvoiceID, WebsiteKey: cs.WebsiteKey, Amount: cs.Amount, Currency: cs.Currency,
		Description: cs.Description, SuccessUrl: cs.SuccessURL, CancelUrl: cs.CancelURL, WebhookEndpointID: strPtr(cs.WebhookEndpointID),
		CustomerEmail: cs.Customer.Email, CustomerName: cs.Customer.Name, CustomerPhone: cs.Customer.Phone, Metadata: md,
		Status: string(cs.Status), FailedAttempts: int64(cs.FailedAttempts), PaymentID: strPtr(cs.PaymentID),
		IdempotencyKey: cs.IdempotencyKey, IdempotencyHash: cs.IdempotencyHash, ExpiresAt: ts(cs.ExpiresAt),
		CreatedAt: ts(cs.CreatedAt), UpdatedAt: ts(cs.UpdatedAt), ProviderCheckoutUrl: cs.ProviderCheckoutURL,
		ProfileID: cs.ProfileID, ProviderSessionID: cs.ProviderSessionID,
	})
	return n == 1, mapErr(err)
}

func (s queries) GetCheckoutSession(ctx context.Context, merchantID string, livemode bool, id string) (checkout.Session, error) {
	r, err := s.q.GetCheckoutSession(ctx, litedb.GetCheckoutSessionParams{MerchantID: merchantID, Livemode: livemode, ID: id})
	if err != nil {
		return checkout.Session{}, mapErr(err)
	}
	return sessionFromRow(r), nil
}

func (s queries) GetCheckoutSessionByIdempotencyKey(ctx context.Context, merchantID string, livemode bool, kind checkout.Kind, externalOrderID, key string) (checkout.Session, error) {
	r, err := s.q.GetCheckoutSessionByIdempotencyKey(ctx, litedb.GetCheckoutSessionByIdempotencyKeyParams{
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
	return sessionFromRow(litedb.CheckoutSession(r)), nil
}

func (s queries) UpdateCheckoutSession(ctx context.Context, cs checkout.Session) error {
	n, err := s.q.UpdateCheckoutSession(ctx, litedb.UpdateCheckoutSessionParams{
		ID: cs.ID, Status: string(cs.Status), FailedAttempts: int64(cs.FailedAttempts), PaymentID: strPtr(cs.PaymentID),
		Provider: cs.Provider, ProviderTransactionID: cs.ProviderTransactionID, FailureCode: cs.FailureCode,
		FailureMessage: cs.FailureMessage, UpdatedAt: ts(cs.UpdatedAt), ProviderCheckoutUrl: cs.ProviderCheckoutURL,
		ProfileID: cs.ProfileID, ProviderSessionID: cs.ProviderSessionID,
	})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) ListCheckoutSessions(ctx context.Context, f store.SessionFilter) ([]checkout.Session, error) {
	gte, lt := timeRange(f.CreatedGTE, f.CreatedLT)
	if f.EndingBefore != "" {
		rows, err := s.q.ListCheckoutSessionsEndingBefore(ctx, litedb.ListCheckoutSessionsEndingBeforeParams{
			MerchantID: f.MerchantID, Livemode: f.Livemode, Kind: string(f.Kind), EndingBefore: f.EndingBefore, Status: f.Status,
			ExternalOrderID: f.ExternalOrderID, CreatedGte: gte, CreatedLt: lt, RowLimit: int64(f.Limit),
		})
		if err != nil {
			return nil, mapErr(err)
		}
		return reverse(sessionsFromRows(rows)), nil
	}
	rows, err := s.q.ListCheckoutSessions(ctx, litedb.ListCheckoutSessionsParams{
		MerchantID: f.MerchantID, Livemode: f.Livemode, Kind: string(f.Kind), StartingAfter: f.StartingAfter, Status: f.Status,
		ExternalOrderID: f.ExternalOrderID, CreatedGte: gte, CreatedLt: lt, RowLimit: int64(f.Limit),
	})
	if err != nil {
		return nil, mapErr(err)
	}
	return sessionsFromRows(rows), nil
}

func (s queries) ListExpiredCheckoutSessions(ctx context.Context, now time.Time, limit int) ([]checkout.Session, error) {
	rows, err := s.q.ListExpiredCheckoutSessions(ctx, litedb.ListExpiredCheckoutSessionsParams{Now: ts(now), RowLimit: int64(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return sessionsFromRows(rows), nil
}
