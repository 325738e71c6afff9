-- SQLite write transactions begin IMMEDIATE (the DSN sets _txlock=immediate), which already holds the database's
-- single write lock, so a plain read inside one is a locked read.
-- name: LockMerchant :one
SELECT * FROM merchants WHERE id = sqlc.arg(id);

-- name: LockWebhookEndpoint :one
SELECT * FROM webhook_endpoints WHERE id = sqlc.arg(id);

-- name: LockWebhookDelivery :one
SELECT * FROM webhook_deliveries WHERE id = sqlc.arg(id);

-- name: LockCheckoutSession :one
SELECT * FROM checkout_sessions WHERE id = sqlc.arg(id);

-- name: LockPayment :one
SELECT * FROM payments WHERE id = sqlc.arg(id);

-- name: LockRefund :one
SELECT * FROM refunds WHERE id = sqlc.arg(id);

-- name: LockPaymentIntent :one
SELECT * FROM payment_intents WHERE id = sqlc.arg(id);
