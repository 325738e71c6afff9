-- name: NextObjectSequence :one
INSERT INTO object_sequences (object_id, last) VALUES (sqlc.arg(object_id), 1)
ON CONFLICT (object_id) DO UPDATE SET last = object_sequences.last + 1
RETURNING last;

-- name: InsertEvent :exec
INSERT INTO events (id, merchant_id, livemode, type, object_id, sequence, api_version, data, created_at)
VALUES (sqlc.arg(id), sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(type), sqlc.arg(object_id), sqlc.arg(sequence),
        sqlc.arg(api_version), sqlc.arg(data), sqlc.arg(created_at));
