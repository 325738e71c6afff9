-- name: InsertRefund :execrows
INSERT INTO refunds (id, payment_id, merchant_id, livemode, amount, currency, status, reason, metadata, idempotency_key,
                     idempotency_hash, provider_transaction_id, failure_code, failure_message, recovery_attempts,
                     created_at, updated_at)
VALUES (sqlc.arg(id), sqlc.arg(payment_id), sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(amount), sqlc.arg(currency),
        sqlc.arg(status), sqlc.arg(reason), sqlc.arg(metadata), sqlc.arg(idempotency_key), sqlc.arg(idempotency_hash),
        sqlc.arg(provider_transaction_id), sqlc.arg(failure_code), sqlc.arg(failure_message), sqlc.arg(recovery_attempts),
        sqlc.arg(created_at), sqlc.arg(updated_at))
ON CONFLICT (merchant_id, livemode, idempotency_key) DO NOTHING;

-- name: GetRefund :one
SELECT * FROM refunds WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND id = sqlc.arg(id);

-- name: GetRefundByID :one
SELECT * FROM refunds WHERE id = sqlc.arg(id);

-- name: GetRefundByIdempotencyKey :one
SELECT * FROM refunds
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND idempotency_key = sqlc.arg(idempotency_key);

-- name: UpdateRefund :execrows
UPDATE refunds
SET status = sqlc.arg(status), provider_transaction_id = sqlc.arg(provider_transaction_id),
    failure_code = sqlc.arg(failure_code), failure_message = sqlc.arg(failure_message),
    recovery_attempts = sqlc.arg(recovery_attempts), updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id);

-- name: ListRefunds :many
SELECT * FROM refunds
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND (CAST(sqlc.arg(starting_after) AS TEXT) = '' OR id < CAST(sqlc.arg(starting_after) AS TEXT))
  AND (CAST(sqlc.arg(payment_id) AS TEXT) = '' OR payment_id = CAST(sqlc.arg(payment_id) AS TEXT))
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- The most recent paid (or partly refunded) session of an order, for refunds by external_order_id.
-- name: GetPaidSessionByOrder :one
SELECT checkout_sessions.* FROM checkout_sessions
JOIN payments ON payments.id = checkout_sessions.payment_id
WHERE checkout_sessions.merchant_id = sqlc.arg(merchant_id) AND checkout_sessions.livemode = sqlc.arg(livemode)
  AND checkout_sessions.external_order_id = sqlc.arg(external_order_id)
  AND checkout_sessions.status IN ('paid', 'partially_refunded')
ORDER BY payments.id DESC
LIMIT 1;
