-- name: InsertEvent :exec
-- The event takes its object's next sequence number (1, 2, …) in the same statement: the object's counter row
-- is locked until the transaction ends, so events of one object are numbered in commit order without gaps.
WITH seq AS (
    INSERT INTO object_sequences (object_id, last) VALUES (sqlc.arg(object_id), 1)
    ON CONFLICT (object_id) DO UPDATE SET last = object_sequences.last + 1
    RETURNING last
)
INSERT INTO events (id, merchant_id, livemode, type, object_id, sequence, api_version, data, created_at)
SELECT sqlc.arg(id)::text, sqlc.arg(merchant_id)::text, sqlc.arg(livemode)::boolean, sqlc.arg(type)::text,
       sqlc.arg(object_id), seq.last, sqlc.arg(api_version)::text, sqlc.arg(data)::json,
       sqlc.arg(created_at)::timestamptz
FROM seq;
