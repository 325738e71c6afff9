-- +goose Up
-- Orders (docs/architecture.md §4 front doors): the merchant's amount to collect; the customer pays it by UPI or card
-- and a River job settles the payment. An order keeps its latest payment attempt, so that a second attempt cannot start
-- while one is pending.
CREATE TABLE orders (
    id          TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    livemode    BOOLEAN NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount >= 100),
    currency    TEXT NOT NULL,
    receipt     TEXT NOT NULL,
    notes       JSONTEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('created', 'attempted', 'paid')),
    payment_id  TEXT,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX orders_list_idx ON orders (merchant_id, livemode, id);

-- The payer's UPI address (VPA) of a UPI payment; card payments keep their display data in the card_ columns.
ALTER TABLE payments ADD COLUMN vpa TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE payments DROP COLUMN vpa;
DROP TABLE orders;
