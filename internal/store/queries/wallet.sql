-- The wallet (DESIGN section 15): shoppers, their saved cards and each merchant's consent, one-time codes, signed-in
-- shoppers, and the operator's admin keys.

-- The shopper of a normalized e-mail, made on first use: one statement, so two first checkouts at once make one.
-- name: UpsertShopper :one
INSERT INTO shoppers (id, email, phone, created_at, updated_at)
VALUES (sqlc.arg(id), sqlc.arg(email), '', sqlc.arg(created_at), sqlc.arg(created_at))
ON CONFLICT (email) DO UPDATE SET email = excluded.email
RETURNING *;

-- name: GetShopper :one
SELECT * FROM shoppers WHERE id = sqlc.arg(id);

-- name: GetShopperByEmail :one
SELECT * FROM shoppers WHERE email = sqlc.arg(email);

-- name: InsertWalletCard :exec
INSERT INTO wallet_cards (id, shopper_id, livemode, brand, first6, last4, exp_month, exp_year, fingerprint, ciphertext,
                          wrapped_key, key_version, created_at)
VALUES (sqlc.arg(id), sqlc.arg(shopper_id), sqlc.arg(livemode), sqlc.arg(brand), sqlc.arg(first6), sqlc.arg(last4),
        sqlc.arg(exp_month), sqlc.arg(exp_year), sqlc.arg(fingerprint), sqlc.arg(ciphertext), sqlc.arg(wrapped_key),
        sqlc.arg(key_version), sqlc.arg(created_at));

-- name: GetWalletCard :one
SELECT * FROM wallet_cards WHERE id = sqlc.arg(id);

-- The shopper's saved copy of a card, if it is saved (not removed) in the mode.
-- name: GetWalletCardByFingerprint :one
SELECT * FROM wallet_cards
WHERE shopper_id = sqlc.arg(shopper_id) AND livemode = sqlc.arg(livemode) AND fingerprint = sqlc.arg(fingerprint)
  AND removed_at IS NULL;

-- name: ListWalletCards :many
SELECT * FROM wallet_cards
WHERE shopper_id = sqlc.arg(shopper_id) AND livemode = sqlc.arg(livemode) AND removed_at IS NULL
ORDER BY id DESC;

-- Removing a card keeps its row, which payments may name, and drops its secret: the number cannot be read again.
-- name: RemoveWalletCard :execrows
UPDATE wallet_cards SET removed_at = sqlc.arg(removed_at), ciphertext = sqlc.arg(empty), wrapped_key = sqlc.arg(empty)
WHERE id = sqlc.arg(id) AND shopper_id = sqlc.arg(shopper_id) AND removed_at IS NULL;

-- Consent again (a later checkout with "remember") renews it: a new time and IP, revocation lifted.
-- name: UpsertWalletConsent :exec
INSERT INTO wallet_consents (payment_method_id, merchant_id, granted_at, client_ip)
VALUES (sqlc.arg(payment_method_id), sqlc.arg(merchant_id), sqlc.arg(granted_at), sqlc.arg(client_ip))
ON CONFLICT (payment_method_id, merchant_id) DO UPDATE
SET granted_at = excluded.granted_at, client_ip = excluded.client_ip, revoked_at = NULL;

-- name: RevokeWalletConsent :execrows
UPDATE wallet_consents SET revoked_at = sqlc.arg(revoked_at)
WHERE payment_method_id = sqlc.arg(payment_method_id) AND merchant_id = sqlc.arg(merchant_id) AND revoked_at IS NULL;

-- Every consent of a shopper's saved cards (the portal shows which merchants may charge each).
-- name: ListWalletConsentsOfShopper :many
SELECT c.* FROM wallet_consents c JOIN wallet_cards w ON w.id = c.payment_method_id
WHERE w.shopper_id = sqlc.arg(shopper_id) AND w.removed_at IS NULL AND c.revoked_at IS NULL
ORDER BY c.payment_method_id, c.merchant_id;

-- The saved cards a merchant may charge: consented to it, neither revoked nor removed; of one shopper, or of all
-- (shopper_id empty), newest first.
-- name: ListConsentedWalletCards :many
SELECT w.* FROM wallet_cards w JOIN wallet_consents c ON c.payment_method_id = w.id
WHERE c.merchant_id = sqlc.arg(merchant_id) AND c.revoked_at IS NULL AND w.removed_at IS NULL
  AND w.livemode = sqlc.arg(livemode)
  AND (CAST(sqlc.arg(shopper_id) AS TEXT) = '' OR w.shopper_id = CAST(sqlc.arg(shopper_id) AS TEXT))
ORDER BY w.id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- name: GetWalletConsent :one
SELECT * FROM wallet_consents WHERE payment_method_id = sqlc.arg(payment_method_id) AND merchant_id = sqlc.arg(merchant_id);

-- name: InsertWalletCode :exec
INSERT INTO wallet_codes (id, email, code_mac, client_ip, attempts, created_at, expires_at)
VALUES (sqlc.arg(id), sqlc.arg(email), sqlc.arg(code_mac), sqlc.arg(client_ip), 0, sqlc.arg(created_at), sqlc.arg(expires_at));

-- The codes sent to an e-mail and from an IP since a time (the send limits).
-- name: CountRecentWalletCodes :one
SELECT CAST((SELECT COUNT(*) FROM wallet_codes e WHERE e.email = sqlc.arg(email) AND e.created_at >= sqlc.arg(since)) AS BIGINT) AS by_email,
       CAST((SELECT COUNT(*) FROM wallet_codes i WHERE i.client_ip = sqlc.arg(client_ip) AND i.created_at >= sqlc.arg(since)) AS BIGINT) AS by_ip;

-- The newest code sent to an e-mail (an earlier one is superseded by it).
-- name: LatestWalletCode :one
SELECT * FROM wallet_codes WHERE email = sqlc.arg(email) ORDER BY created_at DESC, id DESC LIMIT 1;

-- One try of a code, counted before it is compared: a usable code's attempts go up by one and the row comes back;
-- a used, expired or exhausted code changes nothing and returns no row.
-- name: TryWalletCode :one
UPDATE wallet_codes SET attempts = attempts + 1
WHERE id = sqlc.arg(id) AND used_at IS NULL AND expires_at > sqlc.arg(now) AND attempts < CAST(sqlc.arg(max_tries) AS BIGINT)
RETURNING *;

-- A code is used once: of two requests with the right digits, one marks it.
-- name: UseWalletCode :execrows
UPDATE wallet_codes SET used_at = sqlc.arg(used_at) WHERE id = sqlc.arg(id) AND used_at IS NULL;

-- name: DeleteWalletCodesBefore :execrows
DELETE FROM wallet_codes WHERE expires_at < sqlc.arg(before);

-- name: InsertWalletSession :exec
INSERT INTO wallet_sessions (token_hash, shopper_id, created_at, expires_at)
VALUES (sqlc.arg(token_hash), sqlc.arg(shopper_id), sqlc.arg(created_at), sqlc.arg(expires_at));

-- name: GetWalletSession :one
SELECT * FROM wallet_sessions WHERE token_hash = sqlc.arg(token_hash) AND expires_at > sqlc.arg(now);

-- name: DeleteWalletSession :exec
DELETE FROM wallet_sessions WHERE token_hash = sqlc.arg(token_hash);

-- name: InsertAdminKey :exec
INSERT INTO admin_keys (id, key_hash, description, created_at) VALUES (sqlc.arg(id), sqlc.arg(key_hash), sqlc.arg(description), sqlc.arg(created_at));

-- name: GetAdminKeyByHash :one
SELECT * FROM admin_keys WHERE key_hash = sqlc.arg(key_hash);

-- name: ListAdminKeys :many
SELECT * FROM admin_keys ORDER BY id;

-- name: RevokeAdminKey :execrows
UPDATE admin_keys SET revoked_at = sqlc.arg(revoked_at) WHERE id = sqlc.arg(id) AND revoked_at IS NULL;

-- name: LinkCustomerToShopper :execrows
UPDATE customers SET shopper_id = sqlc.arg(shopper_id)
WHERE id = sqlc.arg(id) AND merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode);

-- name: DeleteWalletSessionsBefore :execrows
DELETE FROM wallet_sessions WHERE expires_at < sqlc.arg(before);
