-- name: InsertMerchant :exec
INSERT INTO merchants (id, name, email, status, checkout_allowed_origins, rate_limits, created_at, updated_at,
                       sandbox_provider_page)
VALUES (sqlc.arg(id), sqlc.arg(name), sqlc.arg(email), sqlc.arg(status), sqlc.arg(checkout_allowed_origins),
        sqlc.arg(rate_limits), sqlc.arg(created_at), sqlc.arg(updated_at), sqlc.arg(sandbox_provider_page));

-- name: GetMerchant :one
SELECT * FROM merchants WHERE id = sqlc.arg(id);

-- name: ListMerchants :many
SELECT * FROM merchants ORDER BY id;

-- name: UpdateMerchant :execrows
UPDATE merchants
SET name = sqlc.arg(name), email = sqlc.arg(email), status = sqlc.arg(status),
    checkout_allowed_origins = sqlc.arg(checkout_allowed_origins), rate_limits = sqlc.arg(rate_limits),
    sandbox_provider_page = sqlc.arg(sandbox_provider_page), updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id);

-- name: InsertAPIKey :exec
INSERT INTO api_keys (id, merchant_id, kind, livemode, key_hash, hint, created_at, expires_at, revoked_at)
VALUES (sqlc.arg(id), sqlc.arg(merchant_id), sqlc.arg(kind), sqlc.arg(livemode), sqlc.arg(key_hash), sqlc.arg(hint),
        sqlc.arg(created_at), sqlc.narg(expires_at), sqlc.narg(revoked_at));

-- name: GetAPIKeyByHash :one
SELECT * FROM api_keys WHERE key_hash = sqlc.arg(key_hash);

-- name: ListAPIKeys :many
SELECT * FROM api_keys WHERE merchant_id = sqlc.arg(merchant_id) ORDER BY id;

-- name: ExpireAPIKeys :execrows
UPDATE api_keys SET expires_at = sqlc.arg(expires_at)
WHERE merchant_id = sqlc.arg(merchant_id) AND kind = sqlc.arg(kind) AND livemode = sqlc.arg(livemode)
  AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > sqlc.arg(expires_at));

-- name: RevokeAPIKey :execrows
UPDATE api_keys SET revoked_at = sqlc.arg(revoked_at)
WHERE id = sqlc.arg(id) AND merchant_id = sqlc.arg(merchant_id) AND revoked_at IS NULL;

-- name: InsertUser :exec
INSERT INTO users (id, merchant_id, email, password_hash, role, created_at)
VALUES (sqlc.arg(id), sqlc.narg(merchant_id), sqlc.arg(email), sqlc.arg(password_hash), sqlc.arg(role), sqlc.arg(created_at));

-- name: GetUserByEmail :one
SELECT * FROM users WHERE email = sqlc.arg(email);

-- name: InsertInstanceSetting :execrows
INSERT INTO instance_settings (key, value, created_at) VALUES (sqlc.arg(key), sqlc.arg(value), sqlc.arg(created_at))
ON CONFLICT (key) DO NOTHING;

-- name: GetInstanceSetting :one
SELECT * FROM instance_settings WHERE key = sqlc.arg(key);
