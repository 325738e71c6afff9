-- name: InsertDashboardSession :exec
INSERT INTO dashboard_sessions (token_hash, user_id, merchant_id, livemode, created_at, expires_at)
VALUES (sqlc.arg(token_hash), sqlc.arg(user_id), sqlc.narg(merchant_id), sqlc.arg(livemode), sqlc.arg(created_at),
        sqlc.arg(expires_at));

-- name: GetDashboardSession :one
SELECT * FROM dashboard_sessions WHERE token_hash = sqlc.arg(token_hash);

-- name: UpdateDashboardSession :execrows
UPDATE dashboard_sessions SET merchant_id = sqlc.narg(merchant_id), livemode = sqlc.arg(livemode)
WHERE token_hash = sqlc.arg(token_hash);

-- name: DeleteDashboardSession :exec
DELETE FROM dashboard_sessions WHERE token_hash = sqlc.arg(token_hash);

-- name: DeleteUserDashboardSessions :execrows
DELETE FROM dashboard_sessions WHERE user_id = sqlc.arg(user_id);

-- name: DeleteExpiredDashboardSessions :execrows
DELETE FROM dashboard_sessions WHERE expires_at <= sqlc.arg(now);

-- name: GetUser :one
SELECT * FROM users WHERE id = sqlc.arg(id);

-- name: UpdateUserPassword :execrows
UPDATE users SET password_hash = sqlc.arg(password_hash) WHERE id = sqlc.arg(id);

-- name: GetLoginFailures :one
SELECT * FROM dashboard_login_failures WHERE email = sqlc.arg(email);

-- CountLoginFailure counts one sign-in attempt of an email before its password is checked, in one statement, so
-- that concurrent attempts each get their own number. A lock that ran out starts the count afresh.
-- name: CountLoginFailure :one
INSERT INTO dashboard_login_failures (email, failures, locked_until, updated_at)
VALUES (sqlc.arg(email), 1, NULL, sqlc.arg(updated_at))
ON CONFLICT (email) DO UPDATE SET
    failures = CASE WHEN dashboard_login_failures.locked_until <= excluded.updated_at THEN 1
                    ELSE dashboard_login_failures.failures + 1 END,
    locked_until = CASE WHEN dashboard_login_failures.locked_until <= excluded.updated_at THEN NULL
                        ELSE dashboard_login_failures.locked_until END,
    updated_at = excluded.updated_at
RETURNING failures, locked_until;

-- name: LockLoginFailures :exec
UPDATE dashboard_login_failures SET locked_until = sqlc.arg(locked_until)
WHERE email = sqlc.arg(email) AND locked_until IS NULL;

-- name: DeleteLoginFailures :exec
DELETE FROM dashboard_login_failures WHERE email = sqlc.arg(email);

-- name: GetMerchantProfile :one
SELECT * FROM merchant_profiles WHERE merchant_id = sqlc.arg(merchant_id);

-- name: UpsertMerchantProfile :exec
INSERT INTO merchant_profiles (merchant_id, time_zone, accent_color, logo_url, updated_at)
VALUES (sqlc.arg(merchant_id), sqlc.arg(time_zone), sqlc.arg(accent_color), sqlc.arg(logo_url), sqlc.arg(updated_at))
ON CONFLICT (merchant_id) DO UPDATE SET time_zone = excluded.time_zone, accent_color = excluded.accent_color,
                                        logo_url = excluded.logo_url, updated_at = excluded.updated_at;

-- The dashboard's payment search. Time ranges and the cursor arrive as an id range (ids sort by creation time), so
-- the (merchant_id, livemode, id) index, or the index of the one exact filter that leads, serves the range and the
-- order; the other filters are checked on the rows it walks. The adapter picks the query by the filters set.

-- name: SearchPayments :many
SELECT * FROM payments
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND id >= CAST(sqlc.arg(id_gte) AS TEXT) AND id < CAST(sqlc.arg(id_lt) AS TEXT)
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
  AND (CAST(sqlc.arg(method) AS TEXT) = '' OR method = CAST(sqlc.arg(method) AS TEXT))
  AND (CAST(sqlc.arg(external_order_id) AS TEXT) = '' OR external_order_id = CAST(sqlc.arg(external_order_id) AS TEXT))
  AND (CAST(sqlc.arg(card_last4) AS TEXT) = '' OR card_last4 = CAST(sqlc.arg(card_last4) AS TEXT))
  AND (CAST(sqlc.arg(customer_email) AS TEXT) = '' OR customer_email = CAST(sqlc.arg(customer_email) AS TEXT))
  AND amount >= CAST(sqlc.arg(amount_gte) AS BIGINT) AND amount <= CAST(sqlc.arg(amount_lte) AS BIGINT)
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- name: SearchPaymentsByEmail :many
SELECT * FROM payments
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND customer_email = CAST(sqlc.arg(lead) AS TEXT)
  AND id >= CAST(sqlc.arg(id_gte) AS TEXT) AND id < CAST(sqlc.arg(id_lt) AS TEXT)
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
  AND (CAST(sqlc.arg(method) AS TEXT) = '' OR method = CAST(sqlc.arg(method) AS TEXT))
  AND (CAST(sqlc.arg(external_order_id) AS TEXT) = '' OR external_order_id = CAST(sqlc.arg(external_order_id) AS TEXT))
  AND (CAST(sqlc.arg(card_last4) AS TEXT) = '' OR card_last4 = CAST(sqlc.arg(card_last4) AS TEXT))
  AND (CAST(sqlc.arg(customer_email) AS TEXT) = '' OR customer_email = CAST(sqlc.arg(customer_email) AS TEXT))
  AND amount >= CAST(sqlc.arg(amount_gte) AS BIGINT) AND amount <= CAST(sqlc.arg(amount_lte) AS BIGINT)
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- name: SearchPaymentsByOrder :many
SELECT * FROM payments
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND external_order_id = CAST(sqlc.arg(lead) AS TEXT)
  AND id >= CAST(sqlc.arg(id_gte) AS TEXT) AND id < CAST(sqlc.arg(id_lt) AS TEXT)
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
  AND (CAST(sqlc.arg(method) AS TEXT) = '' OR method = CAST(sqlc.arg(method) AS TEXT))
  AND (CAST(sqlc.arg(external_order_id) AS TEXT) = '' OR external_order_id = CAST(sqlc.arg(external_order_id) AS TEXT))
  AND (CAST(sqlc.arg(card_last4) AS TEXT) = '' OR card_last4 = CAST(sqlc.arg(card_last4) AS TEXT))
  AND (CAST(sqlc.arg(customer_email) AS TEXT) = '' OR customer_email = CAST(sqlc.arg(customer_email) AS TEXT))
  AND amount >= CAST(sqlc.arg(amount_gte) AS BIGINT) AND amount <= CAST(sqlc.arg(amount_lte) AS BIGINT)
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- name: SearchPaymentsByLast4 :many
SELECT * FROM payments
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND card_last4 = CAST(sqlc.arg(lead) AS TEXT)
  AND id >= CAST(sqlc.arg(id_gte) AS TEXT) AND id < CAST(sqlc.arg(id_lt) AS TEXT)
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
  AND (CAST(sqlc.arg(method) AS TEXT) = '' OR method = CAST(sqlc.arg(method) AS TEXT))
  AND (CAST(sqlc.arg(external_order_id) AS TEXT) = '' OR external_order_id = CAST(sqlc.arg(external_order_id) AS TEXT))
  AND (CAST(sqlc.arg(card_last4) AS TEXT) = '' OR card_last4 = CAST(sqlc.arg(card_last4) AS TEXT))
  AND (CAST(sqlc.arg(customer_email) AS TEXT) = '' OR customer_email = CAST(sqlc.arg(customer_email) AS TEXT))
  AND amount >= CAST(sqlc.arg(amount_gte) AS BIGINT) AND amount <= CAST(sqlc.arg(amount_lte) AS BIGINT)
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- name: PaymentStats :many
SELECT status, currency, CAST(COUNT(*) AS BIGINT) AS payments, CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS amount
FROM payments
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND created_at >= sqlc.arg(created_gte) AND created_at < sqlc.arg(created_lt)
GROUP BY status, currency
ORDER BY status, currency;

-- name: RefundStats :many
SELECT currency, CAST(COUNT(*) AS BIGINT) AS refunds, CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS amount
FROM refunds
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND status = 'succeeded'
  AND created_at >= sqlc.arg(created_gte) AND created_at < sqlc.arg(created_lt)
GROUP BY currency
ORDER BY currency;

-- name: RevokeAPIKeyOfMode :execrows
UPDATE api_keys SET revoked_at = sqlc.arg(revoked_at)
WHERE id = sqlc.arg(id) AND merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND revoked_at IS NULL;
