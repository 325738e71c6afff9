package gateway

import (
	"context"
	"errors"
	"fmt"

	"github.com/kassapay/kassa/internal/idempotency"
	"github.com/kassapay/kassa/internal/store"
)

var errKeyReused = &Error{Kind: KindIdempotency, Code: "idempotency_key_reused", Param: "Idempotency-Key",
	Message: "This idempotency key was already used with different request parameters. Use a new key for a new request."}

var errInProgress = &Error{Kind: KindIdempotency, Code: "idempotency_request_in_progress", Param: "Idempotency-Key",
	Message: "A request with this idempotency key is still being processed. Retry after a moment to get its result."}

// BeginIdempotent claims an idempotency key for a request. It returns:
//   - (nil, nil): the caller owns the claim, runs the request and then calls FinishIdempotent;
//   - (record, nil): the key already completed with this request; replay record's response;
//   - an *Error of KindIdempotency: the key was used with another request, or its first request is still running.
func (g *Gateway) BeginIdempotent(ctx context.Context, sc idempotency.Scope, requestHash string) (*idempotency.Record, error) {
	for range 5 {
		now := g.Now()
		claimed, err := g.store.ClaimIdempotencyKey(ctx, idempotency.Record{
			Scope: sc, RequestHash: requestHash, Status: idempotency.StatusInProgress,
			LockedUntil: now.Add(idempotency.LockTimeout), CreatedAt: now, ExpiresAt: now.Add(idempotency.Retention),
		})
		if err != nil {
			return nil, err
		}
		if claimed {
			return nil, nil
		}
		r, err := g.store.GetIdempotencyKey(ctx, sc)
		if errors.Is(err, store.ErrNotFound) {
			continue // released between our claim and read; claim again
		}
		if err != nil {
			return nil, err
		}
		if !r.ExpiresAt.After(now) {
			if _, err := g.store.DeleteExpiredIdempotencyKey(ctx, sc, now); err != nil {
				return nil, err
			}
			continue
		}
		if r.RequestHash != requestHash {
			return nil, errKeyReused
		}
		if r.Status == idempotency.StatusCompleted {
			body, err := g.responses.Open(r.ResponseBody, scopeAAD(sc))
			if err != nil {
				return nil, fmt.Errorf("gateway: open stored response: %w", err)
			}
			r.ResponseBody = body
			return &r, nil
		}
		if r.LockedUntil.After(now) {
			return nil, errInProgress
		}
		took, err := g.store.TakeOverIdempotencyKey(ctx, sc, requestHash, now, now.Add(idempotency.LockTimeout))
		if err != nil {
			return nil, err
		}
		if took {
			return nil, nil
		}
	}
	// The record kept changing under us: another request with this key is racing this one.
	return nil, errInProgress
}

// FinishIdempotent stores the response of a claimed request for replay, or frees the key when the response
// happened before any side effect (idempotency.Remember).
func (g *Gateway) FinishIdempotent(ctx context.Context, sc idempotency.Scope, status int, body []byte) error {
	// The request's context may be canceled (client gone) but the outcome must still be recorded.
	ctx = context.WithoutCancel(ctx)
	if idempotency.Remember(status) {
		body = g.responses.Seal(body, scopeAAD(sc))
		return g.store.CompleteIdempotencyKey(ctx, sc, status, body)
	}
	return g.store.DeleteIdempotencyKey(ctx, sc)
}

// scopeAAD binds a sealed response to its key's scope.
func scopeAAD(sc idempotency.Scope) string {
	return fmt.Sprintf("idempotency|%s|%t|%s|%s", sc.MerchantID, sc.Livemode, sc.Route, sc.Key)
}

// ReapIdempotencyKeys deletes records past their retention; the periodic reaper job calls it.
func (g *Gateway) ReapIdempotencyKeys(ctx context.Context) (int64, error) {
	return g.store.DeleteExpiredIdempotencyKeys(ctx, g.Now())
}
