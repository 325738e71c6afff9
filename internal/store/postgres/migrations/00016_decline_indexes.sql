-- +goose Up
-- The fraud rules count an attempt's declines of the last day by card, IP and e-mail. Indexes of failed payments
-- only let each count walk declines alone, not every attempt of a busy card or IP (a failed payment is a small share
-- of all, so they cost little to keep).
CREATE INDEX payments_card_declines_idx ON payments (merchant_id, livemode, card_fingerprint, created_at) WHERE status = 'failed';
CREATE INDEX payments_ip_declines_idx ON payments (merchant_id, livemode, client_ip, created_at) WHERE status = 'failed';
CREATE INDEX payments_email_declines_idx ON payments (merchant_id, livemode, customer_email, created_at) WHERE status = 'failed';

-- +goose Down
DROP INDEX payments_email_declines_idx;
DROP INDEX payments_ip_declines_idx;
DROP INDEX payments_card_declines_idx;
