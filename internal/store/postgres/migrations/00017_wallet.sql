-- +goose Up
-- The wallet (DESIGN §15, docs/architecture.md §15). A shopper is one identity across every merchant of the
-- instance, keyed by a verified, normalized e-mail address.
CREATE TABLE shoppers (
    id         TEXT COLLATE "C" PRIMARY KEY,
    email      TEXT COLLATE "C" NOT NULL UNIQUE,
    phone      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- A saved card: vaulted like payment_methods (sealed with its own data key; display data in clear), owned by a
-- shopper instead of a merchant, in one mode. A removed card keeps its row (payments name it) without its secret.
CREATE TABLE wallet_cards (
    id          TEXT COLLATE "C" PRIMARY KEY,
    shopper_id  TEXT COLLATE "C" NOT NULL REFERENCES shoppers (id),
    livemode    BOOLEAN NOT NULL,
    brand       TEXT NOT NULL,
    first6      TEXT NOT NULL,
    last4       TEXT NOT NULL,
    exp_month   BIGINT NOT NULL,
    exp_year    BIGINT NOT NULL,
    fingerprint TEXT NOT NULL,
    ciphertext  BYTEA NOT NULL,
    wrapped_key BYTEA NOT NULL,
    key_version BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    removed_at  TIMESTAMPTZ
);
CREATE INDEX wallet_cards_shopper_idx ON wallet_cards (shopper_id, livemode, id);
-- A card is saved once per shopper and mode; saving it again refreshes consent instead.
CREATE UNIQUE INDEX wallet_cards_fingerprint_idx ON wallet_cards (shopper_id, livemode, fingerprint) WHERE removed_at IS NULL;

-- The shopper's consent that a merchant may charge a saved card: when, from which IP; revoked, never deleted.
CREATE TABLE wallet_consents (
    payment_method_id TEXT COLLATE "C" NOT NULL REFERENCES wallet_cards (id),
    merchant_id       TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    granted_at        TIMESTAMPTZ NOT NULL,
    client_ip         TEXT NOT NULL,
    revoked_at        TIMESTAMPTZ,
    PRIMARY KEY (payment_method_id, merchant_id)
);
CREATE INDEX wallet_consents_merchant_idx ON wallet_consents (merchant_id, payment_method_id);

-- One-time sign-in codes: 6 digits, stored as a keyed MAC, single use, a few tries, minutes long.
CREATE TABLE wallet_codes (
    id         TEXT COLLATE "C" PRIMARY KEY,
    email      TEXT COLLATE "C" NOT NULL,
    code_mac   TEXT NOT NULL,
    client_ip  TEXT NOT NULL,
    attempts   BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX wallet_codes_email_idx ON wallet_codes (email, created_at);
CREATE INDEX wallet_codes_ip_idx ON wallet_codes (client_ip, created_at);

-- A signed-in shopper (the portal, or a checkout that proved the e-mail): the token's SHA-256, as dashboard sessions.
CREATE TABLE wallet_sessions (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    shopper_id TEXT COLLATE "C" NOT NULL REFERENCES shoppers (id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX wallet_sessions_shopper_idx ON wallet_sessions (shopper_id);

-- Keys of the operator's admin API (document 000's /api/admin/…): SHA-256 of the key, shown once.
CREATE TABLE admin_keys (
    id          TEXT COLLATE "C" PRIMARY KEY,
    key_hash    TEXT COLLATE "C" NOT NULL UNIQUE,
    description TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ
);

-- A merchant's customer may be linked to the shopper who paid as them.
ALTER TABLE customers ADD COLUMN shopper_id TEXT COLLATE "C" REFERENCES shoppers (id);

-- +goose Down
ALTER TABLE customers DROP COLUMN shopper_id;
DROP TABLE admin_keys;
DROP TABLE wallet_sessions;
DROP TABLE wallet_codes;
DROP TABLE wallet_consents;
DROP TABLE wallet_cards;
DROP TABLE shoppers;
