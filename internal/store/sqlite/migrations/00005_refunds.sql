-- +goose Up
-- Refunds (docs/architecture.md §4): pending → succeeded | failed. A pending refund counts against the payment's
-- refundable balance (payments.amount_refunds_pending), so concurrent refunds can never exceed the capture.
CREATE TABLE refunds (
    id                      TEXT PRIMARY KEY,
    payment_id              TEXT NOT NULL REFERENCES payments (id),
    merchant_id             TEXT NOT NULL REFERENCES merchants (id),
    livemode                BOOLEAN NOT NULL,
    amount                  BIGINT NOT NULL CHECK (amount > 0),
    currency                TEXT NOT NULL,
    status                  TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    reason                  TEXT NOT NULL,
    metadata                JSONTEXT NOT NULL,
    idempotency_key         TEXT NOT NULL,
    idempotency_hash        TEXT NOT NULL,
    provider_transaction_id TEXT NOT NULL,
    failure_code            TEXT NOT NULL,
    failure_message         TEXT NOT NULL,
    recovery_attempts       BIGINT NOT NULL DEFAULT 0,
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL,
    UNIQUE (merchant_id, livemode, idempotency_key)
);
CREATE INDEX refunds_list_idx ON refunds (merchant_id, livemode, id);
CREATE INDEX refunds_payment_idx ON refunds (payment_id);

-- +goose Down
DROP TABLE refunds;
