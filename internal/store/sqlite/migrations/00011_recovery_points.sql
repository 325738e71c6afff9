-- +goose Up
-- The recovery point of an idempotency key (docs/architecture.md §5): the object (pay_, txn_, ref_) that the first
-- phase of the key's request created, written in that phase's own transaction. A retry that takes over an abandoned key
-- resumes that object instead of starting the money movement again. '' while the request has moved no money.
ALTER TABLE idempotency_keys ADD COLUMN recovery_point TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE idempotency_keys DROP COLUMN recovery_point;
