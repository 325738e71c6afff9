-- +goose Up
-- The payment list's filters lead their own index, which serves both the filter and the newest-first order, so a
-- list costs the same with a million payments as with ten: a status filter walks (merchant, mode, status, id) and a
-- source filter (source_id, id); the unfiltered list and the created range walk payments_list_idx.
CREATE INDEX payments_status_idx ON payments (merchant_id, livemode, status, id);
DROP INDEX payments_source_idx;
CREATE INDEX payments_source_idx ON payments (source_id, id);

-- +goose Down
DROP INDEX payments_source_idx;
CREATE INDEX payments_source_idx ON payments (source_id);
DROP INDEX payments_status_idx;
