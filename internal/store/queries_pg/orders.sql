-- name: LockOrder :one
SELECT * FROM orders WHERE id = sqlc.arg(id) FOR UPDATE;
