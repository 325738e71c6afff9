-- +goose Up
-- Processor-hosted pages: a profile may take a checkout session's payment on the processor's own page (Stripe
-- Checkout). The session names the profile it was opened on and the processor's id of that page, so the return,
-- the processor's webhooks, cancellation and expiry all confirm with the same page.
ALTER TABLE payment_profiles ADD COLUMN hosted_page BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE checkout_sessions ADD COLUMN profile_id TEXT NOT NULL DEFAULT '';
ALTER TABLE checkout_sessions ADD COLUMN provider_session_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE checkout_sessions DROP COLUMN provider_session_id;
ALTER TABLE checkout_sessions DROP COLUMN profile_id;
ALTER TABLE payment_profiles DROP COLUMN hosted_page;
