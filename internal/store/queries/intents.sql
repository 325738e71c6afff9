-- name: InsertPaymentIntent :exec
INSERT INTO payment_intents (id, merchant_id, livemode, status, amount, currency, capture_method, description,
                             external_order_id, success_url, cancel_url, customer_email, metadata, client_secret_hash,
                             failed_attempts, payment_id, failure_code, failure_message, expires_at, created_at, updated_at)
VALUES (sqlc.arg(id), sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(status), sqlc.arg(amount), sqlc.arg(currency),
        sqlc.arg(capture_method), sqlc.arg(description), sqlc.arg(external_order_id), sqlc.arg(success_url),
        sqlc.arg(cancel_url), sqlc.arg(customer_email), sqlc.arg(metadata), sqlc.arg(client_secret_hash),
        sqlc.arg(failed_attempts), sqlc.arg(payment_id), sqlc.arg(failure_code), sqlc.arg(failure_message),
        sqlc.arg(expires_at), sqlc.arg(created_at), sqlc.arg(updated_at));

-- name: GetPaymentIntent :one
SELECT * FROM payment_intents WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND id = sqlc.arg(id);

-- name: GetPaymentIntentByID :one
SELECT * FROM payment_intents WHERE id = sqlc.arg(id);

-- name: UpdatePaymentIntent :execrows
UPDATE payment_intents
SET status = sqlc.arg(status), failed_attempts = sqlc.arg(failed_attempts), payment_id = sqlc.arg(payment_id),
    failure_code = sqlc.arg(failure_code), failure_message = sqlc.arg(failure_message), updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id);

-- name: ListPaymentIntents :many
SELECT * FROM payment_intents
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND (CAST(sqlc.arg(starting_after) AS TEXT) = '' OR id < CAST(sqlc.arg(starting_after) AS TEXT))
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- name: ListExpiredPaymentIntents :many
SELECT * FROM payment_intents
WHERE status IN ('created', 'failed') AND expires_at <= sqlc.arg(now)
ORDER BY expires_at
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);
