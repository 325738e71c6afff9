-- name: InsertCheckoutSession :execrows
INSERT INTO checkout_sessions (id, kind, merchant_id, livemode, external_order_id, external_invoice_id, website_key, amount,
                               currency, description, success_url, cancel_url, webhook_endpoint_id, customer_email,
                               customer_name, customer_phone, metadata, status, failed_attempts, payment_id,
                               idempotency_key, idempotency_hash, expires_at, created_at, updated_at,
                               provider_checkout_url, profile_id, provider_session_id)
VALUES (sqlc.arg(id), sqlc.arg(kind), sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(external_order_id),
        sqlc.arg(external_invoice_id), sqlc.arg(website_key), sqlc.arg(amount), sqlc.arg(currency), sqlc.arg(description),
        sqlc.arg(success_url), sqlc.arg(cancel_url), sqlc.narg(webhook_endpoint_id), sqlc.arg(customer_email),
        sqlc.arg(customer_name), sqlc.arg(customer_phone), sqlc.arg(metadata), sqlc.arg(status), sqlc.arg(failed_attempts),
        sqlc.narg(payment_id), sqlc.arg(idempotency_key), sqlc.arg(idempotency_hash), sqlc.arg(expires_at),
        sqlc.arg(created_at), sqlc.arg(updated_at), sqlc.arg(provider_checkout_url), sqlc.arg(profile_id),
        sqlc.arg(provider_session_id))
ON CONFLICT (merchant_id, livemode, kind, external_order_id, idempotency_key) DO NOTHING;

-- name: GetCheckoutSession :one
SELECT * FROM checkout_sessions
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND id = sqlc.arg(id);

-- name: GetCheckoutSessionByIdempotencyKey :one
SELECT * FROM checkout_sessions
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND kind = sqlc.arg(kind)
  AND external_order_id = sqlc.arg(external_order_id) AND idempotency_key = sqlc.arg(idempotency_key);

-- name: UpdateCheckoutSession :execrows
UPDATE checkout_sessions
SET status = sqlc.arg(status), failed_attempts = sqlc.arg(failed_attempts), payment_id = sqlc.narg(payment_id),
    provider = sqlc.arg(provider), provider_transaction_id = sqlc.arg(provider_transaction_id),
    failure_code = sqlc.arg(failure_code), failure_message = sqlc.arg(failure_message), updated_at = sqlc.arg(updated_at),
    provider_checkout_url = sqlc.arg(provider_checkout_url), profile_id = sqlc.arg(profile_id),
    provider_session_id = sqlc.arg(provider_session_id)
WHERE id = sqlc.arg(id);

-- name: ListCheckoutSessions :many
SELECT * FROM checkout_sessions
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND kind = sqlc.arg(kind)
  AND (CAST(sqlc.arg(starting_after) AS TEXT) = '' OR id < CAST(sqlc.arg(starting_after) AS TEXT))
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
  AND (CAST(sqlc.arg(external_order_id) AS TEXT) = '' OR external_order_id = CAST(sqlc.arg(external_order_id) AS TEXT))
  AND created_at >= sqlc.arg(created_gte) AND created_at < sqlc.arg(created_lt)
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- name: ListCheckoutSessionsEndingBefore :many
SELECT * FROM checkout_sessions
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND kind = sqlc.arg(kind)
  AND id > sqlc.arg(ending_before)
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
  AND (CAST(sqlc.arg(external_order_id) AS TEXT) = '' OR external_order_id = CAST(sqlc.arg(external_order_id) AS TEXT))
  AND created_at >= sqlc.arg(created_gte) AND created_at < sqlc.arg(created_lt)
ORDER BY id ASC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- Open sessions and links whose time is up, oldest first, for the expiry job.
-- name: ListExpiredCheckoutSessions :many
SELECT * FROM checkout_sessions
WHERE status IN ('created', 'pending', 'failed') AND expires_at <= sqlc.arg(now)
ORDER BY expires_at
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- name: GetCheckoutSessionByID :one
SELECT * FROM checkout_sessions WHERE id = sqlc.arg(id);
