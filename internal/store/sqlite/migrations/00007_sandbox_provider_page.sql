-- +goose Up
-- Test mode can route a merchant's sessions through the sandbox's own hosted page, to rehearse the redirect flow of
-- processors that require their page (provider_checkout_url).
ALTER TABLE merchants ADD COLUMN sandbox_provider_page BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE checkout_sessions ADD COLUMN provider_checkout_url TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE checkout_sessions DROP COLUMN provider_checkout_url;
ALTER TABLE merchants DROP COLUMN sandbox_provider_page;
