-- SQLite write transactions begin IMMEDIATE (the DSN sets _txlock=immediate), which already holds the database's
-- single write lock, so a plain read inside one is a locked read.
-- name: LockMerchant :one
SELECT * FROM merchants WHERE id = sqlc.arg(id);
