-- +goose Up
-- Vaulted cards (docs/architecture.md §9): sealed with a per-record data key; only display data is in clear.
CREATE TABLE payment_methods (
    id          TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    livemode    BOOLEAN NOT NULL,
    brand       TEXT NOT NULL,
    first6      TEXT NOT NULL,
    last4       TEXT NOT NULL,
    exp_month   BIGINT NOT NULL,
    exp_year    BIGINT NOT NULL,
    fingerprint TEXT NOT NULL,
    ciphertext  BLOB NOT NULL,
    wrapped_key BLOB NOT NULL,
    key_version BIGINT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX payment_methods_fingerprint_idx ON payment_methods (merchant_id, fingerprint);

-- The money (docs/architecture.md §4): one state machine for every front door.
CREATE TABLE payments (
    id                      TEXT PRIMARY KEY,
    merchant_id             TEXT NOT NULL REFERENCES merchants (id),
    livemode                BOOLEAN NOT NULL,
    status                  TEXT NOT NULL CHECK (status IN ('pending', 'authorized', 'captured', 'partially_refunded',
                                                           'refunded', 'voided', 'expired', 'failed')),
    method                  TEXT NOT NULL CHECK (method IN ('card', 'upi', 'crypto')),
    capture_method          TEXT NOT NULL CHECK (capture_method IN ('automatic', 'manual')),
    amount                  BIGINT NOT NULL CHECK (amount > 0),
    currency                TEXT NOT NULL,
    amount_captured         BIGINT NOT NULL DEFAULT 0 CHECK (amount_captured >= 0 AND amount_captured <= amount),
    amount_refunded         BIGINT NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0),
    amount_refunds_pending  BIGINT NOT NULL DEFAULT 0 CHECK (amount_refunds_pending >= 0),
    payment_method_id       TEXT REFERENCES payment_methods (id),
    card_brand              TEXT NOT NULL,
    card_first6             TEXT NOT NULL,
    card_last4              TEXT NOT NULL,
    card_exp_month          BIGINT NOT NULL,
    card_exp_year           BIGINT NOT NULL,
    customer_email          TEXT NOT NULL,
    customer_name           TEXT NOT NULL,
    description             TEXT NOT NULL,
    metadata                JSONTEXT NOT NULL,
    external_order_id       TEXT NOT NULL,
    external_invoice_id     TEXT NOT NULL,
    source_kind             TEXT NOT NULL,
    source_id               TEXT NOT NULL,
    provider                TEXT NOT NULL,
    provider_transaction_id TEXT NOT NULL,
    scenario                TEXT NOT NULL,
    failure_code            TEXT NOT NULL,
    failure_message         TEXT NOT NULL,
    decline_code            TEXT NOT NULL,
    recovery_attempts       BIGINT NOT NULL DEFAULT 0,
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL,
    -- Refunds never exceed the capture, whatever the code does (docs/architecture.md §4).
    CHECK (amount_refunded + amount_refunds_pending <= amount_captured)
);
CREATE INDEX payments_list_idx ON payments (merchant_id, livemode, id);
CREATE INDEX payments_source_idx ON payments (source_id);
CREATE INDEX payments_pending_idx ON payments (updated_at) WHERE status = 'pending';

-- Every provider operation, append-only.
CREATE TABLE transactions (
    id                      TEXT PRIMARY KEY,
    payment_id              TEXT NOT NULL REFERENCES payments (id),
    merchant_id             TEXT NOT NULL REFERENCES merchants (id),
    livemode                BOOLEAN NOT NULL,
    type                    TEXT NOT NULL CHECK (type IN ('authorize', 'capture', 'sale', 'void', 'refund')),
    status                  TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')),
    amount                  BIGINT NOT NULL,
    currency                TEXT NOT NULL,
    provider                TEXT NOT NULL,
    provider_transaction_id TEXT NOT NULL,
    auth_code               TEXT NOT NULL,
    response_code           TEXT NOT NULL,
    response_message        TEXT NOT NULL,
    created_at              TIMESTAMP NOT NULL
);
CREATE INDEX transactions_list_idx ON transactions (merchant_id, livemode, id);
CREATE INDEX transactions_payment_idx ON transactions (payment_id, id);

-- The double-entry journal: one row per line; the lines of a journal balance.
CREATE TABLE ledger_lines (
    id          TEXT PRIMARY KEY,
    journal_id  TEXT NOT NULL,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    livemode    BOOLEAN NOT NULL,
    currency    TEXT NOT NULL,
    account     TEXT NOT NULL,
    debit       BIGINT NOT NULL CHECK (debit >= 0),
    credit      BIGINT NOT NULL CHECK (credit >= 0),
    reference   TEXT NOT NULL,
    memo        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    CHECK ((debit > 0) <> (credit > 0))
);
CREATE INDEX ledger_lines_journal_idx ON ledger_lines (journal_id);
CREATE INDEX ledger_lines_merchant_idx ON ledger_lines (merchant_id, livemode, currency, account);

ALTER TABLE checkout_sessions ADD COLUMN provider TEXT NOT NULL DEFAULT '';
ALTER TABLE checkout_sessions ADD COLUMN provider_transaction_id TEXT NOT NULL DEFAULT '';
ALTER TABLE checkout_sessions ADD COLUMN failure_code TEXT NOT NULL DEFAULT '';
ALTER TABLE checkout_sessions ADD COLUMN failure_message TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE checkout_sessions DROP COLUMN failure_message;
ALTER TABLE checkout_sessions DROP COLUMN failure_code;
ALTER TABLE checkout_sessions DROP COLUMN provider_transaction_id;
ALTER TABLE checkout_sessions DROP COLUMN provider;
DROP TABLE ledger_lines;
DROP TABLE transactions;
DROP TABLE payments;
DROP TABLE payment_methods;
