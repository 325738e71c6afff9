-- name: GetEvent :one
SELECT * FROM events WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND id = sqlc.arg(id);

-- name: GetEventByID :one
SELECT * FROM events WHERE id = sqlc.arg(id);

-- name: ListEvents :many
SELECT * FROM events
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND (CAST(sqlc.arg(starting_after) AS TEXT) = '' OR id < CAST(sqlc.arg(starting_after) AS TEXT))
  AND (CAST(sqlc.arg(type) AS TEXT) = '' OR type = CAST(sqlc.arg(type) AS TEXT))
  AND (CAST(sqlc.arg(object_id) AS TEXT) = '' OR object_id = CAST(sqlc.arg(object_id) AS TEXT))
  AND created_at >= sqlc.arg(created_gte) AND created_at < sqlc.arg(created_lt)
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- name: ListEventsEndingBefore :many
SELECT * FROM events
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND id > sqlc.arg(ending_before)
  AND (CAST(sqlc.arg(type) AS TEXT) = '' OR type = CAST(sqlc.arg(type) AS TEXT))
  AND (CAST(sqlc.arg(object_id) AS TEXT) = '' OR object_id = CAST(sqlc.arg(object_id) AS TEXT))
  AND created_at >= sqlc.arg(created_gte) AND created_at < sqlc.arg(created_lt)
ORDER BY id ASC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- name: InsertWebhookEndpoint :exec
INSERT INTO webhook_endpoints (id, merchant_id, livemode, url, description, enabled_events, api_version, status,
                               disabled_reason, secret_sealed, secret_hint, previous_secret_sealed,
                               previous_secret_expires_at, failing_since, created_at, updated_at, deleted_at, scope)
VALUES (sqlc.arg(id), sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(url), sqlc.arg(description),
        sqlc.arg(enabled_events), sqlc.arg(api_version), sqlc.arg(status), sqlc.arg(disabled_reason),
        sqlc.arg(secret_sealed), sqlc.arg(secret_hint), sqlc.narg(previous_secret_sealed),
        sqlc.narg(previous_secret_expires_at), sqlc.narg(failing_since), sqlc.arg(created_at), sqlc.arg(updated_at),
        sqlc.narg(deleted_at), sqlc.arg(scope));

-- name: GetWebhookEndpoint :one
SELECT * FROM webhook_endpoints
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND id = sqlc.arg(id) AND deleted_at IS NULL;

-- name: GetWebhookEndpointByID :one
SELECT * FROM webhook_endpoints WHERE id = sqlc.arg(id);

-- name: ListWebhookEndpoints :many
SELECT * FROM webhook_endpoints
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND deleted_at IS NULL
ORDER BY id DESC;

-- name: ListEnabledWebhookEndpoints :many
SELECT * FROM webhook_endpoints
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND status = 'enabled' AND deleted_at IS NULL
ORDER BY id;

-- name: UpdateWebhookEndpoint :execrows
UPDATE webhook_endpoints
SET url = sqlc.arg(url), description = sqlc.arg(description), enabled_events = sqlc.arg(enabled_events),
    api_version = sqlc.arg(api_version), status = sqlc.arg(status), disabled_reason = sqlc.arg(disabled_reason),
    secret_sealed = sqlc.arg(secret_sealed), secret_hint = sqlc.arg(secret_hint),
    previous_secret_sealed = sqlc.narg(previous_secret_sealed),
    previous_secret_expires_at = sqlc.narg(previous_secret_expires_at), failing_since = sqlc.narg(failing_since),
    updated_at = sqlc.arg(updated_at), deleted_at = sqlc.narg(deleted_at)
WHERE id = sqlc.arg(id);

-- name: InsertWebhookDelivery :exec
INSERT INTO webhook_deliveries (id, merchant_id, livemode, event_id, endpoint_id, event_type, status, attempts,
                                next_attempt_at, last_attempt_at, created_at, updated_at)
VALUES (sqlc.arg(id), sqlc.arg(merchant_id), sqlc.arg(livemode), sqlc.arg(event_id), sqlc.arg(endpoint_id),
        sqlc.arg(event_type), sqlc.arg(status), sqlc.arg(attempts), sqlc.narg(next_attempt_at),
        sqlc.narg(last_attempt_at), sqlc.arg(created_at), sqlc.arg(updated_at));

-- name: GetWebhookDelivery :one
SELECT * FROM webhook_deliveries
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode) AND id = sqlc.arg(id);

-- name: GetWebhookDeliveryByID :one
SELECT * FROM webhook_deliveries WHERE id = sqlc.arg(id);

-- name: UpdateWebhookDelivery :execrows
UPDATE webhook_deliveries
SET status = sqlc.arg(status), attempts = sqlc.arg(attempts), next_attempt_at = sqlc.narg(next_attempt_at),
    last_attempt_at = sqlc.narg(last_attempt_at), updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id);

-- name: ListWebhookDeliveries :many
SELECT * FROM webhook_deliveries
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND (CAST(sqlc.arg(starting_after) AS TEXT) = '' OR id < CAST(sqlc.arg(starting_after) AS TEXT))
  AND (CAST(sqlc.arg(endpoint_id) AS TEXT) = '' OR endpoint_id = CAST(sqlc.arg(endpoint_id) AS TEXT))
  AND (CAST(sqlc.arg(event_type) AS TEXT) = '' OR event_type = CAST(sqlc.arg(event_type) AS TEXT))
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
  AND (CAST(sqlc.arg(event_id) AS TEXT) = '' OR event_id = CAST(sqlc.arg(event_id) AS TEXT))
  AND created_at >= sqlc.arg(created_gte) AND created_at < sqlc.arg(created_lt)
ORDER BY id DESC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- name: ListWebhookDeliveriesEndingBefore :many
SELECT * FROM webhook_deliveries
WHERE merchant_id = sqlc.arg(merchant_id) AND livemode = sqlc.arg(livemode)
  AND id > sqlc.arg(ending_before)
  AND (CAST(sqlc.arg(endpoint_id) AS TEXT) = '' OR endpoint_id = CAST(sqlc.arg(endpoint_id) AS TEXT))
  AND (CAST(sqlc.arg(event_type) AS TEXT) = '' OR event_type = CAST(sqlc.arg(event_type) AS TEXT))
  AND (CAST(sqlc.arg(status) AS TEXT) = '' OR status = CAST(sqlc.arg(status) AS TEXT))
  AND (CAST(sqlc.arg(event_id) AS TEXT) = '' OR event_id = CAST(sqlc.arg(event_id) AS TEXT))
  AND created_at >= sqlc.arg(created_gte) AND created_at < sqlc.arg(created_lt)
ORDER BY id ASC
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- Deliveries whose next attempt is due (a sweep re-queues them if their job was lost).
-- name: ListDueWebhookDeliveries :many
SELECT * FROM webhook_deliveries
WHERE status IN ('pending', 'retrying') AND next_attempt_at <= sqlc.arg(now)
ORDER BY next_attempt_at
LIMIT CAST(sqlc.arg(row_limit) AS BIGINT);

-- name: InsertWebhookAttempt :exec
INSERT INTO webhook_attempts (id, delivery_id, attempt, started_at, duration_ms, http_status, response_excerpt, error)
VALUES (sqlc.arg(id), sqlc.arg(delivery_id), sqlc.arg(attempt), sqlc.arg(started_at), sqlc.arg(duration_ms),
        sqlc.arg(http_status), sqlc.arg(response_excerpt), sqlc.arg(error));

-- name: ListWebhookAttempts :many
SELECT * FROM webhook_attempts WHERE delivery_id = sqlc.arg(delivery_id) ORDER BY attempt;

-- Everything one delivery attempt needs, in one round trip.
-- name: GetWebhookAttemptContext :one
SELECT sqlc.embed(webhook_deliveries), sqlc.embed(webhook_endpoints), sqlc.embed(events)
FROM webhook_deliveries
JOIN webhook_endpoints ON webhook_endpoints.id = webhook_deliveries.endpoint_id
JOIN events ON events.id = webhook_deliveries.event_id
WHERE webhook_deliveries.id = sqlc.arg(id);
