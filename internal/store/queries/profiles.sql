-- name: InsertPaymentProfile :exec
INSERT INTO payment_profiles (id, merchant_id, livemode, connector, name, status, methods, currencies, api_base_url,
                              credentials_sealed, credentials_hint, created_at, updated_at, hosted_page)
VALUES (sqlc.arg(id), sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(connector), sqlc.arg(name), sqlc.arg(status),
        sqlc.arg(methods), sqlc.arg(currencies), sqlc.arg(api_base_url), sqlc.narg(credentials_sealed), sqlc.arg(credentials_hint), sqlc.arg(created_at), sqlc.arg(updated_at),
        sqlc.arg(hosted_page));

-- name: GetPaymentProfile :one
SELECT * FROM payment_profiles
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND id = sqlc.arg(id);

-- Oldest first: the first enabled profile serving a payment is the merchant's default.
-- name: ListPaymentProfiles :many
SELECT * FROM payment_profiles
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
ORDER BY id ASC;

-- name: UpdatePaymentProfile :execrows
UPDATE payment_profiles
SET name = sqlc.arg(name), status = sqlc.arg(status), methods = sqlc.arg(methods), currencies = sqlc.arg(currencies),
    api_base_url = sqlc.arg(api_base_url), hosted_page = sqlc.arg(hosted_page),
    credentials_sealed = sqlc.narg(credentials_sealed), credentials_hint = sqlc.arg(credentials_hint),
    updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id);

-- name: DeletePaymentProfile :execrows
DELETE FROM payment_profiles
WHERE payment_profiles.id = sqlc.arg(profile_id)
  AND NOT EXISTS (SELECT 1 FROM transactions WHERE transactions.profile_id = sqlc.arg(profile_id));

-- name: GetRoutingRules :one
SELECT * FROM routing_rules WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode);

-- name: PutRoutingRules :exec
INSERT INTO routing_rules (merchant_id, livemode, rules, updated_at)
VALUES (sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(rules), sqlc.arg(updated_at))
ON CONFLICT (merchant_id, livemode) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at;

-- name: GetPaymentProfileByID :one
SELECT * FROM payment_profiles WHERE id = sqlc.arg(id);

-- name: InsertProviderEvent :execrows
INSERT INTO provider_events (profile_id, event_id, type, received_at)
VALUES (sqlc.arg(profile_id), sqlc.arg(event_id), sqlc.arg(type), sqlc.arg(received_at))
ON CONFLICT (profile_id, event_id) DO NOTHING;

-- name: GetPaymentByProviderTransactionID :one
SELECT * FROM payments
WHERE profile_id = sqlc.arg(profile_id) AND provider_transaction_id = sqlc.arg(provider_transaction_id)
ORDER BY id DESC
LIMIT 1;
