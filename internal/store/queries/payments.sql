-- name: InsertPaymentMethod :exec
INSERT INTO payment_methods (id, merchant_id, livemode, brand, first6, last4, exp_month, exp_year, fingerprint, ciphertext,
                             wrapped_key, key_version, created_at)
VALUES (sqlc.arg(id), sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(brand), sqlc.arg(first6), sqlc.arg(last4),
        sqlc.arg(exp_month), sqlc.arg(exp_year), sqlc.arg(fingerprint), sqlc.arg(ciphertext), sqlc.arg(wrapped_key),
        sqlc.arg(key_version), sqlc.arg(created_at));

-- name: GetPaymentMethod :one
SELECT * FROM payment_methods WHERE id = sqlc.arg(id);

-- name: InsertPayment :exec
INSERT INTO payments (id, merchant_id, livemode, status, method, capture_method, amount, currency, amount_captured,
                      amount_refunded, amount_refunds_pending, payment_method_id, card_brand, card_first6, card_last4,
                      card_exp_month, card_exp_year, customer_email, customer_name, description, metadata,
                      external_order_id, external_invoice_id, source_kind, source_id, provider, provider_transaction_id,
                      scenario, failure_code, failure_message, decline_code, recovery_attempts, created_at, updated_at, vpa,
                      profile_id)
VALUES (sqlc.arg(id), sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(status), sqlc.arg(method), sqlc.arg(capture_method),
        sqlc.arg(amount), sqlc.arg(currency), sqlc.arg(amount_captured), sqlc.arg(amount_refunded),
        sqlc.arg(amount_refunds_pending), sqlc.narg(payment_method_id), sqlc.arg(card_brand), sqlc.arg(card_first6),
        sqlc.arg(card_last4), sqlc.arg(card_exp_month), sqlc.arg(card_exp_year), sqlc.arg(customer_email),
        sqlc.arg(customer_name), sqlc.arg(description), sqlc.arg(metadata), sqlc.arg(external_order_id),
        sqlc.arg(external_invoice_id), sqlc.arg(source_kind), sqlc.arg(source_id), sqlc.arg(provider),
        sqlc.arg(provider_transaction_id), sqlc.arg(scenario), sqlc.arg(failure_code), sqlc.arg(failure_message),
        sqlc.arg(decline_code), sqlc.arg(recovery_attempts), sqlc.arg(created_at), sqlc.arg(updated_at), sqlc.arg(vpa), sqlc.arg(profile_id));

-- name: GetPayment :one
SELECT * FROM payments WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND id = sqlc.arg(id);

-- name: GetPaymentByID :one
SELECT * FROM payments WHERE id = sqlc.arg(id);

-- name: UpdatePayment :execrows
UPDATE payments
SET status = sqlc.arg(status), amount_captured = sqlc.arg(amount_captured), amount_refunded = sqlc.arg(amount_refunded),
    amount_refunds_pending = sqlc.arg(amount_refunds_pending), provider_transaction_id = sqlc.arg(provider_transaction_id),
    failure_code = sqlc.arg(failure_code), failure_message = sqlc.arg(failure_message), decline_code = sqlc.arg(decline_code),
    recovery_attempts = sqlc.arg(recovery_attempts), provider = sqlc.arg(provider), profile_id = sqlc.arg(profile_id),
    updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id);

-- name: InsertTransaction :exec
INSERT INTO transactions (id, payment_id, merchant_id, livemode, type, status, amount, currency, provider,
                          provider_transaction_id, auth_code, response_code, response_message, created_at, profile_id)
VALUES (sqlc.arg(id), sqlc.arg(payment_id), sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(type), sqlc.arg(status),
        sqlc.arg(amount), sqlc.arg(currency), sqlc.arg(provider), sqlc.arg(provider_transaction_id), sqlc.arg(auth_code),
        sqlc.arg(response_code), sqlc.arg(response_message), sqlc.arg(created_at), sqlc.arg(profile_id));

-- name: GetTransaction :one
SELECT * FROM transactions WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND id = sqlc.arg(id);

-- name: ListTransactions :many
SELECT * FROM transactions
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND (CAST(sqlc.arg(starting_after) AS TEXT) = '' OR id < CAST(sqlc.arg(starting_after) AS TEXT))
  AND (CAST(sqlc.arg(payment_id) AS TEXT) = '' OR payment_id = CAST(sqlc.arg(payment_id) AS TEXT))
  AND (CAST(sqlc.arg(type) AS TEXT) = '' OR type = CAST(sqlc.arg(type) AS TEXT))
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
  AND created_at >= sqlc.arg(created_gte) AND created_at < sqlc.arg(created_lt)
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- name: InsertLedgerLine :exec
INSERT INTO ledger_lines (id, journal_id, merchant_id, livemode, currency, account, debit, credit, reference, memo, created_at)
VALUES (sqlc.arg(id), sqlc.arg(journal_id), sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(currency), sqlc.arg(account),
        sqlc.arg(debit), sqlc.arg(credit), sqlc.arg(reference), sqlc.arg(memo), sqlc.arg(created_at));

-- name: SumLedger :many
SELECT account, currency, CAST(SUM(debit) AS BIGINT) AS debits, CAST(SUM(credit) AS BIGINT) AS credits
FROM ledger_lines
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
GROUP BY account, currency
ORDER BY account, currency;

-- Card payments still pending after their provider call should have finished: the recovery sweep.
-- name: ListStalePendingPayments :many
SELECT * FROM payments WHERE status = 'pending' AND method = 'card' AND updated_at <= sqlc.arg(before)
ORDER BY updated_at
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);
