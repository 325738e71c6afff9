-- name: InsertCustomer :execrows
INSERT INTO customers (id, merchant_id, livemode, email, name, phone, description, metadata, idempotency_key,
                       idempotency_hash, created_at)
VALUES (sqlc.arg(id), sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(email), sqlc.arg(name), sqlc.arg(phone),
        sqlc.arg(description), sqlc.arg(metadata), sqlc.narg(idempotency_key), sqlc.narg(idempotency_hash),
        sqlc.arg(created_at))
ON CONFLICT (merchant_id, livemode, idempotency_key) DO NOTHING;

-- name: GetCustomer :one
SELECT * FROM customers
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND id = sqlc.arg(id);

-- name: GetCustomerByIdempotencyKey :one
SELECT * FROM customers
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND idempotency_key = sqlc.arg(idempotency_key);

-- Newest first; starting_after is an id (ids sort by creation time).
-- name: ListCustomers :many
SELECT * FROM customers
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND (CAST(sqlc.arg(starting_after) AS TEXT) = '' OR id < CAST(sqlc.arg(starting_after) AS TEXT))
  AND (CAST(sqlc.arg(email) AS TEXT) = '' OR email = CAST(sqlc.arg(email) AS TEXT))
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- Oldest first from ending_before upwards; the caller reverses the page.
-- name: ListCustomersEndingBefore :many
SELECT * FROM customers
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND id > sqlc.arg(ending_before)
  AND (CAST(sqlc.arg(email) AS TEXT) = '' OR email = CAST(sqlc.arg(email) AS TEXT))
ORDER BY id ASC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);
