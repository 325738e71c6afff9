-- +goose Up
-- Payment profiles ("prof_"): a merchant's processor accounts per mode. Credentials are sealed with the
-- master key (bound to the profile id) and only their last 4 characters are kept in clear. Test mode's built-in
-- sandbox profile is not stored: every merchant has it.
CREATE TABLE payment_profiles (
    id                 TEXT COLLATE "C" PRIMARY KEY,
    merchant_id        TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    livemode           BOOLEAN NOT NULL,
    connector          TEXT NOT NULL CHECK (connector IN ('sandbox', 'stripe')),
    name               TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
    methods            JSONB NOT NULL,
    currencies         JSONB NOT NULL,
    api_base_url       TEXT NOT NULL,
    credentials_sealed BYTEA,
    credentials_hint   TEXT NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX payment_profiles_merchant_idx ON payment_profiles (merchant_id, livemode, id);

-- A merchant's routing rules per mode: one ordered list, replaced as a whole (PUT /api/v1/routing-rules).
CREATE TABLE routing_rules (
    merchant_id TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    livemode    BOOLEAN NOT NULL,
    rules       JSONB NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (merchant_id, livemode)
);

-- Processor events received at /providers/{profile}/webhooks, once each: a processor retries its deliveries, and
-- an event already seen is acknowledged without being applied again.
CREATE TABLE provider_events (
    profile_id  TEXT COLLATE "C" NOT NULL,
    event_id    TEXT COLLATE "C" NOT NULL,
    type        TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (profile_id, event_id)
);

-- Which profile took a payment, and which one each provider call went to (a fallback makes several).
ALTER TABLE payments ADD COLUMN profile_id TEXT NOT NULL DEFAULT '';
ALTER TABLE transactions ADD COLUMN profile_id TEXT NOT NULL DEFAULT '';
-- A processor's asynchronous answer names its own id of the payment.
CREATE INDEX payments_provider_transaction_idx ON payments (profile_id, provider_transaction_id) WHERE provider_transaction_id <> '';

-- +goose Down
ALTER TABLE transactions DROP COLUMN profile_id;
ALTER TABLE payments DROP COLUMN profile_id;
DROP INDEX payments_provider_transaction_idx;
DROP TABLE provider_events;
DROP TABLE routing_rules;
DROP TABLE payment_profiles;
