-- +goose Up
-- The shopper's "remember this card" on a card payment: its successful outcome saves the card to the wallet.
ALTER TABLE payments ADD COLUMN save_to_wallet BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE payments DROP COLUMN save_to_wallet;
