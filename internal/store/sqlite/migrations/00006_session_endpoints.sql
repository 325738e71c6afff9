-- +goose Up
-- An endpoint registered from a checkout session's webhook_url receives the events of the sessions that name it,
-- not every event of the merchant: scope 'session'. Endpoints the merchant registers are scope 'merchant'.
ALTER TABLE webhook_endpoints ADD COLUMN scope TEXT NOT NULL DEFAULT 'merchant' CHECK (scope IN ('merchant', 'session'));

-- +goose Down
ALTER TABLE webhook_endpoints DROP COLUMN scope;
