-- Fraud signals (internal/fraud's Input), counted over a merchant's payments in one mode. Every card attempt is a
-- payment row, declined ones included.

-- name: CountCardAttempts :one
SELECT CAST(COALESCE(SUM(CASE WHEN created_at >= sqlc.arg(minute_ago) THEN 1 ELSE 0 END), 0) AS BIGINT) AS minute,
       CAST(COALESCE(SUM(CASE WHEN created_at >= sqlc.arg(hour_ago) THEN 1 ELSE 0 END), 0) AS BIGINT) AS hour,
       CAST(COUNT(*) AS BIGINT) AS day
FROM payments
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND card_fingerprint = sqlc.arg(value) AND created_at >= sqlc.arg(day_ago);

-- name: CountIPAttempts :one
SELECT CAST(COALESCE(SUM(CASE WHEN created_at >= sqlc.arg(minute_ago) THEN 1 ELSE 0 END), 0) AS BIGINT) AS minute,
       CAST(COALESCE(SUM(CASE WHEN created_at >= sqlc.arg(hour_ago) THEN 1 ELSE 0 END), 0) AS BIGINT) AS hour,
       CAST(COUNT(*) AS BIGINT) AS day
FROM payments
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND client_ip = sqlc.arg(value) AND created_at >= sqlc.arg(day_ago);

-- name: CountEmailAttempts :one
SELECT CAST(COALESCE(SUM(CASE WHEN created_at >= sqlc.arg(minute_ago) THEN 1 ELSE 0 END), 0) AS BIGINT) AS minute,
       CAST(COALESCE(SUM(CASE WHEN created_at >= sqlc.arg(hour_ago) THEN 1 ELSE 0 END), 0) AS BIGINT) AS hour,
       CAST(COUNT(*) AS BIGINT) AS day
FROM payments
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND customer_email = sqlc.arg(value) AND created_at >= sqlc.arg(day_ago);

-- name: CountDistinctCardsFromIP :one
SELECT CAST(COUNT(DISTINCT card_fingerprint) AS BIGINT) AS cards,
       CAST(COALESCE(SUM(CASE WHEN card_fingerprint = sqlc.arg(card_fingerprint) THEN 1 ELSE 0 END), 0) AS BIGINT) AS this_card
FROM payments
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND client_ip = sqlc.arg(client_ip) AND card_fingerprint <> '' AND created_at >= sqlc.arg(since);

-- name: CountRecentDeclines :one
SELECT CAST(COUNT(*) AS BIGINT) AS declines
FROM payments
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND status = 'failed'
  AND created_at >= sqlc.arg(since)
  AND ((CAST(sqlc.arg(card_fingerprint) AS TEXT) <> '' AND card_fingerprint = CAST(sqlc.arg(card_fingerprint) AS TEXT))
    OR (CAST(sqlc.arg(client_ip) AS TEXT) <> '' AND client_ip = CAST(sqlc.arg(client_ip) AS TEXT))
    OR (CAST(sqlc.arg(email) AS TEXT) <> '' AND customer_email = CAST(sqlc.arg(email) AS TEXT)));

-- The amounts of a merchant's recent successful payments in one currency (the typical amount is their median).
-- name: ListRecentAmounts :many
SELECT amount FROM payments
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND currency = sqlc.arg(currency)
  AND status IN ('authorized', 'captured', 'partially_refunded', 'refunded') AND created_at >= sqlc.arg(since)
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- name: InsertBlocklistEntry :execrows
INSERT INTO fraud_blocklist (id, merchant_id, livemode, kind, value, reason, created_at)
VALUES (sqlc.arg(id), sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(kind), sqlc.arg(value), sqlc.arg(reason),
        sqlc.arg(created_at))
ON CONFLICT (merchant_id, livemode, kind, value) DO NOTHING;

-- name: GetBlocklistEntry :one
SELECT * FROM fraud_blocklist WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND id = sqlc.arg(id);

-- name: GetBlocklistEntryByValue :one
SELECT * FROM fraud_blocklist
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND kind = sqlc.arg(kind) AND value = sqlc.arg(value);

-- name: DeleteBlocklistEntry :execrows
DELETE FROM fraud_blocklist WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND id = sqlc.arg(id);

-- name: ListBlocklist :many
SELECT * FROM fraud_blocklist
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND (CAST(sqlc.arg(starting_after) AS TEXT) = '' OR id < CAST(sqlc.arg(starting_after) AS TEXT))
  AND (CAST(sqlc.arg(kind) AS TEXT) = '' OR kind = CAST(sqlc.arg(kind) AS TEXT))
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- The blocklist entries matching an attempt's card fingerprint, email, IP or BIN ('' matches nothing).
-- name: MatchBlocklist :many
SELECT * FROM fraud_blocklist
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND ((kind = 'card_fingerprint' AND value = CAST(sqlc.arg(card_fingerprint) AS TEXT))
    OR (kind = 'email' AND value = CAST(sqlc.arg(email) AS TEXT))
    OR (kind = 'ip' AND value = CAST(sqlc.arg(ip) AS TEXT))
    OR (kind = 'bin' AND (value = CAST(sqlc.arg(bin6) AS TEXT) OR value = CAST(sqlc.arg(bin7) AS TEXT) OR value = CAST(sqlc.arg(bin8) AS TEXT))))
ORDER BY id;

-- name: GetFraudSettings :one
SELECT settings FROM fraud_settings WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode);

-- name: UpsertFraudSettings :exec
INSERT INTO fraud_settings (merchant_id, livemode, settings, updated_at)
VALUES (sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(settings), sqlc.arg(updated_at))
ON CONFLICT (merchant_id, livemode) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at;
