-- name: LockMerchant :one
SELECT * FROM merchants WHERE id = sqlc.arg(id) FOR UPDATE;
