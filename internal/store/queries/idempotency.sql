-- name: ClaimIdempotencyKey :execrows
INSERT INTO idempotency_keys (merchant_id, livemode, route, key, request_hash, status, locked_until, created_at, expires_at)
VALUES (sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(route), sqlc.arg(key), sqlc.arg(request_hash), 'in_progress',
        sqlc.arg(locked_until), sqlc.arg(created_at), sqlc.arg(expires_at))
ON CONFLICT (merchant_id, livemode, route, key) DO NOTHING;

-- name: GetIdempotencyKey :one
SELECT * FROM idempotency_keys
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND route = sqlc.arg(route) AND key = sqlc.arg(key);

-- A claim whose holder died (locked_until passed) may be taken over by a retry of the same request.
-- name: TakeOverIdempotencyKey :execrows
UPDATE idempotency_keys SET locked_until = sqlc.arg(locked_until)
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND route = sqlc.arg(route) AND key = sqlc.arg(key)
  AND status = 'in_progress' AND request_hash = sqlc.arg(request_hash) AND locked_until <= sqlc.arg(now);

-- name: CompleteIdempotencyKey :execrows
UPDATE idempotency_keys
SET status = 'completed', response_status = sqlc.arg(response_status), response_body = sqlc.arg(response_body)
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND route = sqlc.arg(route) AND key = sqlc.arg(key)
  AND status = 'in_progress';

-- A claim whose request moved no money is deleted, so that a corrected retry may reuse the key.
-- name: DeleteIdempotencyKey :execrows
DELETE FROM idempotency_keys
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND route = sqlc.arg(route) AND key = sqlc.arg(key)
  AND status = 'in_progress' AND recovery_point = '';

-- The first phase of a money-moving request binds its key to the object it created, in the same transaction; only
-- one run of a key ever does.
-- name: BindIdempotencyKey :execrows
UPDATE idempotency_keys SET recovery_point = sqlc.arg(recovery_point)
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND route = sqlc.arg(route) AND key = sqlc.arg(key)
  AND status = 'in_progress' AND recovery_point = '';

-- A claim bound to a recovery point whose request ended without a response to keep is unlocked, not deleted: the
-- next retry takes it over at once and resumes the object.
-- name: UnlockIdempotencyKey :exec
UPDATE idempotency_keys SET locked_until = sqlc.arg(now)
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND route = sqlc.arg(route) AND key = sqlc.arg(key)
  AND status = 'in_progress' AND locked_until > sqlc.arg(now);

-- name: DeleteExpiredIdempotencyKey :execrows
DELETE FROM idempotency_keys
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND route = sqlc.arg(route) AND key = sqlc.arg(key)
  AND expires_at <= sqlc.arg(now);

-- name: DeleteExpiredIdempotencyKeys :execrows
DELETE FROM idempotency_keys WHERE expires_at <= sqlc.arg(now);
