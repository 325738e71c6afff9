-- +goose Up
-- Dashboard sign-in sessions. The cookie carries a random token; only its SHA-256 is stored. merchant_id is the
-- merchant the session looks at (its own for a merchant user, the chosen one for an operator); livemode is the
-- test/live switch.
CREATE TABLE dashboard_sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    merchant_id  TEXT REFERENCES merchants (id),
    livemode     BOOLEAN NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX dashboard_sessions_user_idx ON dashboard_sessions (user_id);
CREATE INDEX dashboard_sessions_expires_idx ON dashboard_sessions (expires_at);

-- Failed sign-ins per (lower-cased) email, known or not, so that the lock-out does not reveal which emails exist.
CREATE TABLE dashboard_login_failures (
    email        TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL CHECK (failures >= 0),
    locked_until TIMESTAMP,
    updated_at   TIMESTAMP NOT NULL
);

-- What a merchant sets for its pages: the time zone the dashboard shows times in, and the branding of its hosted
-- pages (accent color as #rrggbb, logo as an https URL). No row means UTC and no branding.
CREATE TABLE merchant_profiles (
    merchant_id  TEXT PRIMARY KEY REFERENCES merchants (id),
    time_zone    TEXT NOT NULL,
    accent_color TEXT NOT NULL,
    logo_url     TEXT NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

-- The dashboard's payment filters and statistics.
CREATE INDEX payments_created_idx ON payments (merchant_id, livemode, created_at, status, currency, amount);
CREATE INDEX payments_email_idx ON payments (merchant_id, livemode, customer_email, id);
CREATE INDEX payments_last4_idx ON payments (merchant_id, livemode, card_last4, id);
CREATE INDEX payments_order_idx ON payments (merchant_id, livemode, external_order_id, id);
CREATE INDEX refunds_created_idx ON refunds (merchant_id, livemode, created_at);

-- +goose Down
DROP INDEX refunds_created_idx;
DROP INDEX payments_order_idx;
DROP INDEX payments_last4_idx;
DROP INDEX payments_email_idx;
DROP INDEX payments_created_idx;
DROP TABLE merchant_profiles;
DROP TABLE dashboard_login_failures;
DROP TABLE dashboard_sessions;
