-- The direct card API's columns of a payment: set after InsertPayment and UpdatePayment in the same transaction.
-- name: UpdatePaymentCard :execrows
UPDATE payments
SET card_fingerprint = sqlc.arg(card_fingerprint), client_ip = sqlc.arg(client_ip), fraud_score = sqlc.arg(fraud_score),
    fraud_decision = sqlc.arg(fraud_decision), fraud_reasons = sqlc.arg(fraud_reasons), auth_code = sqlc.arg(auth_code),
    response_code = sqlc.arg(response_code), response_message = sqlc.arg(response_message),
    last_transaction_id = sqlc.arg(last_transaction_id), authorized_at = sqlc.narg(authorized_at),
    expires_at = sqlc.narg(expires_at), captured_at = sqlc.narg(captured_at), voided_at = sqlc.narg(voided_at),
    void_reason = sqlc.arg(void_reason), operation = sqlc.arg(operation), operation_id = sqlc.arg(operation_id),
    operation_amount = sqlc.arg(operation_amount), operation_reason = sqlc.arg(operation_reason),
    save_to_wallet = sqlc.arg(save_to_wallet)
WHERE id = sqlc.arg(id);

-- Authorizations past their expires_at: the expiry job voids them.
-- name: ListExpiredAuthorizations :many
SELECT * FROM payments
WHERE status = 'authorized' AND expires_at <= sqlc.arg(now)
ORDER BY expires_at
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- Payments with a capture, void or expiry in flight for a while (a lost recovery job's safety net).
-- name: ListStaleOperations :many
SELECT * FROM payments
WHERE operation <> '' AND updated_at <= sqlc.arg(before)
ORDER BY updated_at
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- The payment list, newest first. The created range and the cursors arrive as an id range (ids carry their
-- creation time: id.Floor), which the (..., id) index walks in order; the exact created range and the other filters are
-- checked on the rows it walks. A status or source filter picks the variant whose index leads with it, so that a
-- rare status among a million payments is found without walking the rest (the adapter picks by the filters set).
-- name: ListPaymentsFiltered :many
SELECT * FROM payments
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND id >= CAST(sqlc.arg(id_gte) AS TEXT) AND id < CAST(sqlc.arg(id_lt) AS TEXT)
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
  AND (CAST(sqlc.arg(source_id) AS TEXT) = '' OR source_id = CAST(sqlc.arg(source_id) AS TEXT))
  AND (CAST(sqlc.arg(source_kind) AS TEXT) = '' OR source_kind = CAST(sqlc.arg(source_kind) AS TEXT))
  AND created_at >= sqlc.arg(created_gte) AND created_at < sqlc.arg(created_lt)
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT) OFFSET CAST(sqlc.arg(row_offset) AS BIGINT);

-- name: ListPaymentsOfStatus :many
SELECT * FROM payments
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND status = CAST(sqlc.arg(lead) AS TEXT)
  AND id >= CAST(sqlc.arg(id_gte) AS TEXT) AND id < CAST(sqlc.arg(id_lt) AS TEXT)
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
  AND (CAST(sqlc.arg(source_id) AS TEXT) = '' OR source_id = CAST(sqlc.arg(source_id) AS TEXT))
  AND (CAST(sqlc.arg(source_kind) AS TEXT) = '' OR source_kind = CAST(sqlc.arg(source_kind) AS TEXT))
  AND created_at >= sqlc.arg(created_gte) AND created_at < sqlc.arg(created_lt)
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT) OFFSET CAST(sqlc.arg(row_offset) AS BIGINT);

-- name: ListPaymentsOfSource :many
SELECT * FROM payments
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND source_id = CAST(sqlc.arg(lead) AS TEXT)
  AND id >= CAST(sqlc.arg(id_gte) AS TEXT) AND id < CAST(sqlc.arg(id_lt) AS TEXT)
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
  AND (CAST(sqlc.arg(source_id) AS TEXT) = '' OR source_id = CAST(sqlc.arg(source_id) AS TEXT))
  AND (CAST(sqlc.arg(source_kind) AS TEXT) = '' OR source_kind = CAST(sqlc.arg(source_kind) AS TEXT))
  AND created_at >= sqlc.arg(created_gte) AND created_at < sqlc.arg(created_lt)
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT) OFFSET CAST(sqlc.arg(row_offset) AS BIGINT);

-- name: ListTransactionsFiltered :many
SELECT * FROM transactions
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND (CAST(sqlc.arg(starting_after) AS TEXT) = '' OR id < CAST(sqlc.arg(starting_after) AS TEXT))
  AND (CAST(sqlc.arg(payment_id) AS TEXT) = '' OR payment_id = CAST(sqlc.arg(payment_id) AS TEXT))
  AND (CAST(sqlc.arg(type) AS TEXT) = '' OR type = CAST(sqlc.arg(type) AS TEXT) OR type = CAST(sqlc.arg(also_type) AS TEXT))
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
  AND created_at >= sqlc.arg(created_gte) AND created_at < sqlc.arg(created_lt)
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT) OFFSET CAST(sqlc.arg(row_offset) AS BIGINT);
