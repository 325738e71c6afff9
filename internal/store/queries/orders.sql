-- name: InsertOrder :exec
INSERT INTO orders (id, merchant_id, livemode, amount, currency, receipt, notes, status, payment_id, created_at, updated_at)
VALUES (sqlc.arg(id), sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(amount), sqlc.arg(currency), sqlc.arg(receipt),
        sqlc.arg(notes), sqlc.arg(status), sqlc.narg(payment_id), sqlc.arg(created_at), sqlc.arg(updated_at));

-- name: GetOrder :one
SELECT * FROM orders WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND id = sqlc.arg(id);

-- name: GetOrderByID :one
SELECT * FROM orders WHERE id = sqlc.arg(id);

-- name: UpdateOrder :execrows
UPDATE orders SET status = sqlc.arg(status), payment_id = sqlc.narg(payment_id), updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id);

-- name: ListOrders :many
SELECT * FROM orders
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND (CAST(sqlc.arg(starting_after) AS TEXT) = '' OR id < CAST(sqlc.arg(starting_after) AS TEXT))
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);
