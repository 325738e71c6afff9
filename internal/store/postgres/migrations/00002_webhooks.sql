-- +goose Up
-- Events (docs/architecture.md §4): data is the affected object as the API shows it. sequence increases per object.
CREATE TABLE events (
    id          TEXT COLLATE "C" PRIMARY KEY,
    merchant_id TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    livemode    BOOLEAN NOT NULL,
    type        TEXT NOT NULL,
    object_id   TEXT COLLATE "C" NOT NULL,
    sequence    BIGINT NOT NULL CHECK (sequence > 0),
    api_version TEXT NOT NULL,
    data        JSON NOT NULL, -- json, not jsonb: the payload is signed, so its bytes must round-trip exactly
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (object_id, sequence)
);
CREATE INDEX events_list_idx ON events (merchant_id, livemode, id);
CREATE INDEX events_object_idx ON events (merchant_id, livemode, object_id, id);

-- The last sequence number handed out per object.
CREATE TABLE object_sequences (
    object_id TEXT COLLATE "C" PRIMARY KEY,
    last      BIGINT NOT NULL
);

-- Webhook endpoints. Secrets are sealed (AES-256-GCM under a key derived from KASSA_MASTER_KEY, bound to the
-- endpoint id); during a rotation the previous secret keeps signing until previous_secret_expires_at.
CREATE TABLE webhook_endpoints (
    id                         TEXT COLLATE "C" PRIMARY KEY,
    merchant_id                TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    livemode                   BOOLEAN NOT NULL,
    url                        TEXT NOT NULL,
    description                TEXT NOT NULL,
    enabled_events             JSONB NOT NULL,
    api_version                TEXT NOT NULL,
    status                     TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
    disabled_reason            TEXT NOT NULL,
    secret_sealed              BYTEA NOT NULL,
    secret_hint                TEXT NOT NULL,
    previous_secret_sealed     BYTEA,
    previous_secret_expires_at TIMESTAMPTZ,
    failing_since              TIMESTAMPTZ,
    created_at                 TIMESTAMPTZ NOT NULL,
    updated_at                 TIMESTAMPTZ NOT NULL,
    deleted_at                 TIMESTAMPTZ
);
CREATE INDEX webhook_endpoints_merchant_idx ON webhook_endpoints (merchant_id, livemode, id);

-- One delivery per (event, endpoint). status: pending (never attempted) -> retrying (failed, next attempt
-- scheduled) -> delivered | failed (schedule exhausted or endpoint disabled).
CREATE TABLE webhook_deliveries (
    id              TEXT COLLATE "C" PRIMARY KEY,
    merchant_id     TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    livemode        BOOLEAN NOT NULL,
    event_id        TEXT COLLATE "C" NOT NULL REFERENCES events (id),
    endpoint_id     TEXT COLLATE "C" NOT NULL REFERENCES webhook_endpoints (id),
    event_type      TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'retrying', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ,
    last_attempt_at TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_list_idx ON webhook_deliveries (merchant_id, livemode, id);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, status, id);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying');

-- Every attempt, kept for the merchant to inspect.
CREATE TABLE webhook_attempts (
    id               TEXT COLLATE "C" PRIMARY KEY,
    delivery_id      TEXT COLLATE "C" NOT NULL REFERENCES webhook_deliveries (id),
    attempt          BIGINT NOT NULL,
    started_at       TIMESTAMPTZ NOT NULL,
    duration_ms      BIGINT NOT NULL,
    http_status      BIGINT NOT NULL,
    response_excerpt TEXT NOT NULL,
    error            TEXT NOT NULL,
    UNIQUE (delivery_id, attempt)
);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
DROP TABLE object_sequences;
DROP TABLE events;
