package store

import (
	"time"

	"github.com/kassapay/kassa/internal/provider"
)

// RoutingRules are a merchant's ordered rules in one mode.
type RoutingRules struct {
	Rules     []provider.Rule
	UpdatedAt time.Time
}
