-- SQLite write transactions already hold the database's write lock (see locks.sql).
-- name: LockOrder :one
SELECT * FROM orders WHERE id = sqlc.arg(id);
