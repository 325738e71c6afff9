-- +goose Up
-- The direct card API and payment intents (document 002): what a payment needs beyond the hosted checkout's sale —
-- authorizations that expire, captures and voids run over the §5 protocol (operation*: at most one in flight, under
-- the payment's row lock), the issuer's answer, and the fraud assessment with the signals it was computed from (card
-- fingerprint, client IP).
ALTER TABLE payments ADD COLUMN card_fingerprint TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN client_ip TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN fraud_score BIGINT NOT NULL DEFAULT 0 CHECK (fraud_score BETWEEN 0 AND 100);
ALTER TABLE payments ADD COLUMN fraud_decision TEXT NOT NULL DEFAULT '' CHECK (fraud_decision IN ('', 'approve', 'review', 'decline'));
ALTER TABLE payments ADD COLUMN fraud_reasons JSONTEXT NOT NULL DEFAULT '[]';
ALTER TABLE payments ADD COLUMN auth_code TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN response_code TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN response_message TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN last_transaction_id TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN authorized_at TIMESTAMP;
ALTER TABLE payments ADD COLUMN expires_at TIMESTAMP;
ALTER TABLE payments ADD COLUMN captured_at TIMESTAMP;
ALTER TABLE payments ADD COLUMN voided_at TIMESTAMP;
ALTER TABLE payments ADD COLUMN void_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN operation TEXT NOT NULL DEFAULT '' CHECK (operation IN ('', 'capture', 'void', 'expire'));
ALTER TABLE payments ADD COLUMN operation_id TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN operation_amount BIGINT NOT NULL DEFAULT 0 CHECK (operation_amount >= 0);
ALTER TABLE payments ADD COLUMN operation_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX payments_card_velocity_idx ON payments (merchant_id, livemode, card_fingerprint, created_at);
CREATE INDEX payments_ip_velocity_idx ON payments (merchant_id, livemode, client_ip, created_at);
CREATE INDEX payments_email_velocity_idx ON payments (merchant_id, livemode, customer_email, created_at);
CREATE INDEX payments_authorized_idx ON payments (expires_at) WHERE status = 'authorized';
-- The recovery sweep's scan of captures and voids left in flight.
CREATE INDEX payments_operation_idx ON payments (updated_at) WHERE operation <> '';

-- Payment intents ("pi_"): a payment confirmed from the browser with a client secret (stored as SHA-256 only).
CREATE TABLE payment_intents (
    id                 TEXT PRIMARY KEY,
    merchant_id        TEXT NOT NULL REFERENCES merchants (id),
    livemode           BOOLEAN NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('created', 'processing', 'authorized', 'captured', 'canceled',
                                                       'expired', 'failed')),
    amount             BIGINT NOT NULL CHECK (amount > 0),
    currency           TEXT NOT NULL,
    capture_method     TEXT NOT NULL CHECK (capture_method IN ('automatic', 'manual')),
    description        TEXT NOT NULL,
    external_order_id  TEXT NOT NULL,
    success_url        TEXT NOT NULL,
    cancel_url         TEXT NOT NULL,
    customer_email     TEXT NOT NULL,
    metadata           JSONTEXT NOT NULL,
    client_secret_hash TEXT NOT NULL,
    failed_attempts    BIGINT NOT NULL DEFAULT 0 CHECK (failed_attempts BETWEEN 0 AND 5),
    payment_id         TEXT NOT NULL,
    failure_code       TEXT NOT NULL,
    failure_message    TEXT NOT NULL,
    expires_at         TIMESTAMP NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX payment_intents_list_idx ON payment_intents (merchant_id, livemode, id);
CREATE INDEX payment_intents_open_idx ON payment_intents (expires_at) WHERE status IN ('created', 'failed');

-- A merchant's fraud blocklist: card fingerprints, emails, IPs and BINs that are declined before any provider call.
CREATE TABLE fraud_blocklist (
    id          TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    livemode    BOOLEAN NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('card_fingerprint', 'email', 'ip', 'bin')),
    value       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (merchant_id, livemode, kind, value)
);
CREATE INDEX fraud_blocklist_list_idx ON fraud_blocklist (merchant_id, livemode, id);

-- A merchant's fraud thresholds and rule weights (fraud.Settings as JSON); no row means the defaults.
-- Per mode: a test key must never change how live payments are scored.
CREATE TABLE fraud_settings (
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    livemode    BOOLEAN NOT NULL,
    settings    JSONTEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (merchant_id, livemode)
);

-- +goose Down
DROP TABLE fraud_settings;
DROP TABLE fraud_blocklist;
DROP TABLE payment_intents;
DROP INDEX payments_operation_idx;
DROP INDEX payments_authorized_idx;
DROP INDEX payments_email_velocity_idx;
DROP INDEX payments_ip_velocity_idx;
DROP INDEX payments_card_velocity_idx;
ALTER TABLE payments DROP COLUMN operation_reason;
ALTER TABLE payments DROP COLUMN operation_amount;
ALTER TABLE payments DROP COLUMN operation_id;
ALTER TABLE payments DROP COLUMN operation;
ALTER TABLE payments DROP COLUMN void_reason;
ALTER TABLE payments DROP COLUMN voided_at;
ALTER TABLE payments DROP COLUMN captured_at;
ALTER TABLE payments DROP COLUMN expires_at;
ALTER TABLE payments DROP COLUMN authorized_at;
ALTER TABLE payments DROP COLUMN last_transaction_id;
ALTER TABLE payments DROP COLUMN response_message;
ALTER TABLE payments DROP COLUMN response_code;
ALTER TABLE payments DROP COLUMN auth_code;
ALTER TABLE payments DROP COLUMN fraud_reasons;
ALTER TABLE payments DROP COLUMN fraud_decision;
ALTER TABLE payments DROP COLUMN fraud_score;
ALTER TABLE payments DROP COLUMN client_ip;
ALTER TABLE payments DROP COLUMN card_fingerprint;
