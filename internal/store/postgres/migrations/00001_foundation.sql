-- +goose Up
-- Identifiers sort by creation time in byte order; COLLATE "C" keeps that order whatever the database locale is.
-- Merchants own everything else. status is 'active' or 'inactive'; an inactive merchant's keys get 403.
CREATE TABLE merchants (
    id                       TEXT COLLATE "C" PRIMARY KEY,
    name                     TEXT NOT NULL,
    email                    TEXT NOT NULL,
    status                   TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
    checkout_allowed_origins JSONB NOT NULL DEFAULT '[]',
    rate_limits              JSONB NOT NULL DEFAULT '{}',
    created_at               TIMESTAMPTZ NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL
);

-- API keys are stored as SHA-256 of the full key; hint is the last four characters.
CREATE TABLE api_keys (
    id          TEXT COLLATE "C" PRIMARY KEY,
    merchant_id TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    kind        TEXT NOT NULL CHECK (kind IN ('secret', 'publishable')),
    livemode    BOOLEAN NOT NULL,
    key_hash    TEXT NOT NULL UNIQUE,
    hint        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX api_keys_merchant_idx ON api_keys (merchant_id, kind, livemode);

-- Dashboard users. merchant_id is NULL for operators.
CREATE TABLE users (
    id            TEXT COLLATE "C" PRIMARY KEY,
    merchant_id   TEXT COLLATE "C" REFERENCES merchants (id),
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('merchant', 'operator')),
    created_at    TIMESTAMPTZ NOT NULL,
    CHECK ((role = 'operator') = (merchant_id IS NULL))
);

CREATE TABLE customers (
    id              TEXT COLLATE "C" PRIMARY KEY,
    merchant_id     TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    livemode        BOOLEAN NOT NULL,
    email           TEXT NOT NULL,
    name            TEXT NOT NULL,
    phone           TEXT NOT NULL,
    description     TEXT NOT NULL,
    metadata        JSONB NOT NULL DEFAULT '{}',
    idempotency_key TEXT,
    -- The request hash of the creating request: a key reused for another request after the idempotency record's
    -- retention gets 409 instead of this customer.
    idempotency_hash TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (merchant_id, livemode, idempotency_key)
);
CREATE INDEX customers_list_idx ON customers (merchant_id, livemode, id);

-- Idempotency records (docs/architecture.md §6). status moves in_progress -> completed; rows rejected before any side
-- effect are deleted instead. locked_until lets a retry take over a claim whose process died.
CREATE TABLE idempotency_keys (
    merchant_id     TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    livemode        BOOLEAN NOT NULL,
    route           TEXT NOT NULL,
    key             TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('in_progress', 'completed')),
    response_status BIGINT NOT NULL DEFAULT 0,
    response_body   BYTEA,
    locked_until    TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (merchant_id, livemode, route, key)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);

-- Instance-wide facts, e.g. that the first-start sandbox merchant was created.
CREATE TABLE instance_settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE instance_settings;
DROP TABLE idempotency_keys;
DROP TABLE customers;
DROP TABLE users;
DROP TABLE api_keys;
DROP TABLE merchants;
