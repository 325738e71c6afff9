-- Fraud signals (internal/fraud's Input), counted over a merchant's payments in one mode. Every card attempt is a
-- payment row, declined ones included.

-- Every velocity signal of one attempt in one round trip: the attempts with its card, its IP and its e-mail in the
-- last minute, hour and day; the distinct cards seen from its IP in the last hour (and whether its own card is among
-- them); the declines of any of them in the last day; the amounts of the merchant's recent successful payments in
-- the currency (the typical amount is their median); and the blocklist entries the card, e-mail, IP or BIN match.
-- Each count is a range scan of an index that stops at count_limit rows (no rule looks further), so its cost does not
-- grow with a busy card's or IP's history: the distinct cards are those of the IP's latest count_limit attempts in
-- the hour, and the declines walk indexes of failed payments only (payments_*_declines_idx), up to count_limit of
-- each of card, IP and e-mail. The recent amounts' window is an id range (ids carry their creation time), so the
-- newest-first walk of payments_list_idx stops after amounts_limit matches instead of sorting a month of payments.
-- An empty IP or e-mail counts and matches nothing.
-- name: CountAttemptSignals :one
SELECT
       CAST((SELECT COUNT(*) FROM (SELECT 1 FROM payments s1 WHERE s1.merchant_id = sqlc.arg(merchant_id) AND s1.livemode = sqlc.arg(livemode)
        AND s1.card_fingerprint = sqlc.arg(card_fingerprint) AND s1.created_at >= sqlc.arg(minute_ago)
        LIMIT CAST(sqlc.arg(count_limit) AS BIGINT)) c1) AS BIGINT) AS card_minute,
       CAST((SELECT COUNT(*) FROM (SELECT 1 FROM payments s2 WHERE s2.merchant_id = sqlc.arg(merchant_id) AND s2.livemode = sqlc.arg(livemode)
        AND s2.card_fingerprint = sqlc.arg(card_fingerprint) AND s2.created_at >= sqlc.arg(hour_ago)
        LIMIT CAST(sqlc.arg(count_limit) AS BIGINT)) c2) AS BIGINT) AS card_hour,
       CAST((SELECT COUNT(*) FROM (SELECT 1 FROM payments s3 WHERE s3.merchant_id = sqlc.arg(merchant_id) AND s3.livemode = sqlc.arg(livemode)
        AND s3.card_fingerprint = sqlc.arg(card_fingerprint) AND s3.created_at >= sqlc.arg(day_ago)
        LIMIT CAST(sqlc.arg(count_limit) AS BIGINT)) c3) AS BIGINT) AS card_day,
       CAST((SELECT COUNT(*) FROM (SELECT 1 FROM payments s4 WHERE s4.merchant_id = sqlc.arg(merchant_id) AND s4.livemode = sqlc.arg(livemode)
        AND s4.client_ip = CAST(sqlc.arg(client_ip) AS TEXT) AND CAST(sqlc.arg(client_ip) AS TEXT) <> '' AND s4.created_at >= sqlc.arg(minute_ago)
        LIMIT CAST(sqlc.arg(count_limit) AS BIGINT)) c4) AS BIGINT) AS ip_minute,
       CAST((SELECT COUNT(*) FROM (SELECT 1 FROM payments s5 WHERE s5.merchant_id = sqlc.arg(merchant_id) AND s5.livemode = sqlc.arg(livemode)
        AND s5.client_ip = CAST(sqlc.arg(client_ip) AS TEXT) AND CAST(sqlc.arg(client_ip) AS TEXT) <> '' AND s5.created_at >= sqlc.arg(hour_ago)
        LIMIT CAST(sqlc.arg(count_limit) AS BIGINT)) c5) AS BIGINT) AS ip_hour,
       CAST((SELECT COUNT(*) FROM (SELECT 1 FROM payments s6 WHERE s6.merchant_id = sqlc.arg(merchant_id) AND s6.livemode = sqlc.arg(livemode)
        AND s6.client_ip = CAST(sqlc.arg(client_ip) AS TEXT) AND CAST(sqlc.arg(client_ip) AS TEXT) <> '' AND s6.created_at >= sqlc.arg(day_ago)
        LIMIT CAST(sqlc.arg(count_limit) AS BIGINT)) c6) AS BIGINT) AS ip_day,
       CAST((SELECT COUNT(*) FROM (SELECT 1 FROM payments s7 WHERE s7.merchant_id = sqlc.arg(merchant_id) AND s7.livemode = sqlc.arg(livemode)
        AND s7.customer_email = CAST(sqlc.arg(email) AS TEXT) AND CAST(sqlc.arg(email) AS TEXT) <> '' AND s7.created_at >= sqlc.arg(minute_ago)
        LIMIT CAST(sqlc.arg(count_limit) AS BIGINT)) c7) AS BIGINT) AS email_minute,
       CAST((SELECT COUNT(*) FROM (SELECT 1 FROM payments s8 WHERE s8.merchant_id = sqlc.arg(merchant_id) AND s8.livemode = sqlc.arg(livemode)
        AND s8.customer_email = CAST(sqlc.arg(email) AS TEXT) AND CAST(sqlc.arg(email) AS TEXT) <> '' AND s8.created_at >= sqlc.arg(hour_ago)
        LIMIT CAST(sqlc.arg(count_limit) AS BIGINT)) c8) AS BIGINT) AS email_hour,
       CAST((SELECT COUNT(*) FROM (SELECT 1 FROM payments s9 WHERE s9.merchant_id = sqlc.arg(merchant_id) AND s9.livemode = sqlc.arg(livemode)
        AND s9.customer_email = CAST(sqlc.arg(email) AS TEXT) AND CAST(sqlc.arg(email) AS TEXT) <> '' AND s9.created_at >= sqlc.arg(day_ago)
        LIMIT CAST(sqlc.arg(count_limit) AS BIGINT)) c9) AS BIGINT) AS email_day,
       CAST((SELECT COUNT(DISTINCT w10.card_fingerprint) FROM (SELECT s10.card_fingerprint FROM payments s10
        WHERE s10.merchant_id = sqlc.arg(merchant_id) AND s10.livemode = sqlc.arg(livemode)
        AND s10.client_ip = CAST(sqlc.arg(client_ip) AS TEXT) AND CAST(sqlc.arg(client_ip) AS TEXT) <> '' AND s10.card_fingerprint <> ''
        AND s10.created_at >= sqlc.arg(hour_ago)
        ORDER BY s10.created_at DESC LIMIT CAST(sqlc.arg(count_limit) AS BIGINT)) w10) AS BIGINT) AS ip_cards,
       CAST((SELECT COUNT(*) FROM (SELECT 1 FROM payments s11 WHERE s11.merchant_id = sqlc.arg(merchant_id) AND s11.livemode = sqlc.arg(livemode)
        AND s11.client_ip = CAST(sqlc.arg(client_ip) AS TEXT) AND CAST(sqlc.arg(client_ip) AS TEXT) <> '' AND s11.card_fingerprint = sqlc.arg(card_fingerprint)
        AND s11.created_at >= sqlc.arg(hour_ago)
        LIMIT CAST(sqlc.arg(count_limit) AS BIGINT)) c11) AS BIGINT) AS ip_this_card,
       CAST((SELECT COUNT(*) FROM (
          SELECT d1.id FROM (SELECT s12.id FROM payments s12 WHERE s12.merchant_id = sqlc.arg(merchant_id) AND s12.livemode = sqlc.arg(livemode)
            AND s12.status = 'failed' AND s12.card_fingerprint = sqlc.arg(card_fingerprint) AND sqlc.arg(card_fingerprint) <> ''
            AND s12.created_at >= sqlc.arg(day_ago) LIMIT CAST(sqlc.arg(count_limit) AS BIGINT)) d1
          UNION
          SELECT d2.id FROM (SELECT s14.id FROM payments s14 WHERE s14.merchant_id = sqlc.arg(merchant_id) AND s14.livemode = sqlc.arg(livemode)
            AND s14.status = 'failed' AND s14.client_ip = CAST(sqlc.arg(client_ip) AS TEXT) AND CAST(sqlc.arg(client_ip) AS TEXT) <> ''
            AND s14.created_at >= sqlc.arg(day_ago) LIMIT CAST(sqlc.arg(count_limit) AS BIGINT)) d2
          UNION
          SELECT d3.id FROM (SELECT s15.id FROM payments s15 WHERE s15.merchant_id = sqlc.arg(merchant_id) AND s15.livemode = sqlc.arg(livemode)
            AND s15.status = 'failed' AND s15.customer_email = CAST(sqlc.arg(email) AS TEXT) AND CAST(sqlc.arg(email) AS TEXT) <> ''
            AND s15.created_at >= sqlc.arg(day_ago) LIMIT CAST(sqlc.arg(count_limit) AS BIGINT)) d3
        ) c12) AS BIGINT) AS declines,
       CAST(COALESCE((SELECT string_agg(CAST(recent.amount AS TEXT), ',') FROM (SELECT s13.amount FROM payments s13
        WHERE s13.merchant_id = sqlc.arg(merchant_id) AND s13.livemode = sqlc.arg(livemode) AND s13.currency = CAST(sqlc.arg(currency) AS TEXT)
          AND s13.status IN ('authorized', 'captured', 'partially_refunded', 'refunded') AND s13.id >= CAST(sqlc.arg(amounts_since_id) AS TEXT)
        ORDER BY s13.id DESC LIMIT CAST(sqlc.arg(amounts_limit) AS BIGINT)) recent), '') AS TEXT) AS recent_amounts,
       CAST((SELECT COUNT(*) FROM fraud_blocklist b1 WHERE b1.merchant_id = sqlc.arg(merchant_id) AND b1.livemode = sqlc.arg(livemode)
        AND b1.kind = 'card_fingerprint' AND b1.value = sqlc.arg(card_fingerprint) AND sqlc.arg(card_fingerprint) <> '') AS BIGINT) AS blocked_card,
       CAST((SELECT COUNT(*) FROM fraud_blocklist b2 WHERE b2.merchant_id = sqlc.arg(merchant_id) AND b2.livemode = sqlc.arg(livemode)
        AND b2.kind = 'email' AND b2.value = CAST(sqlc.arg(email) AS TEXT) AND CAST(sqlc.arg(email) AS TEXT) <> '') AS BIGINT) AS blocked_email,
       CAST((SELECT COUNT(*) FROM fraud_blocklist b3 WHERE b3.merchant_id = sqlc.arg(merchant_id) AND b3.livemode = sqlc.arg(livemode)
        AND b3.kind = 'ip' AND b3.value = CAST(sqlc.arg(block_ip) AS TEXT) AND CAST(sqlc.arg(block_ip) AS TEXT) <> '') AS BIGINT) AS blocked_ip,
       CAST(COALESCE((SELECT string_agg(b4.value, ',') FROM fraud_blocklist b4 WHERE b4.merchant_id = sqlc.arg(merchant_id)
        AND b4.livemode = sqlc.arg(livemode) AND b4.kind = 'bin'
        AND (b4.value = CAST(sqlc.arg(bin6) AS TEXT) OR b4.value = CAST(sqlc.arg(bin7) AS TEXT) OR b4.value = CAST(sqlc.arg(bin8) AS TEXT))), '') AS TEXT) AS blocked_bins;

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

-- name: GetFraudSettings :one
SELECT settings FROM fraud_settings WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode);

-- name: UpsertFraudSettings :exec
INSERT INTO fraud_settings (merchant_id, livemode, settings, updated_at)
VALUES (sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(settings), sqlc.arg(updated_at))
ON CONFLICT (merchant_id, livemode) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at;
