package gateway

import (
	"context"
	"errors"
	"fmt"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/idempotency"
	"github.com/kassapay/kassa/internal/store"
)

var errKeyReused = &Error{Kind: KindIdempotency, Code: "idempotency_key_reused", Param: "Idempotency-Key",
	Message: "This idempotency key was already used with different request parameters. Use a new key for a new request."}

var errInProgress = &Error{Kind: KindIdempotency, Code: "idempotency_request_in_progress", Param: "Idempotency-Key",
	Message: "A request with this idempotency key is still being processed. Retry after a moment to get its result."}

// Claim is a request's hold on its idempotency key, carried in its context (WithClaim) to the use case, so that a
// money-moving use case binds its first phase to the key (bindRecoveryPoint) and a retry that took the key over
// resumes what the first run started (resumePoint) instead of moving the money again (docs/architecture.md §5).
type Claim struct {
	Scope idempotency.Scope
	// RecoveryPoint is the object (pay_, txn_, ref_) an earlier run of the key created in its first phase, set
	// when this request took over a claim abandoned after that phase.
	RecoveryPoint string
}

type claimKey struct{}

// WithClaim returns ctx carrying the request's claim on its idempotency key.
func WithClaim(ctx context.Context, c Claim) context.Context {
	return context.WithValue(ctx, claimKey{}, c)
}

func claimOf(ctx context.Context) (Claim, bool) {
	c, ok := ctx.Value(claimKey{}).(Claim)
	return c, ok && c.Scope.Key != ""
}

// resumePoint returns the recovery point of the request's claim when it names an object with the prefix (the kind
// the use case makes), or "".
func resumePoint(ctx context.Context, prefix string) string {
	if c, ok := claimOf(ctx); ok && id.HasPrefix(c.RecoveryPoint, prefix) {
		return c.RecoveryPoint
	}
	return ""
}

// bindRecoveryPoint ties the request's idempotency key to objectID inside tx, the transaction of the first phase
// that creates objectID: the key and the money movement commit together or not at all. When another run of the same
// key bound first (it was taken over while this one still ran), tx must roll back: this is 409 in progress, and the
// retry after it resumes the other run's object. Requests without a key bind nothing.
func (g *Gateway) bindRecoveryPoint(ctx context.Context, tx store.Tx, objectID string) error {
	c, ok := claimOf(ctx)
	if !ok {
		return nil
	}
	bound, err := tx.BindIdempotencyKey(ctx, c.Scope, objectID)
	if err != nil {
		return err
	}
	if !bound {
		return errInProgress
	}
	return nil
}

// BeginIdempotent claims an idempotency key for a request. It returns:
//   - a nil record and the claim: the caller owns the key, runs the request with WithClaim(ctx, claim) and then
//     calls FinishIdempotent; the claim's RecoveryPoint is set when an earlier run of the key moved money and died
//     before its response was stored;
//   - a record: the key already completed with this request; replay the record's response;
//   - an *Error of KindIdempotency: the key was used with another request, or its first request is still running.
func (g *Gateway) BeginIdempotent(ctx context.Context, sc idempotency.Scope, requestHash string) (*idempotency.Record, Claim, error) {
	for range 5 {
		now := g.Now()
		claimed, err := g.store.ClaimIdempotencyKey(ctx, idempotency.Record{
			Scope: sc, RequestHash: requestHash, Status: idempotency.StatusInProgress,
			LockedUntil: now.Add(idempotency.LockTimeout), CreatedAt: now, ExpiresAt: now.Add(idempotency.Retention),
		})
		if err != nil {
			return nil, Claim{}, err
		}
		if claimed {
			return nil, Claim{Scope: sc}, nil
		}
		r, err := g.store.GetIdempotencyKey(ctx, sc)
		if errors.Is(err, store.ErrNotFound) {
			continue // released between our claim and read; claim again
		}
		if err != nil {
			return nil, Claim{}, err
		}
		if !r.ExpiresAt.After(now) {
			if _, err := g.store.DeleteExpiredIdempotencyKey(ctx, sc, now); err != nil {
				return nil, Claim{}, err
			}
			continue
		}
		if r.RequestHash != requestHash {
			return nil, Claim{}, errKeyReused
		}
		if r.Status == idempotency.StatusCompleted {
			body, err := g.responses.Open(r.ResponseBody, scopeAAD(sc))
			if err != nil {
				return nil, Claim{}, fmt.Errorf("gateway: open stored response: %w", err)
			}
			r.ResponseBody = body
			return &r, Claim{}, nil
		}
		if r.LockedUntil.After(now) {
			return nil, Claim{}, errInProgress
		}
		took, err := g.store.TakeOverIdempotencyKey(ctx, sc, requestHash, now, now.Add(idempotency.LockTimeout))
		if err != nil {
			return nil, Claim{}, err
		}
		if took {
			if r.RecoveryPoint != "" {
				g.log.InfoContext(ctx, "idempotency key taken over; resuming what its first run started",
					"route", sc.Route, "recovery_point", r.RecoveryPoint)
			}
			return nil, Claim{Scope: sc, RecoveryPoint: r.RecoveryPoint}, nil
		}
	}
	// The record kept changing under us: another request with this key is racing this one.
	return nil, Claim{}, errInProgress
}

// FinishIdempotent stores the response of a claimed request for replay. A response that is not kept
// (idempotency.Remember) frees the key when the request moved no money, and otherwise unlocks it, so that the next
// retry resumes the key's recovery point at once.
func (g *Gateway) FinishIdempotent(ctx context.Context, sc idempotency.Scope, status int, body []byte) error {
	// The request's context may be canceled (client gone) but the outcome must still be recorded.
	ctx = context.WithoutCancel(ctx)
	if idempotency.Remember(status) {
		body = g.responses.Seal(body, scopeAAD(sc))
		return g.store.CompleteIdempotencyKey(ctx, sc, status, body)
	}
	return g.store.ReleaseIdempotencyKey(ctx, sc, g.Now())
}

// scopeAAD binds a sealed response to its key's scope.
func scopeAAD(sc idempotency.Scope) string {
	return fmt.Sprintf("idempotency|%s|%t|%s|%s", sc.MerchantID, sc.Livemode, sc.Route, sc.Key)
}

// ReapIdempotencyKeys deletes records past their retention; the periodic reaper job calls it.
func (g *Gateway) ReapIdempotencyKeys(ctx context.Context) (int64, error) {
	return g.store.DeleteExpiredIdempotencyKeys(ctx, g.Now())
}
