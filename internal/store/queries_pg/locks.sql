-- name: LockMerchant :one
SELECT * FROM merchants WHERE id = sqlc.arg(id) FOR UPDATE;

-- name: LockWebhookEndpoint :one
SELECT * FROM webhook_endpoints WHERE id = sqlc.arg(id) FOR UPDATE;

-- name: LockWebhookDelivery :one
SELECT * FROM webhook_deliveries WHERE id = sqlc.arg(id) FOR UPDATE;

-- name: LockCheckoutSession :one
SELECT * FROM checkout_sessions WHERE id = sqlc.arg(id) FOR UPDATE;

-- name: LockPayment :one
SELECT * FROM payments WHERE id = sqlc.arg(id) FOR UPDATE;

-- name: LockRefund :one
SELECT * FROM refunds WHERE id = sqlc.arg(id) FOR UPDATE;

-- name: LockPaymentIntent :one
SELECT * FROM payment_intents WHERE id = sqlc.arg(id) FOR UPDATE;
