-- +goose Up
-- Checkout sessions ("cs_…") and payment links ("pl_…"): one table, two kinds (docs/architecture.md §4 front doors).
CREATE TABLE checkout_sessions (
    id                  TEXT COLLATE "C" PRIMARY KEY,
    kind                TEXT NOT NULL CHECK (kind IN ('session', 'link')),
    merchant_id         TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    livemode            BOOLEAN NOT NULL,
    external_order_id   TEXT NOT NULL,
    external_invoice_id TEXT NOT NULL,
    website_key         TEXT NOT NULL,
    amount              BIGINT NOT NULL CHECK (amount > 0),
    currency            TEXT NOT NULL,
    description         TEXT NOT NULL,
    success_url         TEXT NOT NULL,
    cancel_url          TEXT NOT NULL,
    webhook_endpoint_id TEXT COLLATE "C" REFERENCES webhook_endpoints (id),
    customer_email      TEXT NOT NULL,
    customer_name       TEXT NOT NULL,
    customer_phone      TEXT NOT NULL,
    metadata            JSON NOT NULL, -- kept as the merchant wrote it, echoed in events
    status              TEXT NOT NULL CHECK (status IN ('created', 'pending', 'paid', 'failed', 'canceled', 'expired',
                                                       'partially_refunded', 'refunded')),
    failed_attempts     BIGINT NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    payment_id          TEXT COLLATE "C",
    idempotency_key     TEXT NOT NULL,
    idempotency_hash    TEXT NOT NULL,
    expires_at          TIMESTAMPTZ NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    -- The seeds' idempotency scope: one session per (merchant, order, key); a new key starts a fresh attempt.
    UNIQUE (merchant_id, livemode, kind, external_order_id, idempotency_key)
);
CREATE INDEX checkout_sessions_list_idx ON checkout_sessions (merchant_id, livemode, kind, id);
CREATE INDEX checkout_sessions_order_idx ON checkout_sessions (merchant_id, livemode, external_order_id);
CREATE INDEX checkout_sessions_expiry_idx ON checkout_sessions (expires_at) WHERE status IN ('created', 'pending', 'failed');

-- +goose Down
DROP TABLE checkout_sessions;
