package payment

import (
	"time"

	"github.com/kassapay/kassa/internal/vault"
)

// SavedCard is a vaulted card ("pm_…"): sealed card data and what may be shown of it.
type SavedCard struct {
	ID         string
	MerchantID string
	Livemode   bool
	Sealed     vault.Sealed
	CreatedAt  time.Time
}
