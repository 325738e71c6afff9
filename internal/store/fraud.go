package store

import (
	"context"
	"encoding/json"
	"time"
)

// BlocklistEntry is one value a merchant blocks: a card fingerprint, an email, an IP address or a BIN.
type BlocklistEntry struct {
	ID         string // "bl_…"
	MerchantID string
	Livemode   bool
	Kind       string
	Value      string
	Reason     string
	CreatedAt  time.Time
}

// AttemptCounts are card attempts in the last minute, hour and day.
type AttemptCounts struct{ Minute, Hour, Day int }

// AttemptKey names what velocity counts are taken over.
type AttemptKey struct {
	MerchantID string
	Livemode   bool
	// Since* are the starts of the windows.
	MinuteAgo, HourAgo, DayAgo time.Time
}

// BlocklistMatch is what an attempt is checked against; empty values match nothing.
type BlocklistMatch struct {
	MerchantID, CardFingerprint, Email, IP string
	Livemode                               bool
	// BIN is the card's first 8 digits (entries of 6, 7 or 8 digits match its prefixes).
	BIN string
}

// FraudQueries are the fraud rules' signals, the blocklist and the merchant's fraud settings.
type FraudQueries interface {
	CountCardAttempts(ctx context.Context, k AttemptKey, fingerprint string) (AttemptCounts, error)
	CountIPAttempts(ctx context.Context, k AttemptKey, ip string) (AttemptCounts, error)
	CountEmailAttempts(ctx context.Context, k AttemptKey, email string) (AttemptCounts, error)
	// CountDistinctCardsFromIP counts distinct card fingerprints from ip since, including fingerprint.
	CountDistinctCardsFromIP(ctx context.Context, merchantID string, livemode bool, ip, fingerprint string, since time.Time) (int, error)
	// CountRecentDeclines counts failed payments since with this card, IP or email (empty ones ignored).
	CountRecentDeclines(ctx context.Context, merchantID string, livemode bool, fingerprint, ip, email string, since time.Time) (int, error)
	// ListRecentAmounts returns the amounts of up to limit recent successful payments in currency since.
	ListRecentAmounts(ctx context.Context, merchantID string, livemode bool, currency string, since time.Time, limit int) ([]int64, error)

	// InsertBlocklistEntry inserts e unless the merchant blocks that kind and value already; it reports whether.
	InsertBlocklistEntry(ctx context.Context, e BlocklistEntry) (bool, error)
	GetBlocklistEntry(ctx context.Context, merchantID string, livemode bool, id string) (BlocklistEntry, error)
	GetBlocklistEntryByValue(ctx context.Context, merchantID string, livemode bool, kind, value string) (BlocklistEntry, error)
	DeleteBlocklistEntry(ctx context.Context, merchantID string, livemode bool, id string) error
	ListBlocklist(ctx context.Context, merchantID string, livemode bool, kind string, page Page) ([]BlocklistEntry, error)
	MatchBlocklist(ctx context.Context, m BlocklistMatch) ([]BlocklistEntry, error)

	// GetFraudSettings returns the merchant's stored settings of one mode (JSON of fraud.Settings) or ErrNotFound.
	GetFraudSettings(ctx context.Context, merchantID string, livemode bool) (json.RawMessage, error)
	PutFraudSettings(ctx context.Context, merchantID string, livemode bool, settings json.RawMessage, at time.Time) error
}
